"""Layering of `zoo/`, read from the source with `ast` (nothing is imported).

Every `.py` file under `zoo/` is a module (`zoo/x/__init__.py` is the package `zoo.x`, i.e. its
`__init__`). Every import statement counts, wherever it is: module level, inside functions or classes,
under `if TYPE_CHECKING:` or `try:`; so do `importlib.import_module("zoo.x")` calls with a literal name
and the lazy-import tables of package `__init__`s (a string literal, not a docstring, that is exactly
the dotted name of a zoo submodule, like `{"load": ("zoo.hub", "load")}`). An import is an edge from the
importing module to:

- `import zoo.a.b` -> the module `zoo.a.b`;
- `from zoo.a import c` -> `zoo.a.c` if that is a module (a submodule imported by name), else `zoo.a`
  (a name defined in `zoo/a/__init__.py` or `zoo/a.py`); `from zoo.a import *` -> `zoo.a`;
- relative imports are resolved against the importing module's package first;
- plus every package `__init__` the import runs that is not already an ancestor of the importer:
  `zoo.cli.hub` importing `zoo.hub.registry` also depends on `zoo/hub/__init__.py`, which Python runs
  first. The importer's own ancestors are not edges: they have started running before the importer
  can run (a package `__init__` re-exporting its submodules is not a cycle). But importing a name from
  one's own package, `from zoo.hub import weights_dir` inside `zoo.hub.load`, is an explicit edge to
  `zoo.hub`, and a cycle if `zoo/hub/__init__.py` imports `zoo.hub.load`.

The rules, all reported at once:

1. no cycle in that module graph (each strongly connected component is printed as one cycle, with the
   file and line of every import on it);
2. no cycle between the top-level parts of zoo (`zoo.hub`, `zoo.metrics`, `zoo.training`, `zoo.images`,
   ...: the module graph with every module collapsed into its part), so e.g. hub -> metrics ->
   hub is a cycle even when no single module is on both sides;
3. no module uses another module's private names: `from zoo.a import _name`, `zoo.a._name` or
   `alias._name` through an imported zoo module (dunder names such as `__version__` are public), nor
   imports a private module `zoo.a._b` from outside the package `zoo.a`;
4. no library module imports the application layer `zoo.cli` (only `zoo.cli.*` itself may), and no
   part imports one it must not (`FORBIDDEN`: `zoo.training` does not import `zoo.hub`);
5. every imported `zoo.*` module exists (a stale import inside a function would fail only when called).

Run `python tests/test_layering.py` to print the violations without pytest.
"""

from __future__ import annotations

import ast
import collections
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = "zoo"
APPLICATION = "zoo.cli"
# (lower part, part it must not import, why)
FORBIDDEN = (
    ("zoo.training", "zoo.hub", "a published name is resolved to its folder by the application layer, and "
                                "git commit / hardware come from zoo.provenance"),
)


@dataclass(frozen=True)
class Edge:
    importer: str
    target: str
    line: int
    via: str  # the import as written, for messages

    def where(self, modules, root) -> str:
        return f"{modules[self.importer].relative_to(root)}:{self.line}"


def discover(root: Path = ROOT) -> dict[str, Path]:
    """{module name: path} of every .py file under root/zoo/."""
    modules = {}
    for path in sorted((root / TOP).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def is_package(name: str, modules) -> bool:
    return modules[name].name == "__init__.py"


def ancestors(name: str) -> list[str]:
    """'zoo.a.b' -> ['zoo', 'zoo.a']."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class Collector(ast.NodeVisitor):
    """The zoo imports of one module: edges, private-name uses and unresolved names."""

    def __init__(self, name: str, modules: dict[str, Path]):
        self.name, self.modules = name, modules
        self.package = name if is_package(name, modules) else name.rpartition(".")[0]
        self.edges: list[Edge] = []
        self.private: list[tuple[int, str]] = []
        self.unresolved: list[tuple[int, str]] = []
        self.aliases: dict[str, str] = {}  # local name -> zoo module it is bound to by an import
        self.docstrings: set[int] = set()

    # --- edges
    def add(self, target: str, line: int, via: str) -> None:
        if target not in self.modules:
            self.unresolved.append((line, via))
            return
        for package in ancestors(target) + [target]:
            if package == self.name or (package in ancestors(self.name) and package != target):
                continue
            self.edges.append(Edge(self.name, package, line, via))
        parts = target.split(".")
        for i, part in enumerate(parts):
            if is_private(part) and not in_package(self.name, ".".join(parts[:i])):
                self.private.append((line, f"{via} (private module {target})"))
                break

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == TOP or alias.name.startswith(TOP + "."):
                self.add(alias.name, node.lineno, f"import {alias.name}")
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    self.aliases[TOP] = TOP

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.package.split(".")
            if node.level > 1:
                package = package[:-(node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        if not (base == TOP or base.startswith(TOP + ".")):
            return
        dots = "." * node.level
        for alias in node.names:
            via = f"from {dots}{node.module or ''} import {alias.name}"
            submodule = f"{base}.{alias.name}"
            if alias.name != "*" and submodule in self.modules:
                self.add(submodule, node.lineno, via)
                self.aliases[alias.asname or alias.name] = submodule
                continue
            self.add(base, node.lineno, via)
            if alias.name != "*" and is_private(alias.name) and base != self.name:
                self.private.append((node.lineno, via))

    # --- dynamic imports: importlib.import_module("zoo.x") and lazy tables of module names
    def visit_Module(self, node: ast.Module) -> None:
        self._note_docstring(node)
        self.generic_visit(node)

    def visit_FunctionDef(self, node) -> None:
        self._note_docstring(node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._note_docstring(node)
        self.generic_visit(node)

    def _note_docstring(self, node) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if (isinstance(value, str) and id(node) not in self.docstrings and value.startswith(TOP + ".")
                and value.replace(".", "").replace("_", "").isalnum() and value in self.modules):
            self.add(value, node.lineno, f"{value!r} (imported by name)")

    # --- private attributes of imported zoo modules: zoo.a._b, alias._b
    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain, inner = [node.attr], node.value
        while isinstance(inner, ast.Attribute):
            chain.append(inner.attr)
            inner = inner.value
        if isinstance(inner, ast.Name) and inner.id in self.aliases:
            chain.reverse()
            module = self.aliases[inner.id]
            for attr in chain:
                if f"{module}.{attr}" in self.modules:
                    module = f"{module}.{attr}"
                    continue
                if is_private(attr) and module != self.name:
                    self.private.append((node.lineno, f"{inner.id}.{'.'.join(chain[:chain.index(attr) + 1])}"
                                                      f" (private name of {module})"))
                break
            return  # the inner attributes of this chain are done
        self.generic_visit(node)


def collect(modules: dict[str, Path]) -> dict[str, Collector]:
    out = {}
    for name, path in modules.items():
        collector = Collector(name, modules)
        collector.visit(ast.parse(path.read_text(), filename=str(path)))
        out[name] = collector
    return out


def strongly_connected(nodes, successors) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), those with more than one node."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(successors(root))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def shortest_cycle(start: str, successors, allowed: set[str]) -> list[str]:
    """start -> ... -> start, the shortest such path inside `allowed`."""
    parent, queue = {}, collections.deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(successors(node)):
            if child not in allowed:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is on no cycle")


def part_of(module: str) -> str:
    """The top-level part of zoo a module belongs to: zoo.hub.load -> zoo.hub; zoo -> zoo."""
    return ".".join(module.split(".")[:2])


def violations(root: Path = ROOT) -> list[str]:
    """Every violation of the rules in the docstring by root/zoo/, one message each."""
    modules = discover(root)
    collected = collect(modules)
    edges = [e for c in collected.values() for e in c.edges]
    out = []

    by_pair = collections.defaultdict(list)
    for e in edges:
        by_pair[e.importer, e.target].append(e)
    graph = collections.defaultdict(set)
    for importer, target in by_pair:
        graph[importer].add(target)
    module_cycles = strongly_connected(modules, lambda m: graph[m])
    for component in module_cycles:
        cycle = shortest_cycle(component[0], lambda m: graph[m], set(component))
        steps = "\n".join(f"      {a} -> {b}   ({by_pair[a, b][0].where(modules, root)}: {by_pair[a, b][0].via})"
                          for a, b in zip(cycle, cycle[1:]))
        more = f" (component of {len(component)}: {', '.join(component)})" if len(component) > len(cycle) - 1 else ""
        out.append(f"import cycle {' -> '.join(cycle)}{more}:\n{steps}")

    part_pairs = collections.defaultdict(list)
    for e in edges:
        if part_of(e.importer) != part_of(e.target):
            part_pairs[part_of(e.importer), part_of(e.target)].append(e)
    parts = {part_of(m) for m in modules}
    part_graph = collections.defaultdict(set)
    for a, b in part_pairs:
        part_graph[a].add(b)
    reported = [{part_of(m) for m in component} for component in module_cycles]
    for component in strongly_connected(parts, lambda p: part_graph[p]):
        if set(component) in reported:
            continue  # the module cycle above is this cycle
        cycle = shortest_cycle(component[0], lambda p: part_graph[p], set(component))
        steps = "\n".join(f"      {a} -> {b}: " + "; ".join(f"{e.importer} -> {e.target} ({e.where(modules, root)})"
                                                          for e in part_pairs[a, b][:3])
                          + (f"; ... {len(part_pairs[a, b]) - 3} more" if len(part_pairs[a, b]) > 3 else "")
                          for a, b in zip(cycle, cycle[1:]))
        more = f" (component of {len(component)}: {', '.join(component)})" if len(component) > len(cycle) - 1 else ""
        out.append(f"cycle between parts of zoo {' -> '.join(cycle)}{more}:\n{steps}")

    for name, c in sorted(collected.items()):
        for line, via in c.private:
            out.append(f"private name: {modules[name].relative_to(root)}:{line}: {via}")
        for line, via in c.unresolved:
            out.append(f"no such module: {modules[name].relative_to(root)}:{line}: {via}")
    for e in edges:
        if in_package(e.target, APPLICATION) and not in_package(e.importer, APPLICATION):
            out.append(f"library imports the application layer: {e.where(modules, root)}: {e.via}")
        for lower, upper, why in FORBIDDEN:
            if in_package(e.importer, lower) and in_package(e.target, upper):
                out.append(f"{lower} imports {upper}: {e.where(modules, root)}: {e.via} ({why})")
    return list(dict.fromkeys(out))  # `import zoo.cli.x` is an edge to zoo.cli and zoo.cli.x: one message


def test_layering():
    found = violations()
    assert not found, f"{len(found)} layering violation(s) in zoo/ (rules: tests/test_layering.py):\n" + "\n".join(
        f"  {v}" for v in found)


# --- the rules themselves, on made-up packages


def _violations(tmp_path, files: dict[str, str]) -> list[str]:
    for name, text in {"zoo/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for package in {p.parent for p in tmp_path.rglob("*.py")}:
        (package / "__init__.py").touch()
    return violations(tmp_path)


def _heads(found: list[str]) -> list[str]:
    return [v.splitlines()[0].rstrip(":") for v in found]


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    found = _violations(tmp_path, {"zoo/a.py": "def f():\n    from zoo import b\n", "zoo/b.py": "import zoo.a\n"})
    assert _heads(found) == ["import cycle zoo.a -> zoo.b -> zoo.a"]
    assert "zoo/a.py:2: from zoo import b" in found[0]


def test_a_package_reexporting_its_submodules_is_no_cycle_but_importing_its_names_back_is(tmp_path):
    files = {"zoo/p/__init__.py": "from zoo.p.x import f\n", "zoo/p/x.py": "from zoo.p import y\ndef f(): pass\n",
             "zoo/p/y.py": "from zoo.p.z import g\n", "zoo/p/z.py": "def g(): pass\n"}
    assert _violations(tmp_path, files) == []
    files["zoo/p/__init__.py"] += "h = 1\n"
    files["zoo/p/z.py"] = "def g():\n    from zoo.p import h\n"
    found = _violations(tmp_path, files)
    assert len(found) == 1 and found[0].startswith("import cycle zoo.p -> zoo.p.x -> zoo.p.y -> zoo.p.z -> zoo.p")


def test_relative_imports_are_resolved(tmp_path):
    found = _violations(tmp_path, {"zoo/p/a.py": "from . import b\n", "zoo/p/b.py": "from .a import f\n"})
    assert _heads(found) == ["import cycle zoo.p.a -> zoo.p.b -> zoo.p.a"]


def test_a_cycle_between_parts_without_a_module_cycle_is_found(tmp_path):
    found = _violations(tmp_path, {"zoo/a/m.py": "from zoo.b.n import f\n", "zoo/b/n.py": "def f(): pass\n",
                                   "zoo/b/o.py": "def g():\n    import zoo.a.m\n"})
    assert _heads(found) == ["cycle between parts of zoo zoo.a -> zoo.b -> zoo.a"]


def test_lazy_import_tables_and_import_module_are_edges(tmp_path):
    found = _violations(tmp_path, {
        "zoo/__init__.py": '"""zoo.k is named in a docstring only."""\n_LAZY = {"load": ("zoo.h", "load")}\n',
        "zoo/h.py": "import importlib\ndef f():\n    return importlib.import_module('zoo.k')\n",
        "zoo/k.py": "from zoo import load\n"})
    assert _heads(found) == ["import cycle zoo -> zoo.h -> zoo.k -> zoo"]


def test_private_names_of_other_modules(tmp_path):
    found = _violations(tmp_path, {
        "zoo/a.py": "from zoo.b import _x, __version__\nimport zoo.b as bb\nimport zoo.b\nfrom zoo.c import _m\n"
                    "def f():\n    return bb._y, zoo.b._z, zoo.b.public, bb.__doc__\n",
        "zoo/b.py": "__version__ = '1'\n_x = _y = _z = public = 0\n",
        "zoo/c/_m.py": "", "zoo/c/d.py": "from zoo.c import _m\n_own = 1\nprint(_own)\n"})
    assert [v.split(": ", 1)[1] for v in found] == [
        "zoo/a.py:1: from zoo.b import _x", "zoo/a.py:4: from zoo.c import _m (private module zoo.c._m)",
        "zoo/a.py:6: bb._y (private name of zoo.b)", "zoo/a.py:6: zoo.b._z (private name of zoo.b)"]


def test_the_library_must_not_import_the_application_layer(tmp_path):
    found = _violations(tmp_path, {"zoo/cli/__init__.py": "from zoo.cli import x\n", "zoo/cli/x.py": "import zoo.lib\n",
                                   "zoo/lib.py": "def f():\n    from zoo.cli.x import g\n"})
    assert [v for v in found if v.startswith("library")] == [
        "library imports the application layer: zoo/lib.py:2: from zoo.cli.x import g"]
    assert "import cycle zoo.cli -> zoo.cli.x -> zoo.lib -> zoo.cli" in _heads(found)


def test_training_must_not_import_hub(tmp_path):
    found = _violations(tmp_path, {"zoo/hub/load.py": "def load(name): pass\n",
                                   "zoo/training/loop.py": "def train():\n    import zoo.hub.load\n"})
    assert _heads(found) == [
        f"zoo.training imports zoo.hub: zoo/training/loop.py:2: import zoo.hub.load ({FORBIDDEN[0][2]})"]


def test_a_stale_import_is_found(tmp_path):
    found = _violations(tmp_path, {"zoo/a.py": "def f():\n    from zoo.gone import x\n    import zoo.a.b\n"})
    assert found == ["no such module: zoo/a.py:2: from zoo.gone import x", "no such module: zoo/a.py:3: import zoo.a.b"]


if __name__ == "__main__":
    print("\n".join(violations()) or "no violations")

"""Every zoo model and layer registered with Keras, so `keras.saving.load_model` works after a bare `import zoo`.

Keras finds the class of a saved model by its registered name (e.g. "zoo>SNGANGenerator", package "zoo",
never renamed): the class must have been imported, which runs its `register_keras_serializable` decorator.
Keras imports modules by name only for its own packages, so zoo imports its families itself:

- `register_keras_classes()` imports every family of `zoo.models.FAMILIES` and `AUTOENCODERS` (their generators, discriminators
  and, through them, `zoo.layers`);
- `import zoo` calls `register_when_keras_is_imported()`, which keeps `import zoo` light (no TensorFlow): it
  registers at once if Keras is already imported, else as soon as Keras is (a `sys.meta_path` hook). When
  Keras is first imported by a zoo module (say `import zoo.layers`), registration waits until that outermost
  zoo import has finished, so it never sees a half-initialized zoo module.

Then `keras.saving.load_model(folder)` and `keras.saving.load_model("hf://ORG/NAME")` find every zoo class,
whichever of `import zoo` / `import keras` / `import tensorflow` came first.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import warnings

KERAS = "keras"
ZOO_PREFIX = "zoo."


def register_keras_classes() -> None:
    """Import every registered family (and the layers they use): each class registers itself with Keras."""
    from zoo.models import AUTOENCODERS, FAMILIES, get_family

    for family in (*FAMILIES, *AUTOENCODERS):
        get_family(family)


def register_or_warn() -> None:
    """`register_keras_classes()`, turning a failure into a warning (an `import keras` must not fail for zoo)."""
    try:
        register_keras_classes()
    except Exception as e:
        warnings.warn(f"zoo could not register its model classes with Keras ({type(e).__name__}: {e}); "
                      f"import zoo.models.<family> before keras.saving.load_model", stacklevel=2)


class RegisterAfterKerasImport(importlib.abc.MetaPathFinder):
    """A `sys.meta_path` finder that registers the zoo classes once Keras is imported, then removes itself.

    It wraps the loaders of `keras` and of every `zoo.*` module imported meanwhile: after Keras' own module has
    run, it registers at once, or, when zoo modules are still being imported (`depth` > 0), after the
    outermost of them has finished. A mere `importlib.util.find_spec("keras")` (TensorFlow does one before
    importing Keras) executes nothing and leaves the finder in place.
    """

    def __init__(self):
        self.searching = False  # inside our own find_spec: let the other finders answer
        self.depth = 0  # zoo modules being executed right now
        self.pending = False  # Keras is imported, registration waits for `depth` to return to 0

    def find_spec(self, fullname, path=None, target=None):
        if self.searching or not (fullname == KERAS or fullname.startswith(ZOO_PREFIX)):
            return None
        self.searching = True
        try:
            spec = importlib.util.find_spec(fullname)  # the spec the other finders give
        finally:
            self.searching = False
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            run = spec.loader.exec_module
            spec.loader.exec_module = (lambda module: self.exec_keras(run, module)) if fullname == KERAS \
                else (lambda module: self.exec_zoo(run, module))
        return spec

    def exec_keras(self, run, module) -> None:
        """Run Keras' module, then register (now, or once the zoo imports in progress are done)."""
        run(module)
        self.pending = True
        self.register_if_ready()

    def exec_zoo(self, run, module) -> None:
        """Run a zoo module, counting zoo imports in progress."""
        self.depth += 1
        try:
            run(module)
        finally:
            self.depth -= 1
        self.register_if_ready()

    def register_if_ready(self) -> None:
        if self.pending and self.depth == 0:
            self.pending = False
            self.remove()
            register_or_warn()

    def remove(self) -> None:
        """Take this finder out of `sys.meta_path` (no-op if it is not there)."""
        if self in sys.meta_path:
            sys.meta_path.remove(self)


def register_when_keras_is_imported() -> None:
    """Register the zoo classes now if Keras is imported, else as soon as it is (see the module docstring)."""
    if KERAS in sys.modules:
        register_or_warn()
    elif not any(isinstance(f, RegisterAfterKerasImport) for f in sys.meta_path):
        sys.meta_path.insert(0, RegisterAfterKerasImport())

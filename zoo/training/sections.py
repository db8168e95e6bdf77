"""The building blocks of recipe sections: `Section` (a frozen dataclass whose fields are type-checked from
their annotations, with range checks in `check()`), `RecipeError` and the helpers of their one-line errors.

Both `zoo.training.recipe` (the common sections) and the tasks' own settings (`zoo.training.tasks`) are
sections, so neither has to import the other to define them.
"""

from __future__ import annotations

import dataclasses
import difflib


class RecipeError(ValueError):
    """A recipe field with a wrong name, type or value; the message is one line naming all three."""


def close_names(name: str, known) -> str:
    """'did you mean ...?' for a misspelt `name`, else the list of `known` names."""
    near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(n) for n in near)}?" if near else f"known: {', '.join(sorted(known))}"


_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "dict": dict, "tuple": (tuple, list)}


class Section:
    """Type checks of a section's fields (annotations name the accepted type), range checks and `replace`.
    Subclasses are frozen dataclasses; their field names are unique among the sections of one recipe."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            accepted = _TYPES.get(str(f.type).split(" ")[0].split("[")[0])
            if accepted is None:
                continue
            bad = (isinstance(value, bool) and accepted in (int, (int, float))) or not isinstance(value, accepted)
            if bad:
                raise RecipeError(f"{type(self).__name__}.{f.name} = {value!r} ({type(value).__name__}); expected "
                                  f"{f.type}")
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
        self.check()

    def check(self) -> None:
        """Range checks of the section (overridden)."""

    def replace(self, **changes):
        known = [f.name for f in dataclasses.fields(self)]
        for key in changes:
            if key not in known:
                raise RecipeError(f"{type(self).__name__} has no field {key!r}; {close_names(key, known)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def field_names(cls) -> list:
        return [f.name for f in dataclasses.fields(cls)]


def positive(section, *names) -> None:
    """RecipeError unless every field of `names` is > 0."""
    for name in names:
        value = getattr(section, name)
        if not value > 0:
            raise RecipeError(f"{type(section).__name__}.{name} = {value!r}; expected a positive number")


def non_negative(section, *names) -> None:
    """RecipeError unless every field of `names` is >= 0."""
    for name in names:
        value = getattr(section, name)
        if value < 0:
            raise RecipeError(f"{type(section).__name__}.{name} = {value!r}; expected >= 0")


def in_unit_interval(section, *names, closed: bool = True) -> None:
    """RecipeError unless every field of `names` is in [0, 1] (`closed`) or [0, 1)."""
    for name in names:
        value = getattr(section, name)
        if not (0.0 <= value <= 1.0 if closed else 0.0 <= value < 1.0):
            raise RecipeError(f"{type(section).__name__}.{name} = {value!r}; expected a value in "
                              f"[0, 1{']' if closed else ')'}")

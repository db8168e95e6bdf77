"""Human-readable class names of the labelled datasets, and the name -> label id helper."""

from __future__ import annotations

import re

from zoo.data.fmnist import SUBSETS as _FMNIST_SUBSETS

# Xiao et al. 2017, "Fashion-MNIST", Table 1 (label ids 0-9).
CLASS_NAMES = {
    "fmnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"],
}


def name_key(name: str) -> str:
    """The spelling-free form of a class name that `label_ids` matches on ('Ankle boot' -> 'ankleboot')."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def class_names(dataset: str) -> list[str]:
    """The class names of `dataset` in label order (e.g. fmnist: 'T-shirt/top', 'Trouser', ...); subsets such as
    'fmnist10pct' have the classes of their full dataset."""
    base = dataset.split("/")[0].split("-")[0]
    base = "fmnist" if base in _FMNIST_SUBSETS else base
    if base not in CLASS_NAMES:
        raise KeyError(f"no class names known for dataset {dataset!r}; known: {sorted(CLASS_NAMES)}")
    return list(CLASS_NAMES[base])


def label_ids(names, dataset: str = "fmnist") -> list[int]:
    """Label ids of class names (case, spaces and punctuation ignored: 'ankle boot', 'AnkleBoot', 't-shirt/top').
    Integers (or digit strings) pass through unchanged.

    Example:
        >>> label_ids(["sneaker", "Bag", 3], "fmnist")
        [7, 8, 3]
    """
    known = class_names(dataset)
    index = {name_key(n): i for i, n in enumerate(known)}
    out = []
    for name in ([names] if isinstance(names, (str, int)) else names):
        if isinstance(name, int) or str(name).strip().isdigit():
            out.append(int(name))
        elif name_key(name) in index:
            out.append(index[name_key(name)])
        else:
            raise ValueError(f"unknown class name {name!r} for {dataset}; known: {', '.join(known)}")
    return out

"""Class names and the name -> label id helper."""

import pytest

from zoo.data import class_names, label_ids


def test_fmnist_names_in_label_order():
    names = class_names("fmnist")
    assert len(names) == 10 and names[0] == "T-shirt/top" and names[9] == "Ankle boot"
    assert class_names("fmnist/test") == names


def test_label_ids_are_forgiving_about_spelling():
    assert label_ids(["sneaker", "Bag", "ankle boot", "AnkleBoot", "t-shirt/top", 3, "5"], "fmnist") == [
        7, 8, 9, 9, 0, 3, 5]
    assert label_ids("trouser") == [1]


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="unknown class name 'sock'.*Sneaker"):
        label_ids(["sock"], "fmnist")
    with pytest.raises(KeyError, match="no class names"):
        class_names("emoji")


def test_top_level_names():
    import zoo

    assert zoo.label_ids(["bag"], "fmnist") == [8] and zoo.class_names("fmnist")[8] == "Bag"

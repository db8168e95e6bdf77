"""Errors raised by the data layer."""


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are missing; the message says which package provides them."""


class UnreadableImageError(ValueError):
    """An image file could not be decoded; the message names the file."""

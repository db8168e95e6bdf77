"""Errors raised by the data layer."""


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are missing; the message says which package provides them."""

"""zhengce (政策): document intelligence for Chinese policy texts.

``zhengce.open(db)`` opens a corpus store for notebooks; ``zhengce.extract(path)`` turns one file
into a record.  Both import their machinery lazily, so ``import zhengce`` is instant.
"""
__version__ = "0.1.0"


def open(location):  # noqa: A001
    from .api import open as _open
    return _open(location)


def extract(path):
    """The zhengce.document/1 record (a dict) of one file."""
    from .pipeline.document import extract_file
    return extract_file(path).record()

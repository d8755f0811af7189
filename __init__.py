"""Not part of the installed package: read only when Python runs in the folder above a clone of
this repository named ``zhengce``.  ``import zhengce`` then finds the clone before the installed
package; without this file the clone would import as an empty namespace package
(``module 'zhengce' has no attribute 'open'``).  Here the clone imports as the package it holds:
``zhengce/__init__.py`` runs, and the subpackages resolve inside the clone as pyproject.toml maps
them (``zhengce.pipeline`` → ``pipeline/``, ``zhengce.search_api`` → ``search_api/``,
``zhengce.models`` → ``models/``).  Under any other name (a clone named otherwise) it does nothing.
"""
import os as _os

if __name__ == "zhengce":
    _root = _os.path.dirname(_os.path.abspath(__file__))
    __path__[:] = [_os.path.join(_root, "zhengce"), _root]   # noqa: F821 - set by the import system
    __file__ = _os.path.join(_root, "zhengce", "__init__.py")
    with open(__file__, encoding="utf-8") as _f:
        exec(compile(_f.read(), __file__, "exec"))

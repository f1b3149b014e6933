"""A readable console for `make run`: every process it starts imports this first.

tools/stack_env.py puts this folder on PYTHONPATH, and Python imports a `sitecustomize` module at
start-up. Rasa's dependencies print pages of deprecation warnings about their own dependencies
(pkg_resources, pyparsing, click, SQLAlchemy 2.0 moves) on every start. These are hidden by
category and by where they come from: a DeprecationWarning (or PendingDeprecationWarning) raised
from a file of an installed package or of the standard library. Our own code's deprecations, and
every other warning and error, still show. A hook on showwarning rather than a filter, because
some of those packages add their own "default" filters when they are imported, which would win
over a filter set here.
"""
from __future__ import annotations

import logging
import sys
import sysconfig
import warnings

_INSTALLED = tuple(
    path for path in {sysconfig.get_paths()[name] for name in ("purelib", "platlib", "stdlib", "platstdlib")} if path
)
_show = warnings.showwarning


def _from_installed_code(filename: str) -> bool:
    return filename.startswith(_INSTALLED) or "site-packages" in filename


def _show_unless_foreign_deprecation(message, category, filename, lineno, file=None, line=None):
    if issubclass(category, (DeprecationWarning, PendingDeprecationWarning)) and _from_installed_code(filename):
        return
    _show(message, category, filename, lineno, file, line)


if not sys.warnoptions:  # an explicit -W or PYTHONWARNINGS asks to see them
    warnings.showwarning = _show_unless_foreign_deprecation

# The action server lists each of its 35 actions at INFO on start; its start and errors still show.
logging.getLogger("rasa_sdk.executor").setLevel(logging.WARNING)

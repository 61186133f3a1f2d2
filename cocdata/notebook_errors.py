"""In a notebook, a cocdata error shows as its message and what to do, not as a traceback.

A response-team member who types a wrong date into an analysis notebook's
call should read "The start date 'soon' is not a date. Write it like
2024-05-31", not forty lines of stack frames. Call :func:`install` once in a
notebook's first cell; other errors (bugs) keep their full traceback.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from cocdata.errors import CocdataError


def message(error: CocdataError) -> str:
    """What the notebook shows for ``error``: its message, then what to do."""
    return f"cocdata: {error}"


def _show(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    text = message(value) if isinstance(value, CocdataError) else str(value)
    # Standard error, so the notebook marks it as a problem; and no frames.
    print(text, file=sys.stderr, flush=True)
    return [text]


def install(shell: Any | None = None) -> bool:
    """Show cocdata errors in this IPython session (a notebook's kernel) as messages.

    Returns False, changing nothing, outside IPython (a plain Python script
    keeps Python's own error output).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((CocdataError,), _show)
    return True

"""Pausing Python's garbage collector while a batch builds many small objects.

Importing thousands of cases or receiving thousands of packages makes
millions of small objects (parsed lines, pydantic models, rows) that all
stay alive until the batch is done. The collector's passes walk all of them
again and again and free nothing (they hold no reference cycles): on a
10,000-case import they took more than half the time. Reference counting
still frees everything that is dropped; the collector runs again as soon as
the batch ends, also when it fails.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, restoring it afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

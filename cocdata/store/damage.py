"""A store file that cannot be read as what it is: ``CorruptStore``, saying what to do.

Readers of cases, events and person codes never load around a damaged file:
a case that silently dropped out of every list and count would be lost
without anyone noticing. They stop with ``CorruptStore`` (exit code 7) naming
the file; ``cocdata verify`` moves damaged files to ``quarantine/`` so the
rest of the store reads again, and a backup restores them. A file that went
away meanwhile (``FileNotFoundError``, a compaction replaced it) and one the
user may not read (``PermissionError``) are not damage and pass through.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from cocdata.errors import CorruptStore

CASE_KEYS = ("case_id", "rev", "hash")
"""The columns without which no row of a case file can be placed in a case's history."""

HOW_TO_REPAIR = (
    "Run 'cocdata verify': it names every damaged file and moves it to quarantine/ so the "
    "rest of the store reads again; then restore the file from a backup if you have one."
)


def damaged(path: Path, reason: str) -> CorruptStore:
    """The error for a store file that cannot be read; ``reason`` says what is wrong."""
    where = f"{path.parent.name}/{path.name}"
    return CorruptStore(
        f"The store file {where} is damaged and cannot be read ({reason}); nothing was changed.",
        HOW_TO_REPAIR,
        problems=[f"{where} cannot be read: {reason}"],
    )


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn what a damaged file makes parquet raise, inside the block, into ``CorruptStore``."""
    try:
        yield
    except (FileNotFoundError, PermissionError):
        raise
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, str(exc) or type(exc).__name__) from exc


def require(path: Path, table: pa.Table, columns: Sequence[str] = CASE_KEYS) -> pa.Table:
    """``table`` as read from ``path``, or ``CorruptStore`` when it lacks one of ``columns``
    (a parquet file, but not one of this store's case files)."""
    schema = table.schema  # looked up by name: cheaper than listing every column per file
    missing = [c for c in columns if not schema.get_all_field_indices(c)]
    if missing:
        raise damaged(path, f"it has no {', '.join(missing)} column, so it is no case file")
    return table

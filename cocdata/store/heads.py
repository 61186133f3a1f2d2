"""The index of each case's newest revision, and revision rows read by case.

Only files not seen before are read, so a save costs the same in a store of
a thousand cases as in one of a hundred thousand. When files went away (a
compaction or an expunge replaced them) everything known is stale: the
cache is cleared and the index read again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from cocdata.errors import NotFound
from cocdata.store import damage
from cocdata.store.cache import Head
from cocdata.store.files import read_case_rows, read_file
from cocdata.tables import KEY_COLUMNS

if TYPE_CHECKING:
    from cocdata.store.core import Store


def _read_keys(store: Store, name: str) -> pa.Table | None:
    path = store.folder("cases") / name
    try:
        with damage.reading(path):
            return damage.require(path, read_file(path, columns=KEY_COLUMNS))
    except FileNotFoundError:
        return None  # replaced by a compaction or an expunge meanwhile


def refresh(store: Store) -> dict[str, Head]:
    """Bring the in-memory index of each case's newest revision up to date."""
    cache = store.cache
    names = store.list_files("cases")
    if not cache.known_files.issubset(names):
        # An expunge changes hashes, so what was known of every case is stale.
        store.invalidate()
    for name in names:
        if name in cache.known_files:
            continue
        keys = _read_keys(store, name)
        if keys is None:
            continue
        for case_id, rev, digest in zip(
            keys["case_id"].to_pylist(),
            keys["rev"].to_pylist(),
            keys["hash"].to_pylist(),
            strict=True,
        ):
            cache.note_revision(case_id, rev, digest, name)
        cache.known_files.add(name)
    return cache.heads


def read_row(store: Store, case_id: str, rev: int, file: str) -> dict[str, Any] | None:
    """One revision row (None when its file went away meanwhile)."""
    # Revisions never change once written, so a row read once can be reused.
    cached = store.cache.rows.get((case_id, rev))
    if cached is not None:
        return cached
    path = store.folder("cases") / file
    try:
        with damage.reading(path):
            table = read_case_rows(path, case_id)
    except FileNotFoundError:
        return None
    rows = table.filter(pc.equal(table["rev"], rev)).to_pylist()
    if not rows:
        return None
    store.cache.remember_row(rows[0])
    return rows[0]


def find_revision(store: Store, case_id: str, rev: int) -> dict[str, Any] | None:
    """Revision ``rev`` of a case, wherever it is (``NotFound`` if it has none such)."""
    file = store.cache.where.get(case_id, {}).get(rev)
    if file is None:
        raise NotFound(
            f"Case {case_id!r} has no revision {rev}.",
            f"See its revisions with 'cocdata show {case_id} --history'.",
        )
    return read_row(store, case_id, rev, file)

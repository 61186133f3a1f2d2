"""Reading cases: one case (at a revision), its history, and every case at once.

All files are read once; the newest revision per case is picked in arrow
(``rows.heads_of``). Readers take no lock: a file that vanished meanwhile
(replaced by a compaction or an expunge) makes them index again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from cocdata.errors import NotFound, StoreError
from cocdata.revisions import RevisionMeta
from cocdata.store import damage, heads
from cocdata.store.files import read_case_rows, read_cases_in, read_file
from cocdata.store.rows import (
    STATISTICS,
    dedupe,
    empty_cases,
    heads_of,
    readable_in,
    with_empty_identity,
)
from cocdata.store.stored import StoredCase
from cocdata.tables import CASE_SCHEMA, EVENT_SCHEMA, KEY_COLUMNS, event_row, row_case, row_meta
from cocdata.team import recusal

if TYPE_CHECKING:
    from cocdata.store.core import Store
    from cocdata.tables import Frames

ATTEMPTS = 3
"""Times a read starts again when files were replaced meanwhile."""


def stored(store: Store, row: dict[str, Any]) -> StoredCase:
    """The ``StoredCase`` of a revision row."""
    case = row_case(row, store.event(row["event_id"]))
    return StoredCase(case, row["rev"], row["saved_by"], row["saved_at"], row["hash"])


def get(store: Store, case_id: str, rev: int | None) -> StoredCase:
    """The case at its newest revision (or at revision ``rev``)."""
    recusal.check_case(store, case_id)
    for _attempt in range(ATTEMPTS):
        head = heads.refresh(store).get(case_id)
        if head is None:
            raise NotFound(
                f"There is no case {case_id!r} in the store at {store.root}.",
                "List the cases with 'cocdata cases'; code names look like amber-falcon.",
            )
        if rev is None or rev == head.rev:
            row = heads.read_row(store, case_id, head.rev, head.file)
        else:
            row = heads.find_revision(store, case_id, rev)
        if row is not None:
            return stored(store, row)
        store.invalidate()  # a compaction replaced the file meanwhile: index again
    raise NotFound(f"Revision {rev} of case {case_id!r} could not be found.")


def head_row(store: Store, case_id: str) -> dict[str, Any] | None:
    """The newest revision row of a case (after ``get`` checked it exists)."""
    head = store.cache.heads[case_id]
    return heads.read_row(store, case_id, head.rev, head.file)


def rows_of(store: Store, case_ids: Iterable[str]) -> pa.Table:
    """Every revision row of the named cases, reading only the files and row groups
    that hold them."""
    wanted = set(case_ids)
    for _attempt in range(ATTEMPTS):
        heads.refresh(store)
        files = {f for cid in wanted for f in store.cache.where.get(cid, {}).values()}
        tables = []
        try:
            for name in sorted(files):
                path = store.folder("cases") / name
                with damage.reading(path):
                    tables.append(read_cases_in(path, wanted))
        except FileNotFoundError:
            store.invalidate()  # replaced by a compaction or an expunge meanwhile
            continue
        if not tables:
            return CASE_SCHEMA.empty_table()
        return dedupe(pa.concat_tables(tables, promote_options="permissive"))
    raise StoreError(f"The store at {store.root} kept changing while it was read.", "Try again.")


def history(store: Store, case_id: str, since: int) -> list[RevisionMeta]:
    """Every revision of a case after ``since``, oldest first."""
    heads.refresh(store)
    metas: dict[int, RevisionMeta] = {}
    files = {f for rev, f in store.cache.where.get(case_id, {}).items() if rev > since}
    for name in sorted(files):
        path = store.folder("cases") / name
        try:
            with damage.reading(path):
                keys = damage.require(path, read_case_rows(path, case_id, KEY_COLUMNS))
        except FileNotFoundError:
            continue  # replaced by a compaction meanwhile: its rows are in the new file
        for row in keys.to_pylist():
            if row["rev"] > since:
                metas[row["rev"]] = row_meta(row)
    if not metas:
        raise NotFound(f"There is no case {case_id!r} in the store.")
    return [metas[r] for r in sorted(metas)]


def read_cases(store: Store, columns: list[str] | None, statistics: bool) -> pa.Table:
    """Every revision row of every readable case file (see ``Store.read_cases``)."""
    if columns is None and not statistics and store.locked:
        return with_empty_identity(read_cases(store, None, statistics=True))
    # Every case file has these, also where only the statistics can be read.
    keys = [k for k in damage.CASE_KEYS if statistics or columns is None or k in columns]
    folder = store.folder("cases")
    for _ in range(5):
        tables: list[pa.Table] = []
        vanished = False
        for name in store.list_files("cases"):
            path = folder / name
            try:
                with damage.reading(path):
                    wanted = readable_in(path, "cases") if statistics else columns
                    table = read_file(path, columns=wanted)
                tables.append(damage.require(path, table, keys))
            except FileNotFoundError:
                vanished = True  # compacted meanwhile: list again
                break
        if not vanished:
            if not tables:
                return empty_cases(STATISTICS if statistics else columns)
            return pa.concat_tables(tables, promote_options="permissive")
    raise StoreError(f"The store at {store.root} kept changing while it was read.", "Try again.")


def load_all(store: Store) -> list[StoredCase]:
    """Every case the acting member may see, at its newest revision, sorted by case id."""
    table = recusal.without(heads_of(read_cases(store, None, False)), recusal.hidden(store))
    known = store.events()
    return [
        StoredCase(
            row_case(row, known[row["event_id"]]),
            row["rev"],
            row["saved_by"],
            row["saved_at"],
            row["hash"],
        )
        for row in table.to_pylist()
    ]


def frames_of(store: Store, table: pa.Table) -> Frames:
    """Frames of the revision rows in ``table`` (every revision of the cases it holds);
    the cases the acting member is recused from have their identifying columns empty."""
    from cocdata.tables import frames_from  # pandas, only once frames are asked for

    keys = dedupe(table.select(KEY_COLUMNS))
    known = [event_row(e, dt.datetime(1970, 1, 1), "") for e in store.events().values()]
    newest = recusal.blank(heads_of(table), recusal.hidden(store))
    return frames_from(newest, keys, pa.Table.from_pylist(known, schema=EVENT_SCHEMA))


def read_heads(store: Store, columns: Sequence[str]) -> pa.Table:
    """The newest revision of every case, with only ``columns`` read from disk."""
    return heads_of(read_cases(store, list(dict.fromkeys(["case_id", "rev", *columns])), False))


def fingerprint(store: Store, event_id: str | None) -> str:
    """A short digest of the current state (of one event's cases, if named)."""
    table = heads_of(read_cases(store, ["case_id", "rev", "hash", "event_id"], False))
    if event_id is not None:
        table = table.filter(pc.equal(table["event_id"], event_id))
    digest = hashlib.sha256()
    for value in sorted(table["hash"].to_pylist()):
        digest.update(value.encode())
    known = store.events()
    if event_id is not None and event_id in known:
        digest.update(known[event_id].model_dump_json().encode())
    elif event_id is None:
        for key in sorted(known):
            digest.update(known[key].model_dump_json().encode())
    return digest.hexdigest()[:16]

"""Revision rows in arrow: the newest per case, duplicates dropped, what a locked store shows.

Pure functions of tables; no file is read here except a file's schema.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cocdata import storeio
from cocdata.tables import CASE_SCHEMA, IDENTITY_TYPE

STATISTICS = [c for c in CASE_SCHEMA.names if c != "identity"]
"""The case columns readable without the key."""


def with_empty_identity(table: pa.Table) -> pa.Table:
    """``table`` with an all-null ``identity`` column: what a locked store shows."""
    if "identity" in table.column_names:
        table = table.drop_columns(["identity"])
    return table.append_column("identity", pa.nulls(table.num_rows, IDENTITY_TYPE))


def half_expunged(table: pa.Table) -> set[str]:
    """Cases with both expunged and intact revision rows: an interrupted expunge."""
    if table.num_rows == 0:
        return set()
    gone = pc.is_null(table["identity"])
    expunged = set(table["case_id"].filter(gone).to_pylist())
    if not expunged:
        return set()
    intact = set(table["case_id"].filter(pc.invert(gone)).to_pylist())
    return expunged & intact


def readable_in(path: Path, folder: str) -> list[str]:
    """The columns of a file readable without the key (an older file may lack a newer one)."""
    readable = storeio.readable_columns(folder)
    return [c for c in pq.ParquetFile(path).schema_arrow.names if c in readable]


def conflicting_duplicates(table: pa.Table, skip: set[str] = frozenset()) -> list[str]:
    """A problem for each (case, revision) held in two different versions."""
    if table.num_rows == 0:
        return []
    keys = table.select(["case_id", "rev", "hash"]).to_pandas().drop_duplicates()
    dup = keys[keys.duplicated(["case_id", "rev"], keep=False)]
    return [
        f"case {cid}: revision {rev} exists in two different versions"
        for (cid, rev), _ in dup.groupby(["case_id", "rev"])
        if cid not in skip
    ]


def sorted_keys(table: pa.Table) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Row order by (case_id, rev), and the ids and revisions in that order."""
    order = pc.sort_indices(table, [("case_id", "ascending"), ("rev", "ascending")])
    ids = table["case_id"].take(order).combine_chunks()
    revs = table["rev"].take(order).combine_chunks()
    return order, ids, revs


def empty_cases(columns: list[str] | None) -> pa.Table:
    """No case rows, in the shape reading ``columns`` (nested paths too) from a file gives."""
    if columns is None:
        return CASE_SCHEMA.empty_table()
    sink = pa.BufferOutputStream()
    pq.write_table(CASE_SCHEMA.empty_table(), sink)
    return pq.ParquetFile(pa.BufferReader(sink.getvalue())).read(columns=columns)


def dedupe(table: pa.Table) -> pa.Table:
    """Drop repeated (case_id, rev) rows, as an interrupted compaction leaves."""
    if table.num_rows < 2:
        return table
    order, ids, revs = sorted_keys(table)
    same = pc.and_(pc.equal(ids[1:], ids[:-1]), pc.equal(revs[1:], revs[:-1]))
    if not pc.any(same).as_py():
        return table
    keep = pa.concat_arrays([pa.array([True]), pc.invert(same)])
    return table.take(order.filter(keep))


def heads_of(table: pa.Table) -> pa.Table:
    """The newest revision row of each case, sorted by case id."""
    if table.num_rows == 0:
        return table
    order, ids, _ = sorted_keys(table)
    last = pa.concat_arrays([pc.not_equal(ids[1:], ids[:-1]), pa.array([True])])
    return table.take(order.filter(last))


def evidence_of(table: pa.Table) -> set[str]:
    """SHA-256 of every evidence file the rows of ``table`` name (attached or in the timeline)."""
    attached = pc.struct_field(pc.list_flatten(table["evidence"]), "sha256")
    found = set(pc.unique(attached).drop_null().to_pylist())
    if "identity" in table.column_names:
        steps = pc.list_flatten(pc.struct_field(table["identity"], "timeline"))
        named = pc.list_flatten(pc.struct_field(steps, "evidence"))
        found |= set(pc.unique(named).drop_null().to_pylist())
    return found

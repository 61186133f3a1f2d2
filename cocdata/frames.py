"""Flat DataFrames for analysis: the current state, one row per entity, keyed by case id.

``frames_from`` turns the newest revision row of each case (``tables.CASE_SCHEMA``)
into the tables the analyses read: nested lists (people, timeline, actions,
evidence) become rows with their case id and position, the identifying
columns beside the statistical ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _pandas(table: pa.Table) -> pd.DataFrame:
    """To pandas, keeping list columns as arrow lists: converting each row's list to a
    Python object costs more than everything else in loading a large store."""
    return table.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None)


def _explode(table: pa.Table, column: pa.ChunkedArray) -> tuple[pa.Table, np.ndarray]:
    """Rows of a list<struct> column with the case id and position of each element."""
    lists = column.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    values = pc.list_flatten(lists)
    parents = np.repeat(np.arange(len(lists)), lengths)
    starts = np.cumsum(lengths) - lengths
    positions = np.arange(len(values)) - np.repeat(starts, lengths)
    flat = pa.Table.from_arrays(
        [table["case_id"].take(pa.array(parents)), pa.array(positions, pa.int32())]
        + [values.field(i) for i in range(values.type.num_fields)],
        names=["case_id", "pos"] + [f.name for f in values.type],
    )
    return flat, lengths


def _entity(table: pa.Table, name: str, extra: dict[str, pa.Array] | None = None) -> pd.DataFrame:
    stat, stat_lengths = _explode(table, table[name])
    ident_col = pc.struct_field(table["identity"].combine_chunks(), name)
    ident, ident_lengths = _explode(table, pa.chunked_array([ident_col]))
    if np.array_equal(stat_lengths, ident_lengths):
        for field in ident.column_names[2:]:
            stat = stat.append_column(field, ident[field])
        frame = _pandas(stat)
    else:
        # Expunged cases carry no identity lists: fill those rows with blanks.
        frame = _pandas(stat).merge(_pandas(ident), on=["case_id", "pos"], how="left")
    return frame


def _frames_cases(table: pa.Table) -> pd.DataFrame:
    rep = table["report"].combine_chunks()
    occ = table["occurred"].combine_chunks()
    idn = table["identity"].combine_chunks()
    cols: dict[str, Any] = {
        "case_id": table["case_id"],
        "rev": table["rev"],
        "saved_at": table["saved_at"],
        "saved_by": table["saved_by"],
        "event_id": table["event_id"],
        "status": table["status"],
        "categories": table["categories"],
        "safety_risk": table["safety_risk"],
        "ongoing": table["ongoing"],
        "channel": pc.struct_field(rep, "channel"),
        "anonymous": pc.struct_field(rep, "anonymous"),
        "made_at": pc.struct_field(rep, "made_at"),
        "received_by": pc.struct_field(rep, "received_by"),
        "occurred_at": pc.struct_field(occ, "at"),
        "occurred_precision": pc.struct_field(occ, "precision"),
        "occurred_approximate": pc.struct_field(occ, "approximate"),
        "space": pc.struct_field(occ, "space"),
        "reported_to": table["reported_to"],
        "forwarded_to": table["forwarded_to"],
        "include_public": table["include_public"],
        "n_people": pc.fill_null(pc.list_value_length(table["people"]), 0),
        "n_timeline": pc.fill_null(pc.list_value_length(table["timeline"]), 0),
        "n_actions": pc.fill_null(pc.list_value_length(table["actions"]), 0),
    }
    for field in (
        "description",
        "made_by",
        "made_where",
        "occurred_where",
        "organisers_must",
        "public_summary",
    ):
        cols[field] = pc.struct_field(idn, field)
    return _pandas(pa.table(cols))


@dataclass
class Frames:
    """The current state of a store as flat DataFrames, one row per entity."""

    cases: pd.DataFrame
    people: pd.DataFrame
    timeline: pd.DataFrame
    actions: pd.DataFrame
    evidence: pd.DataFrame
    events: pd.DataFrame
    revisions: pd.DataFrame
    locked: bool = False
    """True when read from an encrypted store without its key: the identifying
    columns (names, contacts, texts) are empty, the statistics are all there."""


def frames_from(heads: pa.Table, all_keys: pa.Table, events: pa.Table) -> Frames:
    """Flat frames from the head rows of every case, every revision's keys and events."""
    revisions = all_keys.select(
        ["case_id", "rev", "saved_at", "saved_by", "changes", "hash", "prev_hash"]
    )
    return Frames(
        cases=_frames_cases(heads),
        people=_entity(heads, "people"),
        timeline=_entity(heads, "timeline"),
        actions=_entity(heads, "actions"),
        evidence=_entity(heads, "evidence"),
        events=_pandas(events.drop_columns(["saved_at", "saved_by"]))
        if events.num_rows
        else pd.DataFrame(columns=events.drop_columns(["saved_at", "saved_by"]).column_names),
        revisions=_pandas(revisions.sort_by([("case_id", "ascending"), ("rev", "ascending")])),
    )

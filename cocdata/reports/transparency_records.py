"""What a public report may read of the store: statistics and the public summary, nothing else.

What the report can see is decided here, once, by :data:`PUBLIC_COLUMNS`:
:func:`public_records` asks the store for these columns only, and parquet
reads nothing else from disk. Names, contacts, descriptions, the words of
timelines, evidence, who received a report and who acted never enter the
kernel that renders a public report; the only free text read is the public
summary, which the team writes for publication. The moments and kinds of
timeline steps and actions are read (never who took them) so the report can
give the team's median response times.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from cocdata.errors import ReportFailed

if TYPE_CHECKING:
    from cocdata.store import Store
    from cocdata.tables import Frames

PUBLIC_COLUMNS = (
    "event_id",
    "status",
    "categories",
    "report.made_at",
    "occurred.space",
    "timeline.list.element.at",
    "timeline.list.element.kind",
    "actions.list.element.kind",
    "actions.list.element.at",
    "include_public",
    "identity.public_summary",
)
"""Every column a public report reads (with the case id and revision): statistics and
the public summary. Parquet paths: one field of a struct, or of a list of structs."""

EVENT_COLUMNS = ["id", "name", "start", "end", "location", "attendees", "organiser", "series"]


def public_records(store: Store, event_ids: Collection[str] | None = None) -> Frames:
    """The cases of ``event_ids`` (all events if None) as frames, read from public columns only.

    ``cases`` has ``case_id, event_id, status, categories, made_at, space,
    include_public, public_summary``; ``actions`` has ``case_id, pos, kind,
    at``; ``timeline`` has ``case_id, pos, kind, at``; ``events`` every event
    of the store. ``people``, ``evidence`` and ``revisions`` are empty: a
    public report never reads them.
    """
    import pyarrow.compute as pc

    from cocdata.tables import Frames

    table = store.read_heads(PUBLIC_COLUMNS)
    _check_public(table)
    if event_ids is not None:
        table = table.filter(pc.is_in(table["event_id"], pa.array(list(event_ids), pa.string())))
    report = table["report"].combine_chunks()
    occurred = table["occurred"].combine_chunks()
    identity = table["identity"].combine_chunks()
    cases = pa.table(
        {
            "case_id": table["case_id"],
            "event_id": table["event_id"],
            "status": table["status"],
            "categories": table["categories"],
            "made_at": pc.struct_field(report, "made_at"),
            "space": pc.struct_field(occurred, "space"),
            "include_public": pc.fill_null(table["include_public"], False),
            "public_summary": pc.struct_field(identity, "public_summary"),
        }
    )
    events = pd.DataFrame([e.model_dump() for e in store.events().values()], columns=EVENT_COLUMNS)
    empty = pd.DataFrame({"case_id": pd.Series(dtype="str")})
    revisions = pd.DataFrame(
        {
            "case_id": pd.Series(dtype="str"),
            "changes": pd.Series(dtype="object"),
            "saved_at": pd.Series(dtype="datetime64[ms]"),
        }
    )
    return Frames(
        cases=_pandas(cases),
        people=empty,
        timeline=_pandas(_flat(table, "timeline", ("kind", "at"))),
        actions=_pandas(_flat(table, "actions", ("kind", "at"))),
        evidence=empty,
        events=events,
        revisions=revisions,
    )


def _flat(table: pa.Table, column: str, fields: tuple[str, ...]) -> pa.Table:
    """One row per element of a list column: ``case_id, pos`` and the fields asked for."""
    import pyarrow.compute as pc

    lists = table[column].combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    owners = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    items = pc.list_flatten(lists)
    return pa.table(
        {
            "case_id": table["case_id"].take(pa.array(owners, pa.int64())),
            "pos": pa.array(np.arange(len(owners)) - np.repeat(starts, lengths), pa.int32()),
            **{name: pc.struct_field(items, name) for name in fields},
        }
    )


def _pandas(table: pa.Table) -> pd.DataFrame:
    # List columns stay arrow lists, as in the store's own frames.
    return table.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None)


def _check_public(table: pa.Table) -> None:
    """Refuse a table holding more than the public columns (a store that ignored the selection)."""
    allowed = {*PUBLIC_COLUMNS, "case_id", "rev"}
    extra = [
        path
        for path in _leaf_paths(table.schema)
        if not any(path == a or path.startswith(f"{a}.") for a in allowed)
    ]
    if extra:
        raise ReportFailed(
            f"The store returned columns a public report must not read: {', '.join(extra)}.",
            "This is a bug in cocdata; nothing was rendered. Please report it.",
        )


def _leaf_paths(fields: Iterable[pa.Field], prefix: str = "") -> list[str]:
    """Every leaf column as a parquet path: ``report.made_at``, ``actions.list.element.kind``."""
    out = []
    for f in fields:
        path, kind = f"{prefix}{f.name}", f.type
        while pa.types.is_list(kind) or pa.types.is_large_list(kind):
            path, kind = f"{path}.list.element", kind.value_type
        if pa.types.is_struct(kind):
            out += _leaf_paths(list(kind), f"{path}.")
        else:
            out.append(path)
    return out

"""The on-disk shape of records: arrow schemas, case <-> row, revision hashes.

The flat DataFrames made of the rows are in :mod:`cocdata.frames` (``Frames`` and
``frames_from`` are handed on from here too, imported on first use: pandas
costs a form's first opening a second it does not need).

One case revision is one row of ``CASE_SCHEMA``. Statistical facts (event,
dates, status, categories, space, roles, action kinds, ...) are top-level
columns; everything that identifies someone or tells their story (names,
contacts, descriptions, timeline texts, evidence names and notes, the public
summary draft) lives under the single struct column ``identity``, in lists
parallel to the statistical ones. That keeps the two apart for encryption and
expunging: statistics stay readable and countable when ``identity`` is locked
or gone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cocdata.model import Case, Event
from cocdata.revisions import RevisionMeta

if TYPE_CHECKING:
    from cocdata.frames import Frames as Frames
    from cocdata.frames import frames_from as frames_from


def __getattr__(name: str) -> Any:
    if name in ("Frames", "frames_from"):
        from cocdata import frames

        return getattr(frames, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


TIME = pa.timestamp("s")
STR = pa.string()
STRS = pa.list_(pa.string())

IDENTITY_TYPE = pa.struct(
    [
        ("description", STR),
        ("made_by", STR),
        ("made_where", STR),
        ("occurred_where", STR),
        ("organisers_must", STR),
        ("public_summary", STR),
        ("people", pa.list_(pa.struct([("name", STR), ("contact", STR), ("links", STRS)]))),
        (
            "timeline",
            pa.list_(pa.struct([("with", STRS), ("text", STR), ("why", STR), ("evidence", STRS)])),
        ),
        ("actions", pa.list_(pa.struct([("text", STR)]))),
        ("evidence", pa.list_(pa.struct([("name", STR), ("note", STR)]))),
    ]
)

CASE_SCHEMA = pa.schema(
    [
        ("case_id", STR),
        ("rev", pa.int32()),
        ("prev_hash", STR),
        ("hash", STR),
        ("saved_at", pa.timestamp("ms")),
        ("saved_by", STR),
        ("changes", STRS),
        ("event_id", STR),
        ("status", STR),
        ("categories", STRS),
        ("safety_risk", pa.bool_()),
        ("ongoing", STR),
        (
            "report",
            pa.struct(
                [
                    ("channel", STR),
                    ("anonymous", pa.bool_()),
                    ("made_at", TIME),
                    ("received_by", STRS),
                ]
            ),
        ),
        (
            "occurred",
            pa.struct(
                [
                    ("at", TIME),
                    ("precision", STR),
                    ("approximate", pa.bool_()),
                    ("space", STR),
                ]
            ),
        ),
        ("people", pa.list_(pa.struct([("role", STR), ("person", STR)]))),
        (
            "timeline",
            pa.list_(
                pa.struct(
                    [
                        ("at", TIME),
                        ("by", STRS),
                        ("kind", STR),
                        ("reaction", STR),
                    ]
                )
            ),
        ),
        ("actions", pa.list_(pa.struct([("kind", STR), ("at", TIME), ("by", STRS)]))),
        (
            "evidence",
            pa.list_(
                pa.struct(
                    [
                        ("media_type", STR),
                        ("size", pa.int64()),
                        ("sha256", STR),
                        ("added_at", TIME),
                        ("added_by", STR),
                    ]
                )
            ),
        ),
        ("reported_to", STRS),
        ("forwarded_to", STRS),
        ("include_public", pa.bool_()),
        ("identity", IDENTITY_TYPE),
    ]
)

# Columns a conflict check or history needs, cheap to read from every file.
KEY_COLUMNS = ["case_id", "rev", "prev_hash", "hash", "saved_at", "saved_by", "changes"]

EVENT_SCHEMA = pa.schema(
    [
        ("id", STR),
        ("name", STR),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("location", STR),
        ("attendees", pa.int64()),
        ("organiser", STR),
        ("saved_at", pa.timestamp("ms")),
        ("saved_by", STR),
        ("series", STR),
    ]
)


ACCESS_SCHEMA = pa.schema(
    [
        ("at", pa.timestamp("ms")),
        ("by", STR),
        ("action", STR),
        ("cases", STRS),
        ("person", STR),
        ("detail", STR),
    ]
)
"""One access-log entry: who did what (export, report, forward, expunge) to which cases."""

READABLE_COLUMNS: dict[str, frozenset[str]] = {
    "cases": frozenset(CASE_SCHEMA.names) - {"identity"},
    "events": frozenset(EVENT_SCHEMA.names),
    "access": frozenset(ACCESS_SCHEMA.names) - {"detail"},
}
"""Columns, by store folder, that an encrypted store leaves readable without the key:
the statistics, and who accessed which cases when. Every other column (``identity``,
an access entry's free-text ``detail``, or any column of another table) is
encrypted (see ``storeio``)."""


def case_row(case: Case, meta: RevisionMeta) -> dict[str, Any]:
    """One row of ``CASE_SCHEMA`` for a revision of a case."""
    r, o = case.report, case.occurred
    return {
        "case_id": meta.case_id,
        "rev": meta.rev,
        "prev_hash": meta.prev_hash,
        "hash": meta.hash,
        "saved_at": meta.saved_at,
        "saved_by": meta.saved_by,
        "changes": list(meta.changes),
        "event_id": case.event.id,
        "status": case.status,
        "categories": case.categories,
        "safety_risk": case.safety_risk,
        "ongoing": case.ongoing,
        "report": {
            "channel": r.channel,
            "anonymous": r.made_by is None,
            "made_at": r.made_at,
            "received_by": r.received_by,
        },
        "occurred": {
            "at": o.at,
            "precision": o.precision,
            "approximate": o.approximate,
            "space": o.space,
        },
        "people": [{"role": p.role, "person": p.person} for p in case.people],
        "timeline": [
            {"at": t.at, "by": t.by, "kind": t.kind, "reaction": t.reaction} for t in case.timeline
        ],
        "actions": [{"kind": a.kind, "at": a.at, "by": a.by} for a in case.actions],
        "evidence": [
            {
                "media_type": e.media_type,
                "size": e.size,
                "sha256": e.sha256,
                "added_at": e.added_at,
                "added_by": e.added_by,
            }
            for e in case.evidence
        ],
        "reported_to": case.decisions.reported_to,
        "forwarded_to": case.forwarded_to,
        "include_public": case.transparency.include,
        "identity": {
            "description": case.description,
            "made_by": r.made_by,
            "made_where": r.made_where,
            "occurred_where": o.where,
            "organisers_must": case.decisions.organisers_must,
            "public_summary": case.transparency.summary,
            "people": [
                {"name": p.name, "contact": p.contact, "links": p.links} for p in case.people
            ],
            "timeline": [
                {"with": t.with_, "text": t.text, "why": t.why, "evidence": t.evidence}
                for t in case.timeline
            ],
            "actions": [{"text": a.text} for a in case.actions],
            "evidence": [{"name": e.name, "note": e.note} for e in case.evidence],
        },
    }


def _pair(stat: list[dict] | None, ident: list[dict] | None) -> list[tuple[dict, dict]]:
    stat = stat or []
    ident = ident or []
    return [(s, ident[i] if i < len(ident) and ident[i] else {}) for i, s in enumerate(stat)]


def row_case(row: dict[str, Any], event: Event | dict[str, Any]) -> Case:
    """Rebuild the case of one stored row (``identity`` may be gone after an expunge)."""
    idn = row.get("identity") or {}
    rep, occ = row["report"], row["occurred"]
    data = {
        "case_id": row["case_id"],
        "event": event,
        "report": {
            "channel": rep["channel"],
            "made_by": idn.get("made_by"),
            "made_at": rep["made_at"],
            "made_where": idn.get("made_where"),
            "received_by": rep["received_by"] or [],
        },
        "occurred": {
            "at": occ["at"],
            "precision": occ["precision"],
            "approximate": occ["approximate"],
            "where": idn.get("occurred_where"),
            "space": occ["space"],
        },
        "people": [
            {
                "name": i.get("name"),
                "contact": i.get("contact"),
                "role": s["role"],
                "person": s["person"],
                "links": i.get("links") or [],
            }
            for s, i in _pair(row["people"], idn.get("people"))
        ],
        "description": idn.get("description"),
        "categories": row["categories"] or [],
        "safety_risk": row["safety_risk"],
        "ongoing": row["ongoing"],
        "status": row["status"],
        "timeline": [
            {
                "at": s["at"],
                "by": s["by"] or [],
                "kind": s["kind"],
                "reaction": s["reaction"],
                "with": i.get("with") or [],
                "text": i.get("text"),
                "why": i.get("why"),
                "evidence": i.get("evidence") or [],
            }
            for s, i in _pair(row["timeline"], idn.get("timeline"))
        ],
        "actions": [
            {"kind": s["kind"], "at": s["at"], "by": s["by"] or [], "text": i.get("text")}
            for s, i in _pair(row["actions"], idn.get("actions"))
        ],
        "decisions": {
            "reported_to": row["reported_to"] or [],
            "organisers_must": idn.get("organisers_must"),
        },
        "transparency": {"include": row["include_public"], "summary": idn.get("public_summary")},
        "forwarded_to": row["forwarded_to"] or [],
        "evidence": [
            {**s, "name": i.get("name") or "(expunged)", "note": i.get("note")}
            for s, i in _pair(row["evidence"], idn.get("evidence"))
        ],
    }
    return Case.model_validate(data)


def row_meta(row: dict[str, Any]) -> RevisionMeta:
    return RevisionMeta(
        case_id=row["case_id"],
        rev=row["rev"],
        prev_hash=row["prev_hash"],
        saved_at=row["saved_at"],
        saved_by=row["saved_by"],
        changes=tuple(row["changes"] or ()),
        hash=row["hash"],
    )


def event_row(event: Event, saved_at: dt.datetime, saved_by: str) -> dict[str, Any]:
    return {**event.model_dump(), "saved_at": saved_at, "saved_by": saved_by}

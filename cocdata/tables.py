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
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cocdata.model import Case, Event

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


@dataclass(frozen=True)
class RevisionMeta:
    """Who saved which revision of a case, when, on top of which earlier one."""

    case_id: str
    rev: int
    prev_hash: str
    saved_at: dt.datetime
    saved_by: str
    changes: tuple[str, ...] = ()
    hash: str = ""


def canonical(case: Case) -> dict[str, Any]:
    """The case as hashed: interchange data with the event reduced to its id.

    Events are kept and updated on their own (attendance figures change), so
    a case's history only covers what belongs to the case.
    """
    data = case.model_dump(mode="json", by_alias=True)
    data["event"] = case.event.id
    return data


def revision_hash(case: Case, meta: RevisionMeta) -> str:
    """SHA-256 over the previous hash, who/when, and the case's content.

    Fields left at their defaults are not hashed, so a field added to the
    record later does not make older revisions look altered.
    """
    head = json.dumps(
        [
            meta.prev_hash,
            meta.rev,
            meta.saved_by,
            meta.saved_at.isoformat(timespec="milliseconds"),
            case.event.id,
        ],
        ensure_ascii=False,
    )
    body = case.model_dump_json(by_alias=True, exclude={"event"}, exclude_defaults=True)
    return hashlib.sha256(head.encode("utf-8") + b"\n" + body.encode("utf-8")).hexdigest()


EXPUNGED_MARK = "expunged"
"""Start of the ``changes`` entry an expunge adds to every revision it rewrites."""


def is_expunged(row: dict[str, Any]) -> bool:
    """True for a revision row whose identifying data was expunged (``identity`` is gone)."""
    return row.get("identity") is None


# The columns an expunged revision's hash covers, spelled out: a column added to
# the schema later must not make expunged revisions look altered.
EXPUNGED_COLUMNS = (
    "case_id",
    "rev",
    "prev_hash",
    "saved_at",
    "saved_by",
    "changes",
    "event_id",
    "status",
    "categories",
    "safety_risk",
    "ongoing",
    "report",
    "occurred",
    "people",
    "timeline",
    "actions",
    "evidence",
    "reported_to",
    "forwarded_to",
    "include_public",
)


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def expunged_hash(row: dict[str, Any]) -> str:
    """SHA-256 of an expunged revision: the previous hash and every column it still holds.

    After an expunge a revision keeps only statistical facts, so its hash
    covers only those: the chain still shows a lost, reordered or altered
    revision, and nothing in it can confirm a guessed name or phrase (the
    hash over the full record, which could, is gone with the record).
    """
    kept = {k: row.get(k) for k in EXPUNGED_COLUMNS}
    text = json.dumps(
        ["cocdata expunged revision 1", kept],
        default=_json_default,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_fields(old: Case | None, new: Case) -> list[str]:
    """Top-level fields (and sub-fields one level down) that differ between two revisions."""
    if old is None:
        return ["created"]
    before, after = canonical(old), canonical(new)
    out: list[str] = []
    for key in after:
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{k}" for k in b if a.get(k) != b.get(k)]
        elif (
            key in ("timeline", "actions", "evidence", "people")
            and isinstance(a, list)
            and isinstance(b, list)
        ):
            added = len(b) - len(a)
            same_prefix = b[: len(a)] == a
            if added > 0 and same_prefix:
                out.append(f"{key} (+{added})")
            else:
                out.append(key)
        else:
            out.append(key)
    return out


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

"""A case's history: who saved which revision, and the hashes that chain revisions.

Every revision carries the hash of the one before it (``revision_hash``), so
a lost, reordered or altered revision shows; a revision whose identifying
data was expunged keeps a hash over what it still holds (``expunged_hash``).
``changed_fields`` names what a save changed, for the case's history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cocdata.model import Case


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

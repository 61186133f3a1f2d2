"""Subject access: everything the store holds about one person, for a data-protection request.

The person's cases (as reporter, target, reported person or witness), the
other cases whose texts mention their names or contacts, and the evidence
files that name them; the request is logged in the access log.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc

from cocdata import accesslog
from cocdata.errors import CocdataError, NotFound
from cocdata.model import Case, Evidence
from cocdata.names import fold_name as fold
from cocdata.person_codes import unknown_code
from cocdata.revisions import is_expunged
from cocdata.store import Store, dedupe
from cocdata.tables import row_case
from cocdata.team import recusal
from cocdata.team.identity import acting_member

TEXT_MEDIA = ("text/", "message/", "application/json", "application/xml")
"""Evidence whose content is searched for a person's names (e-mails, chat logs, notes)."""
MIN_NAME = 3
"""Names shorter than this are not searched for in texts (too many false matches)."""


def _pattern(texts: set[str]) -> re.Pattern[str] | None:
    words = sorted(
        {fold(t) for t in texts if t and len(fold(t)) >= MIN_NAME}, key=len, reverse=True
    )
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def _found(pattern: re.Pattern[str] | None, text: str | None) -> bool:
    return bool(pattern and text and pattern.search(fold(text)))


def _mentions(identity: dict[str, Any] | None, pattern: re.Pattern[str] | None) -> list[str]:
    """Where in one revision's identity data the person's names or contacts occur."""
    if not identity or pattern is None:
        return []
    out = []
    for key in ("description", "made_by", "made_where", "occurred_where", "organisers_must"):
        if _found(pattern, identity.get(key)):
            out.append(key)
    for i, entry in enumerate(identity.get("timeline") or []):
        entry = entry or {}
        for key in ("text", "why"):
            if _found(pattern, entry.get(key)):
                out.append(f"timeline.{i}.{key}")
        if any(_found(pattern, w) for w in entry.get("with") or []):
            out.append(f"timeline.{i}.with")
    for i, action in enumerate(identity.get("actions") or []):
        if _found(pattern, (action or {}).get("text")):
            out.append(f"actions.{i}.text")
    for i, ev in enumerate(identity.get("evidence") or []):
        if _found(pattern, (ev or {}).get("name")) or _found(pattern, (ev or {}).get("note")):
            out.append(f"evidence.{i}")
    return out


def _evidence_naming(
    store: Store, records: Sequence[Case], pattern: re.Pattern[str] | None, names: set[str]
) -> list[dict[str, Any]]:
    """Evidence of every revision of a case, marked where (and why) it names the person,
    with its content where it does."""
    folded = {fold(n) for n in names if n}
    met: dict[str, set[str]] = {}
    evidence: dict[str, Evidence] = {}
    for case in records:
        for entry in case.timeline:
            if folded.intersection(fold(w) for w in entry.with_):
                for sha in entry.evidence:
                    met.setdefault(sha, set()).add(
                        f"attached to a timeline entry ({entry.kind}, {entry.at:%Y-%m-%d}) with them"
                    )
        for ev in case.evidence:
            evidence.setdefault(ev.sha256, ev)
    out = []
    for ev in evidence.values():
        why = sorted(met.get(ev.sha256, ()))
        if _found(pattern, ev.name) or _found(pattern, ev.note):
            why.append("its name or note names them")
        content: bytes | None = None
        why_missing = None
        try:
            content = store.read_blob(ev.sha256)
        except CocdataError:
            why_missing = "the file is no longer in the store"
        if (
            content is not None
            and ev.media_type.startswith(TEXT_MEDIA)
            and _found(pattern, content.decode("utf-8", errors="replace"))
        ):
            why.append("its text names them")
        item: dict[str, Any] = {
            "sha256": ev.sha256,
            "name": ev.name,
            "media_type": ev.media_type,
            "size": ev.size,
            "note": ev.note,
            "added_at": ev.added_at.isoformat() if ev.added_at else None,
            "added_by": ev.added_by,
            "names_them": bool(why),
            "why": why,
        }
        if why_missing:
            item["missing"] = why_missing
        if why and content is not None:
            item["content_base64"] = base64.b64encode(content).decode("ascii")
        out.append(item)
    return out


def subject_access(store: Store, code: str, by: str | None = None) -> dict[str, Any]:
    """Everything the store holds about the person with ``code``, as JSON-ready data.

    Every case where they appear in any revision, each of its revisions (who
    saved it, when, what changed, their role and the names and contacts
    recorded for them, and the whole record as it stood), the evidence of those
    cases marked where it names them (with its content), other cases whose
    texts name them, and the access-log entries of all these. The request
    itself is logged (``subject-access``) before anything is gathered.
    """
    events = store.events()
    table = recusal.without(dedupe(store.read_cases()), recusal.hidden(store))
    # Their cases are found in arrow; only those rows become Python objects whole.
    listed = pc.list_flatten(table["people"])
    hit = pc.fill_null(pc.equal(pc.struct_field(listed, "person"), code), False)
    rows_naming = pc.list_parent_indices(table["people"]).filter(hit)
    theirs = sorted(set(table["case_id"].take(rows_naming).to_pylist()))
    if not theirs:
        raise NotFound(*unknown_code(store, code))
    accesslog.record(
        store, "subject-access", theirs, "everything held about one person", by=by, person=code
    )
    in_theirs = pc.is_in(table["case_id"], pa.array(theirs, pa.string()))
    by_case: dict[str, dict[int, dict[str, Any]]] = {}
    for r in table.filter(in_theirs).to_pylist():
        by_case.setdefault(r["case_id"], {})[r["rev"]] = r
    names: set[str] = set()
    contacts: set[str] = set()
    for cid in theirs:
        for r in by_case[cid].values():
            idn = (r.get("identity") or {}).get("people") or []
            for s, i in zip(r["people"] or [], idn, strict=False):
                if s.get("person") == code and i:
                    names.update([i["name"]] if i.get("name") else [])
                    contacts.update([i["contact"]] if i.get("contact") else [])
    pattern = _pattern(names | contacts)
    cases_out = []
    for cid in theirs:
        revisions = []
        records: list[Case] = []
        for rev in sorted(by_case[cid]):
            r = by_case[cid][rev]
            idn = (r.get("identity") or {}).get("people") or []
            mine = [
                {
                    "role": s.get("role"),
                    "name": (idn[k] or {}).get("name") if k < len(idn) else None,
                    "contact": (idn[k] or {}).get("contact") if k < len(idn) else None,
                }
                for k, s in enumerate(r["people"] or [])
                if s.get("person") == code
            ]
            record = row_case(r, events[r["event_id"]]) if r["event_id"] in events else None
            if record is not None:
                records.append(record)
            revisions.append(
                {
                    "rev": rev,
                    "saved_at": r["saved_at"].isoformat(timespec="seconds"),
                    "saved_by": r["saved_by"],
                    "changes": list(r["changes"] or []),
                    "named_as": mine,
                    "expunged": is_expunged(r),
                    "record": record.to_dict() if record is not None else None,
                }
            )
        head = by_case[cid][max(by_case[cid])]
        cases_out.append(
            {
                "case_id": cid,
                "event": head["event_id"],
                "roles": sorted({m["role"] for rv in revisions for m in rv["named_as"]}),
                "expunged": is_expunged(head),
                "revisions": revisions,
                "evidence": _evidence_naming(store, records, pattern, names),
            }
        )
    mentioned: dict[str, list[dict[str, Any]]] = {}
    others = table.filter(pc.invert(in_theirs)).select(["case_id", "rev", "identity"])
    if pattern is not None:
        for r in others.sort_by([("case_id", "ascending"), ("rev", "ascending")]).to_pylist():
            places = _mentions(r["identity"], pattern)
            if places:
                mentioned.setdefault(r["case_id"], []).append({"rev": r["rev"], "where": places})
    mentioned_in = [{"case_id": c, "revisions": revs} for c, revs in mentioned.items()]
    log = accesslog.entries(store, [*theirs, *mentioned], person=code)
    return {
        "person": code,
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "generated_by": acting_member(store.root, by),
        "names": sorted(names),
        "contacts": sorted(contacts),
        "summary": {
            "cases": len(cases_out),
            "revisions": sum(len(c["revisions"]) for c in cases_out),
            "evidence_naming_them": sum(e["names_them"] for c in cases_out for e in c["evidence"]),
            "other_cases_mentioning_them": len(mentioned_in),
            "access_log_entries": len(log),
        },
        "cases": cases_out,
        "mentioned_in": mentioned_in,
        "access_log": [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "by": e.by,
                "action": e.action,
                "cases": list(e.cases),
                "person": e.person,
                "detail": e.detail,
            }
            for e in log
        ],
    }


def write_subject_access(store: Store, code: str, out: IO[str], by: str | None = None) -> dict:
    """Write ``subject_access`` as indented JSON to ``out``; return its summary."""
    import json

    data = subject_access(store, code, by=by)
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return data["summary"]

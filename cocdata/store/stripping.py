"""Stripping an expunged case's revisions down to statistics, and chaining them again."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa

from cocdata import codenames
from cocdata.revisions import EXPUNGED_MARK, expunged_hash
from cocdata.store.stored import GENESIS
from cocdata.tables import CASE_SCHEMA

KEEP_CODE_ROLES = ("reported",)
"""Roles whose person code stays on expunged revisions (the statistics count them)."""


def month(value: Any) -> Any:
    """A time cut to the first of its month (None stays None)."""
    if value is None:
        return None
    return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def stripped_row(row: dict[str, Any], when: str, codes: dict[str, str]) -> dict[str, Any]:
    """A revision row with only statistical facts left (hashes are set by the caller).

    ``codes`` maps the person codes of people not in ``KEEP_CODE_ROLES`` to
    fresh ones.
    """
    occurred = dict(row["occurred"] or {})
    if occurred.get("at") is not None:
        occurred["at"] = month(occurred["at"])
        if occurred.get("precision") in ("minute", "hour", "day"):
            occurred["precision"] = "month"
    report = dict(row["report"] or {})
    report["made_at"] = month(report.get("made_at"))
    people = []
    for p in row["people"] or []:
        code = p.get("person")
        if code and p.get("role") not in KEEP_CODE_ROLES:
            code = codes[code]
        people.append({"role": p.get("role"), "person": code})
    return {
        **row,
        "prev_hash": "",
        "hash": "",
        "saved_at": month(row["saved_at"]),
        "changes": [*(row["changes"] or []), f"{EXPUNGED_MARK} {when}"],
        "report": report,
        "occurred": occurred,
        "people": people,
        "timeline": [{**t, "at": month(t.get("at"))} for t in row["timeline"] or []],
        "actions": [{**a, "at": month(a.get("at"))} for a in row["actions"] or []],
        "evidence": [],
        "identity": None,
    }


def expunged_rows(
    rows: list[dict[str, Any]], when: str, taken: set[str], rng: random.Random
) -> list[dict[str, Any]]:
    """Every revision of one case stripped, oldest first (hashes are set by ``chained``).

    ``rows`` may hold a revision twice (intact and already expunged, after an
    interrupted run); the expunged one is kept as it is.
    """
    by_rev: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["rev"] not in by_rev or row.get("identity") is None:
            by_rev[row["rev"]] = row
    codes: dict[str, str] = {}
    for row in by_rev.values():
        if row.get("identity") is None:
            continue
        for p in row["people"] or []:
            code = p.get("person")
            if code and p.get("role") not in KEEP_CODE_ROLES and code not in codes:
                codes[code] = codenames.new_code_name(taken, rng)
                taken.add(codes[code])
    return [
        stripped_row(by_rev[rev], when, codes)
        if by_rev[rev].get("identity") is not None
        else by_rev[rev]
        for rev in sorted(by_rev)
    ]


def chained(rows: list[dict[str, Any]]) -> pa.Table:
    """Expunged rows (each case's revisions together, oldest first) with their hash chain.

    The hashes are computed on the rows as they read back from parquet, so
    that ``verify`` computes the same.
    """
    normal = pa.Table.from_pylist(rows, schema=CASE_SCHEMA).to_pylist()
    previous, case_id = GENESIS, None
    for row in normal:
        if row["case_id"] != case_id:
            previous, case_id = GENESIS, row["case_id"]
        row["prev_hash"] = previous
        row["hash"] = expunged_hash(row)
        previous = row["hash"]
    return pa.Table.from_pylist(normal, schema=CASE_SCHEMA)

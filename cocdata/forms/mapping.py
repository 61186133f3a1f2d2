"""Between what a form holds and a ``Case``: plain dicts both ways, no widgets.

``form_values(case)`` gives the values a form shows for a stored case, keyed by
the field paths of ``declarations.REPORT_FIELDS`` (plus ``people``, the rows
of other people, and ``folded``, the reporter's and target's own entries that
the form shows as "Who reported it" and a tick box). ``case_data(values, …)``
turns what is typed back into interchange data for ``parse_case``, with every
problem of the typed text; nothing is silently coarsened: times are read from
the final text with the precision ``times.settle_precision`` settled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cocdata.errors import Problem
from cocdata.forms.fields import join_names, split_names
from cocdata.forms.times import format_when, parse_when
from cocdata.model import Case

ROLE_MISSING = "choose this person's role (target, reported person, witness, …)"


@dataclass
class Mapped:
    """Interchange data for a case, the problems of the typed values, and where each person came from.

    ``sources[i]`` names the form's origin of ``data["people"][i]``: ``("reporter",)``,
    ``("target",)`` or ``("row", n)`` for the n-th row of other people, so that a
    form can put a person's problems next to the right input.
    """

    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)


def form_values(case: Case) -> dict[str, Any]:
    """What a form shows for ``case``: field path -> value, ``people`` rows and ``folded``."""
    r, o = case.report, case.occurred
    people = [p.model_dump() for p in case.people]
    reporter = next(
        (p for p in people if p["role"] == "reporter" and r.made_by and p["name"] == r.made_by),
        None,
    )
    target = next((p for p in people if p["role"] == "target" and p["name"] == r.made_by), None)
    return {
        "report.made_by": r.made_by or "",
        "report.anonymous": r.made_by is None,
        "report.received_by": join_names(r.received_by),
        "report.made_at": format_when(r.made_at),
        "report.made_where": r.made_where or "",
        "report.channel": r.channel,
        "occurred.at": format_when(o.at, o.precision),
        "occurred.precision": o.precision,
        "occurred.approximate": o.approximate,
        "occurred.where": o.where or "",
        "occurred.space": o.space,
        "reporter.contact": (reporter or {}).get("contact") or "",
        "reporter.is_target": target is not None,
        "description": case.description or "",
        "categories": list(case.categories),
        "safety_risk": case.safety_risk,
        "ongoing": case.ongoing,
        "status": case.status,
        "decisions.reported_to": join_names(case.decisions.reported_to),
        "decisions.organisers_must": case.decisions.organisers_must or "",
        "transparency.include": case.transparency.include,
        "transparency.summary": case.transparency.summary or "",
        "forwarded_to": join_names(case.forwarded_to),
        "people": [p for p in people if p is not reporter and p is not target],
        "folded": {"reporter": reporter, "target": target},
    }


def _when(
    typed: str, now: dt.datetime, path: str, missing: str | None, problems: list[Problem]
) -> str | None:
    try:
        when, _ = parse_when(typed or "", now)
    except ValueError as exc:
        problems.append(Problem(path, str(exc)))
        return None
    if when is None and missing:
        problems.append(Problem(path, missing))
    return format_when(when) if when else None


def _people(values: dict[str, Any], made_by: str | None, mapped: Mapped) -> list[dict[str, Any]]:
    folded = values.get("folded") or {}
    people: list[dict[str, Any]] = []
    if made_by is not None:
        kept = folded.get("reporter") or {}
        contact = (values.get("reporter.contact") or "").strip() or None
        people.append(
            {"name": made_by, "role": "reporter", "contact": contact, "person": kept.get("person")}
        )
        mapped.sources.append(("reporter",))
    if values.get("reporter.is_target"):
        kept = folded.get("target") or {}
        people.append(
            {
                "name": made_by,
                "role": "target",
                "contact": kept.get("contact"),
                "person": kept.get("person"),
            }
        )
        mapped.sources.append(("target",))
    for n, row in enumerate(values.get("people") or []):
        if not (row.get("name") or "").strip() and not (row.get("contact") or "").strip():
            continue
        people.append({k: row.get(k) for k in ("name", "role", "contact", "person")})
        mapped.sources.append(("row", n))
    for i, person in enumerate(people):
        if person["role"] is None:
            mapped.problems.append(Problem(f"people.{i}.role", ROLE_MISSING))
    return people


def case_data(
    values: dict[str, Any],
    *,
    event: dict[str, Any] | None,
    precision: str,
    now: dt.datetime,
    base: dict[str, Any] | None = None,
    case_id: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> Mapped:
    """Interchange data for a case from the form's ``values`` (see ``form_values``).

    ``base`` is the stored case the form edits (its other fields stay),
    ``precision`` the incident time's settled precision, ``evidence`` the
    files newly attached.
    """
    base = base or {}
    mapped = Mapped({})
    problems = mapped.problems
    anonymous = bool(values.get("report.anonymous"))
    made_by = None if anonymous else ((values.get("report.made_by") or "").strip() or None)
    if not anonymous and made_by is None:
        problems.append(
            Problem(
                "report.made_by",
                "write who made the report, or tick 'Anonymous' if they gave no name",
            )
        )
    made_at = _when(
        values.get("report.made_at", ""),
        now,
        "report.made_at",
        "write when the report was made, like 2000-12-29 09:00",
        problems,
    )
    occurred_at = _when(values.get("occurred.at", ""), now, "occurred.at", None, problems)
    people = _people(values, made_by, mapped)
    if base.get("people") and same_people(base["people"], people):
        people = base["people"]  # unchanged: keep the stored entries (and their codes) as they are
    mapped.data = {
        **base,
        "case_id": case_id,
        "event": event,
        "report": {
            "channel": values.get("report.channel"),
            "made_by": made_by,
            "made_at": made_at,
            "made_where": values.get("report.made_where"),
            "received_by": split_names(values.get("report.received_by")),
        },
        "occurred": {
            "at": occurred_at,
            "precision": precision,
            "approximate": bool(values.get("occurred.approximate")),
            "where": values.get("occurred.where"),
            "space": values.get("occurred.space"),
        },
        "people": people,
        "description": values.get("description"),
        "categories": list(values.get("categories") or []),
        "safety_risk": bool(values.get("safety_risk")),
        "ongoing": values.get("ongoing"),
        "status": values.get("status"),
        "decisions": {
            "reported_to": split_names(values.get("decisions.reported_to")),
            "organisers_must": values.get("decisions.organisers_must"),
        },
        "transparency": {
            "include": bool(values.get("transparency.include")),
            "summary": values.get("transparency.summary"),
        },
        "forwarded_to": split_names(values.get("forwarded_to")),
        "evidence": [*base.get("evidence", []), *(evidence or [])],
    }
    if not base and not (values.get("description") or "").strip():
        problems.append(
            Problem("description", "write what happened, in the reporter's words where you can")
        )
    return mapped


def row_key(person: dict[str, Any]) -> tuple[str, ...]:
    """A person entry as typed: name, role, contact."""
    return tuple(str(person.get(k) or "").strip() for k in ("name", "role", "contact"))


def same_people(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """True when two lists hold the same people (in any order), person codes included."""

    def key(p: dict[str, Any]) -> tuple[str, ...]:
        return (*row_key(p), str(p.get("person") or ""))

    return sorted(map(key, a)) == sorted(map(key, b))

"""Checking a case: pydantic's errors in plain words, the vocabularies and cross-field rules.

``parse_case`` checks structure and single fields (the models in ``model``);
``check_case`` adds what needs the organisation's vocabularies or several
fields at once; ``validate`` does both and collects every problem before
reporting, so a user fixes a record in one pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from cocdata.errors import Problem
from cocdata.fields import format_time
from cocdata.model import Case
from cocdata.vocab import ONGOING, STATUSES, Vocabularies

_PYDANTIC_WORDS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field; check its spelling",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "date_from_datetime_parsing": "is not a date; write it like 2000-12-27",
    "date_parsing": "is not a date; write it like 2000-12-27",
    "date_from_datetime_inexact": "must be a date without a time, like 2000-12-27",
    "model_type": "must be an object with named fields",
    "greater_than_equal": "must not be negative",
    "string_too_short": "must not be empty",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a whole number",
    "int_parsing_size": "is far too large a number",
    "dict_type": "must be an object with named fields",
}


def problems_from(error: ValidationError, where: str | None = None) -> list[Problem]:
    """pydantic's errors as plain-language problems, one per field."""
    out: list[Problem] = []
    for err in error.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "record"
        field = field.replace("with_", "with")
        kind = err["type"]
        if kind == "json_invalid":
            field = "line"
            message = f"is not valid JSON ({err.get('ctx', {}).get('error', err['msg'])})"
            out.append(Problem(field=field, message=message, where=where))
            continue
        if kind in ("value_error", "assertion_error"):
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            message = f"must be one of {err.get('ctx', {}).get('expected', '')}"
        elif kind == "less_than_equal":
            message = f"must be at most {err.get('ctx', {}).get('le', 0):,}"
        else:
            message = _PYDANTIC_WORDS.get(kind, err["msg"][0].lower() + err["msg"][1:])
        value = err.get("input")
        shows_value = isinstance(value, str | int | float | bool)
        if kind not in ("missing", "model_type") and shows_value and repr(value) not in message:
            shown = repr(value)
            # A whole pasted document in a field would drown the message.
            shown = shown if len(shown) <= 60 else f"{shown[:50]}… ({len(shown)} characters)"
            message = f"{message} (got {shown})"
        out.append(Problem(field=field, message=message, where=where, value=value))
    return out


def parse_case(
    data: dict[str, Any] | str, where: str | None = None
) -> tuple[Case | None, list[Problem]]:
    """Validate raw interchange data; return the case or every structural problem."""
    try:
        if isinstance(data, str):
            return Case.model_validate_json(data), []
        return Case.model_validate(data), []
    except ValidationError as exc:
        return None, problems_from(exc, where)


def _vocab_problems(case: Case, vocab: Vocabularies, where: str | None) -> list[Problem]:
    out: list[Problem] = []

    def need(kind: str, field: str, value: str | None, optional: bool = False) -> None:
        if value is None:
            if not optional:
                out.append(Problem(field, "is required", where))
            return
        known = getattr(vocab, kind)
        if value not in known:
            listed = ", ".join(known)
            out.append(
                Problem(
                    field,
                    f"{value!r} is not one of the {kind.replace('_', ' ')}: {listed}",
                    where,
                    value,
                )
            )

    need("channels", "report.channel", case.report.channel)
    need("spaces", "occurred.space", case.occurred.space, optional=True)
    for i, cat in enumerate(case.categories):
        need("categories", f"categories.{i}", cat)
    for i, person in enumerate(case.people):
        need("roles", f"people.{i}.role", person.role)
    for i, entry in enumerate(case.timeline):
        need("timeline_kinds", f"timeline.{i}.kind", entry.kind)
        need("reactions", f"timeline.{i}.reaction", entry.reaction, optional=True)
    for i, action in enumerate(case.actions):
        need("actions", f"actions.{i}.kind", action.kind)
    if case.status not in STATUSES:
        out.append(Problem("status", f"{case.status!r} is not one of {', '.join(STATUSES)}", where))
    if case.ongoing not in ONGOING:
        out.append(Problem("ongoing", f"must be one of {', '.join(ONGOING)}", where))
    return out


def _rule_problems(case: Case, where: str | None) -> list[Problem]:
    out: list[Problem] = []
    occ = case.occurred
    if occ.at is not None and not occ.approximate:
        # Compare at the precision the incident time is known.
        earliest = occ.at
        if case.report.made_at < earliest:
            out.append(
                Problem(
                    "report.made_at",
                    f"the report cannot be made ({format_time(case.report.made_at)}) before the "
                    f"incident happened ({occ.describe()}); check both dates",
                    where,
                )
            )
    if case.report.channel == "verbal" and not case.report.received_by:
        out.append(
            Problem(
                "report.received_by",
                "a verbal report needs the team member(s) who received it",
                where,
            )
        )
    if case.transparency.include and not case.transparency.summary:
        out.append(
            Problem(
                "transparency.summary",
                "a case included in the transparency report needs a public summary written for "
                "publication (no names)",
                where,
            )
        )
    for i, entry in enumerate(case.timeline):
        if entry.at < case.report.made_at - dt.timedelta(days=366):
            out.append(
                Problem(
                    f"timeline.{i}.at",
                    f"{format_time(entry.at)} is more than a year before the report was made; "
                    "check the date",
                    where,
                )
            )
    known = {e.sha256 for e in case.evidence}
    for i, entry in enumerate(case.timeline):
        for sha in entry.evidence:
            if sha not in known:
                out.append(
                    Problem(
                        f"timeline.{i}.evidence",
                        f"names evidence {sha[:12]}… that is not attached to the case",
                        where,
                    )
                )
    return out


def check_case(case: Case, vocab: Vocabularies, where: str | None = None) -> list[Problem]:
    """Every problem that vocabularies and cross-field rules find in a parsed case."""
    return _vocab_problems(case, vocab, where) + _rule_problems(case, where)


def validate(
    data: dict[str, Any] | str | Case, vocab: Vocabularies, where: str | None = None
) -> tuple[Case | None, list[Problem]]:
    """Parse and check a case in one go, collecting every problem."""
    if isinstance(data, Case):
        case, problems = data, []
    else:
        case, problems = parse_case(data, where)
    if case is None:
        return None, problems
    problems = check_case(case, vocab, where)
    return (case if not problems else None), problems

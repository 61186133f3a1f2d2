"""The pure mapping between a form's values and a case, without a single widget."""

from __future__ import annotations

import datetime as dt

import pytest

from cocdata.case_checks import parse_case
from cocdata.examples import guide_example
from cocdata.forms.mapping import ROLE_MISSING, case_data, form_values

NOW = dt.datetime(2000, 12, 29, 9, 0)


def _map(values, **options):
    case = guide_example()
    options.setdefault("event", case.event.model_dump(mode="json"))
    options.setdefault("precision", "minute")
    return case_data(values, now=NOW, **options)


def test_a_case_goes_to_form_values_and_back_unchanged() -> None:
    case = guide_example()
    values = form_values(case)
    assert values["report.made_by"] == "Person A"
    assert values["occurred.at"] == "2000-12-28 22:30"
    assert values["reporter.is_target"] is True
    assert [p["name"] for p in values["people"]] == ["Person B"]
    mapped = _map(values, base=case.to_dict(), case_id=case.case_id)
    assert mapped.problems == []
    again, problems = parse_case(mapped.data)
    assert problems == [] and again == case


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"report.made_by": ""}, "report.made_by", "tick 'Anonymous'"),
        ({"report.made_at": "2000-13-45"}, "report.made_at", "not a real date"),
        ({"report.made_at": ""}, "report.made_at", "write when the report was made"),
        ({"occurred.at": "the 28th"}, "occurred.at", "not a date and time"),
        ({"description": " "}, "description", "write what happened"),
    ],
)
def test_every_typing_problem_is_named_with_its_field(change, field, says) -> None:
    values = {**form_values(guide_example()), **change}
    mapped = _map(values)
    assert any(p.field == field and says in p.message for p in mapped.problems)


def test_a_person_without_a_role_is_a_problem_at_that_person() -> None:
    values = form_values(guide_example())
    values["people"] = [*values["people"], {"name": "Person W", "role": None}]
    mapped = _map(values)
    index = len(mapped.data["people"]) - 1
    assert any(
        p.field == f"people.{index}.role" and p.message == ROLE_MISSING for p in mapped.problems
    )
    assert mapped.sources[index] == ("row", 1)


def test_the_settled_precision_is_what_is_stored() -> None:
    values = {**form_values(guide_example()), "occurred.at": "2000-12-28 22:30"}
    for precision in ("minute", "day"):
        case, _ = parse_case(_map(values, precision=precision).data)
        assert case is not None and case.occurred.precision == precision


def test_anonymous_reports_have_no_reporter_entry() -> None:
    values = {**form_values(guide_example()), "report.anonymous": True, "reporter.is_target": False}
    mapped = _map(values)
    assert mapped.data["report"]["made_by"] is None
    assert all(p["role"] != "reporter" for p in mapped.data["people"])

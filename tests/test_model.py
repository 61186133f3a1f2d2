import datetime as dt

import pytest

from cocdata import model, vocab
from cocdata.examples import guide_example
from tests.helpers import guide_data

VOCAB = vocab.default()


def problems_for(data):
    _, problems = model.validate(data, VOCAB, "line 1")
    return {p.field: p.message for p in problems}


def test_guide_example_is_valid_and_round_trips():
    case = guide_example()
    assert model.check_case(case, VOCAB) == []
    again = model.Case.model_validate_json(case.to_json())
    assert again == case


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"report__made_at": "2000-12-27T09:00"}, "report.made_at", "before the incident happened"),
        ({"report__made_at": "29/12/2000"}, "report.made_at", "write it like 2000-12-29T09:00"),
        ({"report__made_at": "2000-12-29T09:00+02:00"}, "report.made_at", "time-zone offset"),
        ({"report__channel": "pigeon"}, "report.channel", "not one of the channels"),
        ({"report__received_by": []}, "report.received_by", "verbal report needs"),
        ({"occurred__space": "party"}, "occurred.space", "not one of the spaces"),
        ({"people__0__role": "victim"}, "people.0.role", "not one of the roles"),
        ({"categories": ["rudeness"]}, "categories.0", "not one of the categories"),
        ({"status": "archived"}, "status", "not one of new"),
        ({"ongoing": "often"}, "ongoing", "must be one of"),
        ({"safety_risk": "perhaps"}, "safety_risk", "true or false"),
        ({"event__start": "2000-12-31"}, "event", "ends (2000-12-30) before it starts"),
        ({"event__id": "Django Con"}, "event.id", "not a usable event id"),
        ({"event__attendees": -5}, "event.attendees", "must not be negative"),
        ({"timeline__0__kind": "chat"}, "timeline.0.kind", "not one of the timeline kinds"),
        ({"timeline__1__reaction": "cried"}, "timeline.1.reaction", "not one of the reactions"),
        ({"actions__0__kind": "shaming"}, "actions.0.kind", "not one of the actions"),
        ({"transparency__summary": None}, "transparency.summary", "needs a public summary"),
        ({"case_id": "Amber Falcon"}, "case_id", "not a usable case id"),
        ({"colour": "red"}, "colour", "not a known field"),
    ],
)
def test_each_problem_names_field_and_says_why(changes, field, words):
    found = problems_for(guide_data(**changes))
    assert field in found, found
    assert words in found[field]


def test_all_problems_of_a_record_are_reported_at_once():
    data = guide_data(report__channel="pigeon", occurred__space="party", status="archived")
    assert {"report.channel", "occurred.space", "status"} <= set(problems_for(data))


@pytest.mark.parametrize(
    ("precision", "given", "kept", "described"),
    [
        (
            "minute",
            "2000-12-28T22:30:15.5",
            dt.datetime(2000, 12, 28, 22, 30, 15),
            "2000-12-28 22:30:15",
        ),
        ("hour", "2000-12-28T22:30", dt.datetime(2000, 12, 28, 22), "2000-12-28 around 22:00"),
        ("day", "2000-12-28T22:30", dt.datetime(2000, 12, 28), "2000-12-28"),
        ("month", "2000-12-28", dt.datetime(2000, 12, 1), "December 2000"),
        ("unknown", "2000-12-28", None, "unknown"),
    ],
)
def test_occurrence_keeps_only_what_is_known(precision, given, kept, described):
    occ = model.Occurrence(at=given, precision=precision)
    assert occ.at == kept
    assert occ.describe() == described
    assert model.Occurrence.model_validate_json(occ.model_dump_json()) == occ


def test_approximate_time_reads_as_about():
    assert model.Occurrence(at="2000-12-28T22:30", approximate=True).describe().startswith("about ")


def test_approximate_incident_time_does_not_block_an_earlier_report():
    data = guide_data(occurred__approximate=True, report__made_at="2000-12-28T22:00")
    assert "report.made_at" not in problems_for(data)


def test_anonymous_report_has_no_maker():
    case = model.Case.model_validate(guide_data(report__made_by="  "))
    assert case.report.anonymous


def test_blank_names_are_dropped_and_duplicates_folded():
    case = model.Case.model_validate(guide_data(report__received_by=["A", " ", "A", "B "]))
    assert case.report.received_by == ["A", "B"]

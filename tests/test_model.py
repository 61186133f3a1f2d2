import datetime as dt

import pytest

from cocdata import case_checks, model, vocab
from cocdata.examples import guide_example
from tests.helpers import guide_data

VOCAB = vocab.default()


def problems_for(data):
    _, problems = case_checks.validate(data, VOCAB, "line 1")
    return {p.field: p.message for p in problems}


def test_guide_example_is_valid_and_round_trips():
    case = guide_example()
    assert case_checks.check_case(case, VOCAB) == []
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


TIME_FIELDS = [
    ("report__made_at", "report.made_at"),
    ("occurred__at", "occurred.at"),
    ("timeline__0__at", "timeline.0.at"),
    ("actions__0__at", "actions.0.at"),
]
DATE_FIELDS = [("event__start", "event.start"), ("event__end", "event.end")]


@pytest.mark.parametrize(("path", "field"), TIME_FIELDS + DATE_FIELDS)
@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            1700000000,
            "1700000000 is a number, not a date; write it as text in quotes, like 2000-12-",
        ),
        (1.7e9, "is a number, not a date"),
        (0, "0 is a number, not a date"),
        (True, "true is not a date; write it as text"),
        (False, "false is not a date"),
    ],
)
def test_a_time_or_date_must_be_text(path, field, value, words):
    found = problems_for(guide_data(**{path: value}))
    assert field in found, found
    assert words in found[field]


def test_a_numeric_time_in_evidence_is_refused_too():
    data = guide_data()
    data["evidence"] = [{"name": "a.png", "size": 1, "sha256": "ab" * 32, "added_at": 1700000000}]
    assert "is a number, not a date" in problems_for(data)["evidence.0.added_at"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("report__made_at", "0001-01-01T00:00", "report.made_at"),
        ("report__made_at", "9999-12-31T23:59", "report.made_at"),
        ("timeline__0__at", "1899-12-31T23:59", "timeline.0.at"),
        ("event__start", "0001-01-01", "event.start"),
        ("event__end", "2200-01-01", "event.end"),
    ],
)
def test_times_and_dates_must_lie_in_the_documented_years(path, value, field):
    found = problems_for(guide_data(**{path: value}))
    assert "is outside the years 1900 to 2199" in found[field]


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("event__attendees", 10**30, "event.attendees", "must be at most 100,000,000"),
        ("event__attendees", 2**63, "event.attendees", "must be at most 100,000,000"),
        ("event__attendees", 100_000_001, "event.attendees", "must be at most 100,000,000"),
        ("event__attendees", True, "event.attendees", "must be a whole number, not true"),
        ("event__attendees", 12.5, "event.attendees", "must be a whole number"),
        ("event__attendees", float("inf"), "event.attendees", "must be a whole number"),
        ("event__attendees", 1e300, "event.attendees", "far too large a number"),
    ],
)
def test_numbers_have_a_documented_range(path, value, field, words):
    found = problems_for(guide_data(**{path: value}))
    assert words in found[field], found


@pytest.mark.parametrize("size", [2**63, 2**30 + 1, -1, False])
def test_an_evidence_size_has_a_documented_range(size):
    data = guide_data()
    data["evidence"] = [{"name": "a.png", "size": size, "sha256": "ab" * 32}]
    assert "evidence.0.size" in problems_for(data)


def test_the_largest_numbers_allowed_are_accepted():
    data = guide_data(event__attendees=100_000_000)
    data["evidence"] = [{"name": "a.png", "size": 2**30, "sha256": "ab" * 32}]
    assert "event.attendees" not in problems_for(data)
    assert "evidence.0.size" not in problems_for(data)


@pytest.mark.parametrize(
    ("path", "field", "what"),
    [("case_id", "case_id", "a case id"), ("event__id", "event.id", "an event id")],
)
def test_ids_are_at_most_64_characters(path, field, what):
    ok = problems_for(guide_data(**{path: "a" * 64}))
    assert field not in ok
    found = problems_for(guide_data(**{path: "a" * 10_000}))
    assert f"is 10000 characters long; {what} may have at most 64" in found[field]
    assert len(found[field]) < 300  # the id itself is shown cut short


def test_a_revision_in_the_data_is_left_aside_by_the_case():
    case = model.Case.model_validate(guide_data(revision=3))
    assert "revision" not in case.to_dict()


def test_times_from_python_are_still_accepted():
    data = guide_data(
        report__made_at=dt.datetime(2000, 12, 29, 9), event__start=dt.date(2000, 12, 27)
    )
    assert problems_for(data) == {}


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"case_id": "Amber Falcon"}, "case_id", "'Amber Falcon'"),
        ({"event__series": "Django Con!"}, "event.series", "'Django Con!'"),
        ({"report__made_at": "29/12/2000"}, "report.made_at", "'29/12/2000'"),
        ({"status": "archived"}, "status", "'archived'"),
    ],
)
def test_a_problem_names_the_value_once(changes, field, value):
    message = problems_for(guide_data(**changes))[field]
    assert message.count(value) == 1, message

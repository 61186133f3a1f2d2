"""cocdata.charts: each figure from a hand-made tidy frame, with what it leaves out said."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from cocdata import charts
from cocdata.analysis import outcomes, response, yearly
from cocdata.reports import present


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


PER_EVENT = _frame(
    event_id=["a-2023", "b-2024", "c-2024"],
    event=["A 2023", "B 2024", "C 2024"],
    start=pd.to_datetime(["2023-05-10", "2024-03-01", "2024-09-01"]),
    attendees=[200.0, np.nan, 100.0],
    reports=[2, 2, 0],
    per_100_attendees=[1.0, np.nan, 0.0],
    note=["", "attendance unknown: no rate", ""],
)
MIX = _frame(
    category=["harassment", "theft"],
    label=["Harassment", "Theft"],
    cases=[3, 1],
    share=[0.75, 0.25],
    outside_coc=[False, True],
)
MIX_PER_YEAR = _frame(
    year=["2023", "2023", "2024"],
    category=["harassment", "theft", "harassment"],
    label=["Harassment", "Theft", "Harassment"],
    cases=[2, 1, 1],
    share=[2 / 3, 1 / 3, 1.0],
)
HOURS = _frame(
    hour=pd.array([*range(24), None], dtype="Int64"),
    label=[f"{h:02d}:00" for h in range(24)] + ["unknown"],
    cases=[0] * 10 + [1] + [0] * 11 + [2, 0, 2],
    share=[0.0] * 24 + [np.nan],
)
DAYS = _frame(
    day=pd.array([1, 2, None, None, None], dtype="Int64"),
    label=["day 1", "day 2", "before the event", "after the event", "unknown"],
    cases=[3, 1, 0, 0, 1],
    share=[0.75, 0.25, 0.0, 0.0, np.nan],
)
SUMMARY = _frame(
    stage=list(response.STAGES),
    label=list(response.STAGES.values()),
    measured=[3, 4, 4, 3],
    not_measured=[2, 1, 1, 2],
    median_hours=[10.5, 1.0, 2.5, 3.0],
    p75_hours=[11.0, 1.0, 13.5, 14.0],
    p90_hours=[11.0, 1.0, 21.0, 22.0],
)
REACTIONS = _frame(
    reaction=["apologised", "disputed", outcomes.NO_REACTION],
    label=["Apologised", "Disputed", "None recorded"],
    side=[outcomes.REPORTED_SIDE, outcomes.OTHER_SIDE, ""],
    cases=[2, 1, 4],
    share=[2 / 7, 1 / 7, 4 / 7],
)
ROUTES = _frame(
    route=["forwarded to", "reported to", outcomes.NOT_PASSED_ON],
    recipient=["Committee", "Committee", ""],
    cases=[1, 1, 3],
    share=[0.25, 0.25, 0.75],
)
HISTORY = _frame(
    person=["p-bob", "p-bob", "p-ann"],
    case_id=["case-one", "case-two", "case-nine"],
    event_id=["a", "b", "b"],
    event=["A", "B", "B"],
    made_at=pd.to_datetime(["2023-05-10", "2024-03-01", "2024-03-02"]),
    role=["reported", "reported", "reported"],
    categories=["Harassment", "Harassment", ""],
    space=["Talk", "Talk", "Online"],
    status=["closed", "new", "closed"],
    actions=["Ban", "", ""],
)
SIMILAR = _frame(
    case_id=["case-two", "case-one"],
    event_id=["a", "a"],
    event=["A", "A"],
    made_at=pd.to_datetime(["2023-05-11", "2023-05-10"]),
    status=["new", "closed"],
    score=[0.55, 0.2],
    people_score=[0.5, 0.5],
    category_score=[0.5, 0.0],
    space_score=[1.0, 0.0],
    description_score=[0.5, 0.0],
    reasons=["same person: p-bob (reported)", "same person: p-bob (reported)"],
)
YEARLY = pd.DataFrame(
    [(2023, 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1), (2024, 2, 2, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0)],
    columns=list(yearly.YEARLY_COLUMNS),
)

FIGURES = [
    (charts.reports_per_event, PER_EVENT, "1 event(s) with unknown attendance"),
    (charts.category_mix, MIX, "Cases per category"),
    (charts.category_mix, MIX_PER_YEAR, "Cases per category"),
    (charts.spaces, MIX.rename(columns={"category": "space"}), "Where incidents happened"),
    (charts.time_of_day, HOURS, "2 case(s) with a time unknown"),
    (charts.day_of_event, DAYS, "1 case(s) with an unknown day not shown"),
    (charts.response_summary, SUMMARY, "How fast the team responds"),
    (charts.reactions, REACTIONS, "4 case(s) with no reaction recorded"),
    (charts.escalations, ROUTES, "3 case(s) not passed on"),
    (charts.person_history, HISTORY, "by code name"),
    (charts.similar_cases, SIMILAR, "Similar earlier cases"),
    (charts.yearly_statistics, YEARLY, "Yearly statistics"),
]


@pytest.mark.parametrize(("draw", "frame", "title"), FIGURES)
def test_figure_title_says_what_is_left_out(draw, frame: pd.DataFrame, title: str) -> None:
    fig = draw(frame)
    assert isinstance(fig, go.Figure)
    assert title in fig.layout.title.text
    assert fig.data, "the figure has no trace"
    json.loads(pio.to_json(fig))


@pytest.mark.parametrize(("draw", "frame", "title"), FIGURES)
def test_figure_renders_through_the_report_helper(draw, frame: pd.DataFrame, title: str) -> None:
    block = present.chart(draw(frame))
    data, _ = block._repr_mimebundle_()
    assert present.PLOTLY_MIMETYPE in data
    assert "cocdata-chart" in data["text/html"]


@pytest.mark.parametrize(
    ("draw", "frame", "message"),
    [
        (charts.reports_per_event, PER_EVENT.iloc[:0], "No events match"),
        (charts.category_mix, MIX.iloc[:0], charts.NOTHING_SELECTED),
        (charts.time_of_day, HOURS.assign(cases=0), "known hour"),
        (charts.day_of_event, DAYS.assign(cases=0), "known day"),
        (charts.response_summary, SUMMARY.assign(measured=0), "No measured response"),
        (charts.reactions, REACTIONS.iloc[2:], "No reaction recorded"),
        (charts.escalations, ROUTES.iloc[2:], "No case was passed on (3 kept"),
        (charts.person_history, HISTORY.iloc[:0], "Nobody with a code name"),
        (charts.similar_cases, SIMILAR.iloc[:0], "No earlier case"),
        (charts.yearly_statistics, YEARLY.iloc[:0], charts.NOTHING_SELECTED),
        (charts.cases_per_member, pd.DataFrame(columns=["member", "cases", "open_cases"]), ""),
    ],
)
def test_empty_frames_give_a_message_not_an_error(draw, frame: pd.DataFrame, message: str) -> None:
    fig = draw(frame)
    assert fig.layout.annotations
    assert message in fig.layout.annotations[0].text


def test_reports_per_event_leaves_the_rate_of_unknown_attendance_empty() -> None:
    fig = charts.reports_per_event(PER_EVENT)
    rate = fig.data[1]
    assert rate.y[1] is None or np.isnan(rate.y[1])
    assert list(fig.data[0].y) == [2, 2, 0]
    assert list(fig.data[0].x) == ["A 2023", "B 2024", "C 2024"]


def test_reports_per_event_for_many_events_is_a_time_axis() -> None:
    n = charts.NAMED_EVENTS + 1
    many = pd.concat([PER_EVENT] * n, ignore_index=True)
    fig = charts.reports_per_event(many)
    assert isinstance(fig.data[0], go.Scatter)
    assert fig.data[0].mode == "markers"


def test_time_of_day_draws_only_known_hours() -> None:
    fig = charts.time_of_day(HOURS)
    assert len(fig.data[0].x) == 24
    assert "unknown" not in list(fig.data[0].x)


def test_breakdown_per_many_events_is_a_heatmap() -> None:
    n = charts.HEATMAP_FROM
    frame = _frame(
        event_id=[f"e-{i}" for i in range(n)],
        event=[f"Event {i}" for i in range(n)],
        category="harassment",
        label="Harassment",
        cases=1,
        share=1.0,
    )
    assert isinstance(charts.category_mix(frame).data[0], go.Heatmap)
    assert isinstance(charts.category_mix(frame.iloc[:3]).data[0], go.Bar)


def test_person_history_shows_code_names_only_and_limits_rows() -> None:
    fig = charts.person_history(HISTORY, limit=1)
    assert {y for trace in fig.data for y in trace.y} == {"p-bob"}
    assert "the 1 with most cases of 2" in fig.layout.title.text


def test_person_history_marks_the_cases_where_the_person_was_reported() -> None:
    history = HISTORY.assign(role=["reported", "reporter; target", "reported"])
    fig = charts.person_history(history)
    reported, other = fig.data
    assert (reported.name, list(reported.y)) == ("reported", ["p-bob", "p-ann"])
    assert (other.name, list(other.y)) == ("other role", ["p-bob"])
    assert list(fig.layout.yaxis.categoryarray) == ["p-ann", "p-bob"]


def test_similar_cases_bars_add_up_to_the_score() -> None:
    fig = charts.similar_cases(SIMILAR)
    totals = np.sum([np.asarray(trace.x, dtype=float) for trace in fig.data], axis=0)
    assert list(np.round(totals, 6)) == list(SIMILAR["score"].iloc[::-1])


def test_yearly_statistics_stacks_every_outcome() -> None:
    fig = charts.yearly_statistics(YEARLY)
    names = [trace.name for trace in fig.data]
    assert names == [*yearly.OUTCOME_SEVERITY, yearly.NO_OUTCOME, "reports"]

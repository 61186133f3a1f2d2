"""cocdata.analysis.response: durations of a case's life, open cases, work per member.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.analysis import response
from cocdata.tables import Frames
from tests.analysis.cases import one_row


@pytest.mark.parametrize(
    ("case_id", "to_report", "to_first_step", "to_decision", "to_closure", "source"),
    [
        ("case-one", 2.0, 1.0, 3.0, 3.0, "last_step"),
        ("case-two", math.nan, math.nan, math.nan, math.nan, "open"),
        ("case-three", 11.0, 1.0, 24.0, 25.0, "last_step"),
        # The note dated before the report is background, not the first step.
        ("case-four", math.nan, 1.0, 2.0, math.nan, "open"),
    ],
)
def test_response_times(
    frames: Frames,
    case_id: str,
    to_report: float,
    to_first_step: float,
    to_decision: float,
    to_closure: float,
    source: str,
) -> None:
    row = one_row(analysis.response_times(frames), case_id=case_id)
    assert row["incident_to_report"] == pytest.approx(to_report, nan_ok=True)
    assert row["report_to_first_step"] == pytest.approx(to_first_step, nan_ok=True)
    assert row["report_to_decision"] == pytest.approx(to_decision, nan_ok=True)
    assert row["report_to_closure"] == pytest.approx(to_closure, nan_ok=True)
    assert row["closure_source"] == source


def test_closure_is_the_saved_status_change(frames: Frames) -> None:
    row = one_row(analysis.response_times(frames), case_id="guide-example")
    second = one_row(frames.revisions, case_id="guide-example", rev=2)
    assert row["closure_source"] == "status_change"
    assert row["closed_at"] == second["saved_at"]
    assert row["incident_to_report"] == pytest.approx(10.5)
    assert row["report_to_first_step"] == pytest.approx(0.5)


def test_reopened_and_closed_again_counts_the_last_closing(frames: Frames) -> None:
    revisions = frames.revisions.copy()
    extra = revisions[revisions["case_id"] == "case-one"].iloc[[0, 0]].copy()
    extra["rev"] = [2, 3]
    extra["saved_at"] = pd.to_datetime(["2023-05-11 09:00", "2023-05-12 09:00"])
    extra["changes"] = [["status"], ["status", "timeline (+1)"]]
    changed = dataclasses.replace(frames, revisions=pd.concat([revisions, extra]))
    row = one_row(analysis.response_times(changed), case_id="case-one")
    assert row["closure_source"] == "status_change"
    assert row["closed_at"] == pd.Timestamp("2023-05-12 09:00")


def test_response_summary(frames: Frames) -> None:
    summary = analysis.response_summary(frames).set_index("stage")
    assert list(summary.index) == list(response.STAGES)
    first = summary.loc["incident_to_report"]
    assert (first["measured"], first["not_measured"]) == (3, 2)
    assert first["median_hours"] == pytest.approx(10.5)
    steps = summary.loc["report_to_first_step"]
    assert (steps["measured"], steps["median_hours"]) == (4, pytest.approx(1.0))


def test_response_summary_per_year(frames: Frames) -> None:
    summary = analysis.response_summary(frames, by="year")
    row = one_row(summary, year="2024", stage="report_to_decision")
    assert (row["measured"], row["median_hours"]) == (2, pytest.approx(13.0))


def test_open_cases(frames: Frames) -> None:
    table = analysis.open_cases(frames, as_of=dt.datetime(2024, 3, 10))
    assert list(table["case_id"]) == ["case-two", "case-four"]
    four = one_row(table, case_id="case-four")
    assert four["age_days"] == pytest.approx(8 + 10 / 24)
    assert four["last_step_at"] == pd.Timestamp("2024-03-01 16:00")
    assert pd.isna(one_row(table, case_id="case-two")["last_step_at"])


def test_open_cases_by_age(frames: Frames) -> None:
    table = analysis.open_cases_by_age(frames, as_of=dt.datetime(2024, 3, 10))
    assert len(table) == len(response.AGE_BANDS) * len(response.OPEN_STATUSES)
    assert one_row(table, age_band="1–4 weeks", status="decided")["cases"] == 1
    assert one_row(table, age_band="3–12 months", status="new")["cases"] == 1
    assert table["cases"].sum() == 2


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0.5, "under a week"),
        (7, "1–4 weeks"),
        (27.9, "1–4 weeks"),
        (91, "3–12 months"),
        (400, "over a year"),
    ],
)
def test_age_band(days: float, band: str) -> None:
    assert response.age_band(pd.Series([days])).iloc[0] == band


@pytest.mark.parametrize(
    ("member", "received", "cases", "steps", "open_cases"),
    [
        ("Member M", 2, 2, 6, 1),
        ("Member N", 1, 2, 1, 1),
        ("Member O", 0, 1, 6, 0),
        ("Response Team Member A", 1, 1, 4, 0),
        ("Response Team Member B", 0, 1, 4, 0),
    ],
)
def test_cases_per_member(
    frames: Frames, member: str, received: int, cases: int, steps: int, open_cases: int
) -> None:
    row = one_row(analysis.cases_per_member(frames), member=member)
    assert (row["received"], row["cases"], row["steps"], row["open_cases"]) == (
        received,
        cases,
        steps,
        open_cases,
    )

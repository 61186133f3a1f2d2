"""cocdata.analysis.trends: reports per event, categories, spaces, channels, receivers, times.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.tables import Frames
from cocdata.vocab import default
from tests.analysis.cases import one_row


@pytest.mark.parametrize(
    ("event_id", "reports", "rate", "note"),
    [
        ("djangocon-2000", 1, 100 / 300, ""),
        ("alpha-2023", 2, 1.0, ""),
        ("beta-2024", 2, math.nan, "attendance unknown: no rate"),
        ("gamma-2024", 0, 0.0, ""),
    ],
)
def test_reports_per_event(
    frames: Frames, event_id: str, reports: int, rate: float, note: str
) -> None:
    row = one_row(analysis.reports_per_event(frames), event_id=event_id)
    assert row["reports"] == reports
    assert row["per_100_attendees"] == pytest.approx(rate, nan_ok=True)
    assert row["note"] == note


def test_reports_per_event_is_ordered_by_start(frames: Frames) -> None:
    table = analysis.reports_per_event(frames)
    assert list(table["event_id"]) == ["djangocon-2000", "alpha-2023", "beta-2024", "gamma-2024"]


@pytest.mark.parametrize(
    ("category", "cases", "share"),
    [
        ("inappropriate-language", 2, 0.4),
        ("unwelcome-sexual-attention", 2, 0.4),
        ("harassment", 1, 0.2),
        ("other-coc", 1, 0.2),
    ],
)
def test_category_mix(frames: Frames, category: str, cases: int, share: float) -> None:
    table = analysis.category_mix(frames)
    assert len(table) == 4
    row = one_row(table, category=category)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))
    assert row["label"] == default().categories[category]
    assert not row["outside_coc"]


@pytest.mark.parametrize(
    ("per", "keys", "cases", "share"),
    [
        ("event", {"event_id": "alpha-2023", "category": "harassment"}, 1, 0.5),
        ("event", {"event_id": "beta-2024", "category": "unwelcome-sexual-attention"}, 1, 0.5),
        ("year", {"year": "2024", "category": "other-coc"}, 1, 0.5),
        ("year", {"year": "2000", "category": "inappropriate-language"}, 1, 1.0),
    ],
)
def test_category_mix_per_group(
    frames: Frames, per: str, keys: dict, cases: int, share: float
) -> None:
    row = one_row(analysis.category_mix(frames, per=per), **keys)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))


def test_category_mix_per_event_names_the_event(frames: Frames) -> None:
    table = analysis.category_mix(frames, per="event")
    assert set(table.loc[table["event_id"] == "alpha-2023", "event"]) == {"Alpha Conf 2023"}


@pytest.mark.parametrize(("space", "cases"), [("talk", 1), ("social-event", 3), ("online", 1)])
def test_spaces(frames: Frames, space: str, cases: int) -> None:
    table = analysis.spaces(frames)
    assert table["cases"].sum() == 5
    assert one_row(table, space=space)["cases"] == cases


def test_spaces_counts_a_missing_space_as_unknown(frames: Frames) -> None:
    cases = frames.cases.copy()
    cases.loc[cases["case_id"] == "case-one", "space"] = None
    table = analysis.spaces(dataclasses.replace(frames, cases=cases))
    assert one_row(table, space="unknown")["cases"] == 1


@pytest.mark.parametrize(
    ("channel", "cases", "anonymous"),
    [("verbal", 2, 0), ("email", 1, 1), ("online-form", 1, 0), ("phone", 1, 0)],
)
def test_channels(frames: Frames, channel: str, cases: int, anonymous: int) -> None:
    row = one_row(analysis.channels(frames), channel=channel)
    assert (row["cases"], row["anonymous"]) == (cases, anonymous)


def test_channels_per_year_count_anonymous_reports_in_their_year(frames: Frames) -> None:
    table = analysis.channels(frames, per="year")
    assert one_row(table, year="2023", channel="email")["anonymous"] == 1
    assert one_row(table, year="2023", channel="verbal")["anonymous"] == 0


@pytest.mark.parametrize(
    ("member", "cases"),
    [("Member M", 2), ("Member N", 1), ("Response Team Member A", 1), ("not recorded", 1)],
)
def test_receivers(frames: Frames, member: str, cases: int) -> None:
    assert one_row(analysis.receivers(frames), received_by=member)["cases"] == cases


def test_time_of_day_counts_unknown_hours_apart(frames: Frames) -> None:
    table = analysis.time_of_day(frames)
    assert len(table) == 25
    counts = dict(zip(table["label"], table["cases"], strict=True))
    # case-two has no time, case-four only a day: neither has an hour.
    assert (counts["10:00"], counts["22:00"], counts["unknown"]) == (1, 2, 2)
    assert table["cases"].sum() == 5
    assert one_row(table, label="10:00")["share"] == pytest.approx(1 / 3)
    assert pd.isna(one_row(table, label="unknown")["share"])


def test_day_of_event(frames: Frames) -> None:
    table = analysis.day_of_event(frames)
    counts = dict(zip(table["label"], table["cases"], strict=True))
    assert counts == {
        "day 1": 3,
        "day 2": 1,
        "day 3": 0,
        "day 4": 0,
        "before the event": 0,
        "after the event": 0,
        "unknown": 1,
    }


def test_day_of_event_before_and_after(frames: Frames) -> None:
    cases = frames.cases.copy()
    at = cases["case_id"] == "case-one"
    cases.loc[at, "occurred_at"] = pd.Timestamp("2023-05-09 10:00")
    cases.loc[cases["case_id"] == "case-three", "occurred_at"] = pd.Timestamp("2024-03-05 22:00")
    counts = analysis.day_of_event(dataclasses.replace(frames, cases=cases)).set_index("label")
    assert counts.loc["before the event", "cases"] == 1
    assert counts.loc["after the event", "cases"] == 1

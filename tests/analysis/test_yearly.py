"""cocdata.analysis.yearly: yearly statistics in the DSF working group's format.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.analysis import yearly
from cocdata.tables import Frames
from cocdata.vocab import default
from tests.analysis.cases import one_row


def test_every_default_action_has_a_yearly_outcome() -> None:
    assert set(yearly.ACTION_OUTCOMES) == set(default().actions)
    assert set(v for v in yearly.ACTION_OUTCOMES.values() if v) <= set(yearly.OUTCOME_SEVERITY)


@pytest.mark.parametrize(
    ("case_id", "year", "outcome", "acted_by"),
    [
        ("case-one", 2023, "warned", yearly.LOCAL),
        ("case-two", 2023, yearly.NO_OUTCOME, yearly.NONE),
        ("case-three", 2024, "banned", yearly.FOUNDATION),
        ("case-four", 2024, "not a violation", yearly.NONE),
        # Sent to the DSF for information only: the conversation stays a local action.
        ("guide-example", 2000, "warned", yearly.LOCAL),
    ],
)
def test_case_outcomes(
    frames: Frames, case_id: str, year: int, outcome: str, acted_by: str
) -> None:
    row = one_row(analysis.case_outcomes(frames), case_id=case_id)
    assert (row["year"], row["outcome"], row["acted_by"]) == (year, outcome, acted_by)


EXPECTED_YEARS = [
    # year reports named foundation local n-a-v scope warned susp banned other none pending
    (2000, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    (2023, 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1),
    (2024, 2, 2, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0),
]


@pytest.mark.parametrize("expected", EXPECTED_YEARS, ids=lambda row: str(row[0]))
def test_yearly_statistics(frames: Frames, expected: tuple[int, ...]) -> None:
    table = analysis.yearly_statistics(frames)
    assert tuple(table.columns) == yearly.YEARLY_COLUMNS
    assert list(table["year"]) == [2000, 2023, 2024]
    assert tuple(one_row(table, year=expected[0])) == expected


def test_yearly_statistics_counts_a_year_with_events_but_no_reports(frames: Frames) -> None:
    table = analysis.yearly_statistics(analysis.select(frames, events=["gamma-2024"]))
    assert table.to_dict("records") == [
        {c: (2024 if c == "year" else 0) for c in yearly.YEARLY_COLUMNS}
    ]


@pytest.mark.parametrize(
    ("kinds", "outcome"),
    [
        (["no-action", "verbal-warning"], "warned"),
        (["conversation", "removed-from-event"], "suspended"),
        (["talk-cancelled", "written-warning"], "other"),
        (["out-of-scope"], "out of scope"),
        (["referred-onward"], yearly.NO_OUTCOME),
        (["an-own-action"], "other"),
    ],
)
def test_most_severe_outcome_counts(frames: Frames, kinds: list[str], outcome: str) -> None:
    actions = pd.DataFrame(
        {"case_id": ["case-two"] * len(kinds), "pos": range(len(kinds)), "kind": kinds}
    )
    changed = dataclasses.replace(frames, actions=actions)
    assert one_row(analysis.case_outcomes(changed), case_id="case-two")["outcome"] == outcome


def test_foundation_words_decide_who_acted(frames: Frames) -> None:
    table = analysis.case_outcomes(frames, foundation_words=("nobody",))
    assert one_row(table, case_id="case-three")["acted_by"] == yearly.LOCAL


@pytest.mark.parametrize(
    ("recipient", "word", "acted_by"),
    [
        ("Fundación Ejemplo", "fundacion", yearly.FOUNDATION),
        ("the PSF  WORKING   GROUP", "Working Group", yearly.FOUNDATION),
        ("Ｂｏａｒｄ of Directors", "board", yearly.FOUNDATION),
        ("C++ Council", "c++ council", yearly.FOUNDATION),
        ("Local venue staff", "c++", yearly.LOCAL),
    ],
)
def test_foundation_words_match_folded_recipients(
    frames: Frames, recipient: str, word: str, acted_by: str
) -> None:
    cases = frames.cases.copy()
    three = cases["case_id"] == "case-three"
    for column in ("reported_to", "forwarded_to"):
        cases.loc[three, column] = pd.Series([[recipient]], index=cases.index[three])
    changed = dataclasses.replace(frames, cases=cases)
    table = analysis.case_outcomes(changed, foundation_words=(word,))
    assert one_row(table, case_id="case-three")["acted_by"] == acted_by


def test_uncoded_reported_people_count_one_each(frames: Frames) -> None:
    people = frames.people.copy()
    people.loc[people["person"] == "p-bob", "person"] = None
    table = analysis.yearly_statistics(dataclasses.replace(frames, people=people))
    assert one_row(table, year=2023)["people named"] == 2


@pytest.mark.parametrize(
    ("year", "half", "reports", "named"),
    [(2000, 1, 0, 0), (2000, 2, 1, 1), (2023, 1, 2, 1), (2023, 2, 0, 0), (2024, 1, 2, 2)],
)
def test_period_statistics_by_half_year(
    frames: Frames, year: int, half: int, reports: int, named: int
) -> None:
    table = yearly.period_statistics(frames, half=True)
    assert list(zip(table["year"], table["half"], strict=True))[:2] == [(2000, 1), (2000, 2)]
    row = one_row(table, year=year, half=half)
    assert (row["reports"], row["people named"]) == (reports, named)
    # The outcome columns of every row add up to its reports.
    assert (table[list(yearly.YEARLY_COLUMNS[5:])].sum(axis=1) == table["reports"]).all()


def test_period_statistics_by_year_is_the_yearly_table(frames: Frames) -> None:
    by_year = yearly.period_statistics(frames)
    assert (by_year["half"] == 0).all()
    assert by_year.drop(columns=["half"]).equals(analysis.yearly_statistics(frames))

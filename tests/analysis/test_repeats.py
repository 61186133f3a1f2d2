"""cocdata.analysis.repeats: people named in more than one case, by code name only.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.tables import Frames
from tests.analysis.cases import NAMES, all_text, one_row


def test_repeat_people(frames: Frames) -> None:
    table = analysis.repeat_people(frames)
    assert list(table["person"]) == ["p-bob"]
    bob = table.iloc[0]
    assert (bob["cases"], bob["events"], bob["open_cases"]) == (3, 2, 1)
    assert bob["first_report"] == pd.Timestamp("2023-05-10 12:00")
    assert bob["last_report"] == pd.Timestamp("2024-03-02 09:00")
    assert bob["categories"] == (
        "Harassment; Language inappropriate for a professional audience; Unwelcome sexual attention"
    )
    assert bob["actions"] == "Ban; Referred onward; Verbal warning"


def test_repeat_people_with_a_lower_threshold_lists_everyone_reported(frames: Frames) -> None:
    table = analysis.repeat_people(frames, min_cases=1)
    assert set(table["person"]) >= {"p-bob", "p-fay"}
    assert one_row(table, person="p-fay")["actions"] == "Not a violation"


def test_person_history(frames: Frames) -> None:
    history = analysis.person_history(frames)
    assert list(history["case_id"]) == ["case-one", "case-two", "case-three"]
    assert set(history["person"]) == {"p-bob"}
    three = one_row(history, case_id="case-three")
    assert (three["event"], three["role"], three["space"], three["status"]) == (
        "Beta Camp 2024",
        "reported",
        "Social event or party",
        "closed",
    )
    assert one_row(history, case_id="case-two")["actions"] == ""


@pytest.mark.parametrize(
    "compute",
    [
        analysis.repeat_people,
        analysis.person_history,
        lambda f: analysis.person_history(f, ["p-bob", "p-ann", "p-dee"]),
        lambda f: analysis.repeat_people(f, min_cases=1),
        analysis.people_without_code,
    ],
)
def test_repeat_outputs_never_show_names_or_contacts(frames: Frames, compute) -> None:
    table = compute(frames)
    assert not table.empty
    assert not {"name", "contact", "made_by", "description"} & set(table.columns)
    text = all_text(table)
    for name in NAMES:
        assert name not in text
        for part in name.split():
            assert part not in text.split()


def test_people_without_code_are_never_matched(frames: Frames) -> None:
    people = frames.people.copy()
    people.loc[people["person"] == "p-bob", "person"] = None
    uncoded = dataclasses.replace(frames, people=people)
    assert analysis.repeat_people(uncoded).empty
    assert analysis.person_history(uncoded).empty
    counts = analysis.people_without_code(uncoded).set_index("role")
    assert counts.loc["reported", "without_code"] == 3
    assert counts.loc["reported", "with_code"] == 2

"""cocdata.analysis.selection: narrowing the frames by event, date and category.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import pytest

from cocdata import analysis
from cocdata.errors import CocdataError, NotFound
from cocdata.tables import Frames


@pytest.mark.parametrize(
    ("filters", "cases", "events"),
    [
        ({}, {"case-one", "case-two", "case-three", "case-four", "guide-example"}, 4),
        ({"events": ["alpha-2023"]}, {"case-one", "case-two"}, 1),
        ({"events": "gamma-2024"}, set(), 1),
        ({"start": "2024-01-01"}, {"case-three", "case-four"}, 2),
        ({"end": "2023-05-11"}, {"case-one", "case-two", "guide-example"}, 2),
        ({"start": "2023-05-11", "end": "2023-05-11"}, {"case-two"}, 1),
        ({"categories": ["harassment"]}, {"case-two"}, 4),
        ({"categories": ["harassment", "other-coc"], "events": ["beta-2024"]}, {"case-four"}, 1),
    ],
)
def test_select(frames: Frames, filters: dict, cases: set[str], events: int) -> None:
    chosen = analysis.select(frames, **filters)
    assert set(chosen.cases["case_id"]) == cases
    assert len(chosen.events) == events
    for name in ("people", "timeline", "actions", "revisions"):
        assert set(getattr(chosen, name)["case_id"]) <= cases


def test_select_refuses_unknown_events_and_reversed_dates(frames: Frames) -> None:
    with pytest.raises(NotFound, match="no event 'nowhere'"):
        analysis.select(frames, events=["nowhere"])
    with pytest.raises(CocdataError, match=r"ends .* before it starts"):
        analysis.select(frames, start="2024-02-01", end="2024-01-01")
    with pytest.raises(CocdataError, match="not a date"):
        analysis.select(frames, start="last tuesday")


def test_describe_selection(frames: Frames) -> None:
    chosen = analysis.select(frames, start="2024-01-01")
    text = analysis.describe_selection(chosen, start="2024-01-01")
    assert text.startswith("2 case(s) from 2 event(s)")
    assert "from 2024-01-01 to the last report" in text


def test_load_frames_does_not_create_a_store(tmp_path) -> None:
    with pytest.raises(CocdataError, match="no store"):
        analysis.load_frames(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()

"""cocdata.analysis.similar: the earlier cases most like a given one.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.analysis import similar
from cocdata.errors import NotFound
from cocdata.tables import Frames
from tests.analysis.cases import NAMES, all_text, one_row


def test_description_index_is_tf_idf_cosine() -> None:
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d"],
            "description": ["Apple, banana!", "apple cherry (cherry)", "", None],
        }
    )
    index = similar.DescriptionIndex.build(cases)
    idf_apple = math.log(5 / 3) + 1
    idf_other = math.log(5 / 2) + 1
    cherry = (1 + math.log(2)) * idf_other
    expected = idf_apple**2 / (
        math.sqrt(idf_apple**2 + idf_other**2) * math.sqrt(idf_apple**2 + cherry**2)
    )
    scores = index.cosine("a")
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == pytest.approx(expected)
    assert list(scores[2:]) == [0.0, 0.0]
    assert list(index.cosine("c")) == [0.0] * 4


def test_description_index_drops_short_and_common_words() -> None:
    cases = pd.DataFrame({"case_id": ["a", "b"], "description": ["the of an it", "of it the"]})
    index = similar.DescriptionIndex.build(cases)
    assert list(index.cosine("a")) == [0.0, 0.0]


def test_similar_cases(frames: Frames) -> None:
    table = analysis.similar_cases(frames, "case-three")
    assert set(table["case_id"]) <= {"case-one", "case-two", "case-four", "guide-example"}
    assert table.iloc[0]["case_id"] == "case-two"
    two = table.iloc[0]
    assert (two["people_score"], two["category_score"], two["space_score"]) == (0.5, 0.5, 1.0)
    assert two["description_score"] > 0.2
    assert two["score"] == pytest.approx(
        0.4 * 0.5 + 0.2 * 0.5 + 0.1 + 0.3 * two["description_score"]
    )
    assert two["reasons"].startswith(
        "same person: p-bob (reported); same category: Unwelcome sexual attention; "
        "same space: Social event or party; similar description ("
    )
    one = one_row(table, case_id="case-one")
    assert (one["people_score"], one["category_score"], one["space_score"]) == (0.5, 0.0, 0.0)
    guide = one_row(table, case_id="guide-example")
    assert guide["space_score"] == 1.0
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    for name in NAMES:
        assert name not in all_text(table)


def test_similar_cases_only_looks_back(frames: Frames) -> None:
    assert analysis.similar_cases(frames, "guide-example").empty
    later = analysis.similar_cases(frames, "case-one")
    assert set(later["case_id"]) <= {"guide-example"}


def test_similar_cases_limit_and_unknown_case(frames: Frames) -> None:
    assert len(analysis.similar_cases(frames, "case-three", limit=1)) == 1
    with pytest.raises(NotFound, match="no case 'nope'"):
        analysis.similar_cases(frames, "nope")


def test_case_profile(frames: Frames) -> None:
    profile = analysis.case_profile(frames, "case-three").iloc[0]
    assert profile["people"] == "p-dee (reporter), p-bob (reported)"
    assert profile["space"] == "Social event or party"
    assert profile["event"] == "Beta Camp 2024"

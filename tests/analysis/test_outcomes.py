"""cocdata.analysis.outcomes: actions per category, escalations, reactions.

The hand-made store is described in ``tests/analysis/cases.py``.
"""

from __future__ import annotations

import pytest

from cocdata import analysis
from cocdata.analysis import outcomes
from cocdata.tables import Frames
from tests.analysis.cases import COMMITTEE, one_row


@pytest.mark.parametrize(
    ("category", "action", "cases", "share"),
    [
        ("inappropriate-language", "verbal-warning", 1, 0.5),
        ("inappropriate-language", "conversation", 1, 0.5),
        ("unwelcome-sexual-attention", "ban", 1, 0.5),
        ("unwelcome-sexual-attention", "referred-onward", 1, 0.5),
        ("unwelcome-sexual-attention", outcomes.NO_ACTION_YET, 1, 0.5),
        ("harassment", outcomes.NO_ACTION_YET, 1, 1.0),
        ("other-coc", "not-a-violation", 1, 1.0),
    ],
)
def test_actions_by_category(
    frames: Frames, category: str, action: str, cases: int, share: float
) -> None:
    table = analysis.actions_by_category(frames)
    assert len(table) == 7
    row = one_row(table, category=category, action=action)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))


@pytest.mark.parametrize(
    ("route", "recipient", "cases"),
    [
        ("reported to", COMMITTEE, 1),
        ("reported to", "Django Software Foundation Code of Conduct", 1),
        ("reported to", "Local venue staff", 1),
        ("forwarded to", COMMITTEE, 1),
        ("forwarded to", "Django Software Foundation Code of Conduct", 1),
        ("not passed on", "", 2),
    ],
)
def test_escalations(frames: Frames, route: str, recipient: str, cases: int) -> None:
    table = analysis.escalations(frames)
    assert len(table) == 6
    row = one_row(table, route=route, recipient=recipient)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(cases / 5))


@pytest.mark.parametrize(
    ("reaction", "side", "cases"),
    [
        ("apologised", outcomes.REPORTED_SIDE, 2),
        ("disputed", outcomes.REPORTED_SIDE, 1),
        ("disputed", outcomes.OTHER_SIDE, 1),
        ("further-problems", outcomes.REPORTED_SIDE, 1),
        (outcomes.NO_REACTION, "", 1),
    ],
)
def test_reactions(frames: Frames, reaction: str, side: str, cases: int) -> None:
    table = analysis.reactions(frames)
    assert len(table) == 5
    assert one_row(table, reaction=reaction, side=side)["cases"] == cases

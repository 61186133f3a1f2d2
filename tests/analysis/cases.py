"""The small hand-made store the analysis tests run on, with answers worked out by hand.

The fixture (synthetic people only):

=========  ===========  ===================  =========================================
case       event        report received      notes
=========  ===========  ===================  =========================================
case-one   alpha-2023   2023-05-10 12:00     verbal; talk; incident 10:00; closed as entered
case-two   alpha-2023   2023-05-11 23:00     anonymous e-mail; time unknown; no action yet
case-three beta-2024    2024-03-02 09:00     party, hour known; ban + referred to a committee
case-four  beta-2024    2024-03-01 14:00     day known only; decided, not a violation
guide      djangocon    2000-12-29 09:00     the guide's example, saved new then closed
=========  ===========  ===================  =========================================

beta-2024 has unknown attendance; gamma-2024 has no report at all. The
reported person ``p-bob`` is named in case-one, case-two and case-three.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cocdata import analysis
from cocdata.model import Case
from cocdata.tables import Frames

ALPHA = {
    "id": "alpha-2023",
    "name": "Alpha Conf 2023",
    "start": "2023-05-10",
    "end": "2023-05-12",
    "attendees": 200,
}
BETA = {"id": "beta-2024", "name": "Beta Camp 2024", "start": "2024-03-01", "end": "2024-03-02"}
GAMMA = {
    "id": "gamma-2024",
    "name": "Gamma Day 2024",
    "start": "2024-09-01",
    "end": "2024-09-01",
    "attendees": 100,
}
COMMITTEE = "Example Foundation CoC Committee"
NAMES = (
    "Ann Quillfeather",
    "Bob Zandervolt",
    "Cy Marrowby",
    "Dee Pellinore",
    "Eve Trammelworth",
    "Fay Ostrowick",
)


def _case(case_id: str, event: dict, **fields: Any) -> Case:
    data = {"case_id": case_id, "event": event, **fields}
    return Case.model_validate(data)


CASE_ONE = _case(
    "case-one",
    ALPHA,
    report={
        "channel": "verbal",
        "made_by": "Ann Quillfeather",
        "made_at": "2023-05-10T12:00",
        "received_by": ["Member M"],
    },
    occurred={"at": "2023-05-10T10:00", "precision": "minute", "space": "talk"},
    people=[
        {"name": "Ann Quillfeather", "role": "reporter", "person": "p-ann"},
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
    ],
    description="Bob made sexist jokes during the keynote talk about databases.",
    categories=["inappropriate-language"],
    status="closed",
    timeline=[
        {
            "at": "2023-05-10T13:00",
            "by": ["Member M", "Member N"],
            "kind": "meeting",
            "with": ["Bob Zandervolt"],
            "reaction": "apologised",
        },
        {"at": "2023-05-10T15:00", "by": ["Member M"], "kind": "decision"},
    ],
    actions=[{"kind": "verbal-warning", "at": "2023-05-10T15:00", "by": ["Member M"]}],
)
CASE_TWO = _case(
    "case-two",
    ALPHA,
    report={"channel": "email", "made_at": "2023-05-11T23:00", "received_by": ["Member N"]},
    occurred={"precision": "unknown", "space": "social-event"},
    people=[
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
        {"name": "Cy Marrowby", "role": "target", "person": "p-cy"},
    ],
    description="At the party Bob kept following Cy and touching her arm.",
    categories=["unwelcome-sexual-attention", "harassment"],
    status="new",
)
CASE_THREE = _case(
    "case-three",
    BETA,
    report={"channel": "online-form", "made_by": "Dee Pellinore", "made_at": "2024-03-02T09:00"},
    occurred={"at": "2024-03-01T22:00", "precision": "hour", "space": "social-event"},
    people=[
        {"name": "Dee Pellinore", "role": "reporter", "person": "p-dee"},
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
    ],
    description="At the party Bob kept following Dee and made remarks about her body.",
    categories=["unwelcome-sexual-attention"],
    status="closed",
    timeline=[
        {
            "at": "2024-03-02T10:00",
            "by": ["Member O"],
            "kind": "email-sent",
            "with": ["Dee Pellinore"],
        },
        {
            "at": "2024-03-02T11:00",
            "by": ["Member O"],
            "kind": "reaction",
            "with": ["bob zandervolt "],
            "reaction": "disputed",
        },
        {
            "at": "2024-03-02T12:00",
            "by": ["Member O"],
            "kind": "problem",
            "with": ["Bob Zandervolt"],
        },
        {"at": "2024-03-03T09:00", "by": ["Member O"], "kind": "decision"},
    ],
    actions=[
        {"kind": "ban", "at": "2024-03-03T09:00", "by": ["Member O"]},
        {"kind": "referred-onward", "at": "2024-03-03T10:00", "by": ["Member O"]},
    ],
    decisions={"reported_to": [COMMITTEE]},
    forwarded_to=[COMMITTEE],
)
CASE_FOUR = _case(
    "case-four",
    BETA,
    report={
        "channel": "phone",
        "made_by": "Eve Trammelworth",
        "made_at": "2024-03-01T14:00",
        "received_by": ["Member M"],
    },
    occurred={"at": "2024-03-01", "precision": "day", "space": "online"},
    people=[
        {"name": "Eve Trammelworth", "role": "reporter", "person": "p-eve"},
        {"name": "Fay Ostrowick", "role": "reported", "person": "p-fay"},
    ],
    description="A heated argument in the chat about tabs and spaces.",
    categories=["other-coc"],
    status="decided",
    timeline=[
        {"at": "2024-02-28T10:00", "by": ["Member M"], "kind": "note"},
        {
            "at": "2024-03-01T15:00",
            "by": ["Member M"],
            "kind": "reaction",
            "with": ["Eve Trammelworth"],
            "reaction": "disputed",
        },
    ],
    actions=[{"kind": "not-a-violation", "at": "2024-03-01T16:00", "by": ["Member M"]}],
    decisions={"reported_to": ["Local venue staff"]},
)


def one_row(frame: pd.DataFrame, **keys: Any) -> pd.Series:
    """The one row of ``frame`` whose columns hold ``keys``; fails when there are none or several."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in keys.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {keys}, found {mask.sum()}"
    return frame[mask].iloc[0]


def no_cases(frames: Frames) -> Frames:
    """A selection that no case of the store falls into."""
    return analysis.select(frames, categories=["theft"])


def all_text(frame: pd.DataFrame) -> str:
    """Everything a table shows, column names included, as one text to search."""
    return " ".join(map(str, frame.columns)) + " " + frame.astype("str").to_string()

"""Provenance notes: the timeline entry a received package leaves on its case.

Each note says in words where the case came from (sending organisation,
event, their case code and revision, who forwarded it, the package's
SHA-256) and, on a line after ``MARK``, the same facts as JSON: that line is
how a later package of the same case is recognised.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from cocdata.handoff.package import Content
from cocdata.model import Case, TimelineEntry
from cocdata.names import fold_name

MARK = "cocdata-received: "
"""Start of the line of a provenance note that holds its facts as JSON."""


@dataclass(frozen=True)
class Mark:
    """The facts of one provenance note: which package of which sender's case, applied or not."""

    sender: str
    case: str
    rev: int
    sha256: str
    as_rev: int
    applied: bool

    def to_json(self) -> str:
        return json.dumps(
            {
                "from": self.sender,
                "case": self.case,
                "rev": self.rev,
                "sha256": self.sha256,
                "as_rev": self.as_rev,
                "applied": self.applied,
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def parse_mark(text: str | None) -> Mark | None:
    """The facts of a provenance note, or None for any other timeline text."""
    if not text or MARK not in text:
        return None
    line = text[text.rindex(MARK) + len(MARK) :].splitlines()[0]
    try:
        d = json.loads(line)
        return Mark(
            str(d["from"]), str(d["case"]), int(d["rev"]), str(d["sha256"]),
            int(d["as_rev"]), bool(d["applied"]),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def received_marks(tl: pd.DataFrame) -> dict[tuple[str, str], tuple[str, int, int]]:
    """Sender's case -> (case here, newest revision received, revision here it was applied as)."""
    marks: dict[tuple[str, str], tuple[str, int, int]] = {}
    if len(tl):
        hits = tl[tl["text"].str.contains(MARK, regex=False, na=False)]
        for cid, text in zip(hits["case_id"], hits["text"], strict=True):
            mark = parse_mark(text)
            if mark is None:
                continue
            key = (fold_name(mark.sender), mark.case)
            _case, newest, as_rev = marks.get(key, (cid, 0, 0))
            marks[key] = (cid, max(newest, mark.rev), mark.as_rev if mark.applied else as_rev)
    return marks


def provenance_entry(
    content: Content, sha: str, member: str, now: dt.datetime, mark: Mark, note: str = ""
) -> TimelineEntry:
    s = content.sender
    left_out = ", ".join(content.left_out) or "nothing"
    text = (
        f"Received from {s.organisation} ({s.event_name}): their case {s.case_id}, revision "
        f"{s.rev}, forwarded by {s.forwarded_by} on {s.forwarded_at:%Y-%m-%d %H:%M}. "
        f"Left out by the sender: {left_out}. Actions and the finding before this entry were "
        f"decided by {content.decided_by}. Package SHA-256 {sha}.{note}\n{MARK}{mark.to_json()}"
    )
    return TimelineEntry(at=now, by=[member], kind="note", with_=[s.organisation], text=text)


def without_marks(case: Case) -> Case:
    return case.model_copy(
        update={"timeline": [t for t in case.timeline if parse_mark(t.text) is None]}
    )

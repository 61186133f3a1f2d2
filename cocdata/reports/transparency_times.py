"""How fast the team answered: median time from report to first response and to decision.

The durations are those of :func:`cocdata.analysis.response.response_times`
(the first response is the first timeline step or action at or after the
report; the decision the first decision step or action). Each median is
published with the number of cases it is based on; that count goes through
the same small-count suppression as every figure of the page, and a median
over a count shown only as "fewer than k" is not shown either (a median of
one or two cases would be their very response time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cocdata.reports.disclosure import WITHHELD, Group, Shown, show
from cocdata.reports.present import Block, heading, table, text
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.reports.transparency import PublicView
    from cocdata.reports.transparency_counts import PageCells
    from cocdata.tables import Frames

STAGES = ("report_to_first_step", "report_to_decision")
"""The durations a report shows, as named in :data:`cocdata.analysis.response.STAGES`."""

PREFIX = "rt:"


@dataclass(frozen=True)
class Measured:
    """One duration's exact median (hours) and how many cases it is measured on."""

    stage: str
    cases: int
    median_hours: float | None


def measure(records: Frames) -> list[Measured]:
    """The medians of :data:`STAGES` over one event's cases."""
    import dataclasses

    from cocdata.analysis.response import response_times

    if records.cases.empty:
        return [Measured(stage, 0, None) for stage in STAGES]
    # A public report never reads when an incident happened: the durations it shows
    # start at the report.
    cases = records.cases.assign(occurred_at=pd.NaT, occurred_precision="unknown")
    times = response_times(dataclasses.replace(records, cases=cases))
    out = []
    for stage in STAGES:
        values = times[stage].dropna()
        out.append(Measured(stage, len(values), float(values.median()) if len(values) else None))
    return out


def cells(measured: list[Measured], total: int, k: int) -> PageCells:
    """The counts the medians are based on, as figures of the page.

    Each count and the cases it leaves out break the total down: the latter
    is never shown, but a reader can take it as the total minus the count,
    so neither may give a small count away.
    """
    from cocdata.reports.transparency_counts import PageCells

    page = PageCells()
    page.counts["total"] = total
    for m in measured:
        key, rest = f"{PREFIX}{m.stage}", f"{PREFIX}{m.stage}:not"
        page.counts.update({key: m.cases, rest: total - m.cases})
        page.shown.update({key: show(m.cases, k), rest: Shown(WITHHELD, 0, "withheld")})
        page.groups.append(Group("total", (key, rest)))
    return page


def duration(hours: float) -> str:
    """A median as people say it: 'under an hour', '5 hours', '3.5 days'."""
    if hours < 1:
        return say("duration", "under_hour")
    if hours < 48:
        return say("duration", "hours", math.floor(hours + 0.5))
    return say("duration", "days", f"{hours / 24:.1f}")


@dataclass(frozen=True)
class Median:
    """A published median: its words and the published count it is based on."""

    stage: str
    cases: Shown
    text: str


def published(measured: list[Measured], shown: dict[str, Shown]) -> list[Median]:
    """Each median as published: shown only where its count is shown exactly."""
    out = []
    for m in measured:
        count = shown[f"{PREFIX}{m.stage}"]
        if m.median_hours is None:
            words = say("duration", "none")
        elif count.kind in ("exact", "at least"):
            words = duration(m.median_hours)
        else:
            words = say("duration", "withheld")
        out.append(Median(m.stage, count, words))
    return out


def response(view: PublicView) -> list[Block]:
    """The median times to a first response and to a decision, with their counts."""
    blocks = [heading(say("heading", "response"), 2)]
    if view.counts.total == 0:
        return [*blocks, text(say("nothing", "reports"))]
    medians = view.response
    frame = pd.DataFrame(
        {
            say("column", "stage"): [say("stage", m.stage) for m in medians],
            say("column", "median"): [m.text for m in medians],
            say("column", "based_on"): [m.cases.text for m in medians],
        }
    )
    return [*blocks, table(frame), text(say("response_note"))]

"""The incidents layout: one numbered entry per described case, as CNCF and rOpenSci publish.

Each entry has the case's number ``YYYY-N`` (stable from one rendering to the
next: :func:`cocdata.reports.transparency_counts.incident_numbers`), the kind
of space it happened in, the finding as the team's public summary says it,
and the actions taken. Which cases have an entry is the same rule as the
summary layout's lines (marked for publication, decided or closed, every
count it falls under shown exactly); entries follow their numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cocdata.reports.present import Block, field_list, heading, text
from cocdata.reports.transparency_counts import NO_ACTION_RECORDED_LABEL
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.reports.transparency import PublicView


def _number_key(number: str) -> tuple[int, int]:
    year, _, n = number.partition("-")
    return (int(year), int(n)) if year.isdigit() and n.isdigit() else (0, 0)


def incidents(view: PublicView) -> list[Block]:
    """One entry per described case: its number, kind of space, finding and action."""
    blocks = [heading(say("heading", "incidents"), 2)]
    if view.preliminary:
        return [*blocks, text(say("nothing", "preliminary"))]
    if not view.lines:
        return [*blocks, text(say("nothing", "described"))]
    for line in sorted(view.lines, key=lambda item: _number_key(item.number)):
        facts = {
            say("incident", "space"): line.space or say("not_known"),
            say("incident", "finding"): line.summary,
            say("incident", "action"): "; ".join(line.actions) or NO_ACTION_RECORDED_LABEL,
        }
        blocks += [heading(say("incident_title", line.number), 3), field_list(facts)]
    blocks.append(text(say("not_described")))
    return blocks

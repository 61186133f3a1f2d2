"""Earlier editions of an event's series: their counts beside this edition's, oldest first.

An event with a ``series`` shows the same counts for up to
:data:`MAX_EDITIONS` previous editions of the series (the events of the same
series that started before it), as a table and a chart, with reports per 100
attendees where the attendance is known. Each edition's figures go through
the same small-count suppression as the page's own
(:func:`cocdata.reports.transparency_counts.edition_cells`), all checked
together with the rest of the page; a rate is worked out from the published
count only (an exact count gives an exact rate, "fewer than k" a rate
"fewer than" the rate of k), so it never tells more than the count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cocdata.events import MAX_EDITIONS, previous_editions  # noqa: F401 (where tests find them)
from cocdata.reports.disclosure import Shown
from cocdata.reports.present import Block, heading, table, text
from cocdata.reports.transparency_charts import column_chart
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.model import Event
    from cocdata.reports.transparency import PublicView
    from cocdata.reports.transparency_counts import Published
    from cocdata.store import Store


def fingerprint(store: Store, event_id: str) -> str:
    """The store's fingerprint of an event and of every edition its report shows."""
    event = store.event(event_id)
    ids = [event_id, *(e.id for e in previous_editions(store.events(), event))]
    parts = [store.fingerprint(e) for e in ids]
    if len(parts) == 1:
        return parts[0]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Edition:
    """One edition of a series as a report shows it."""

    event: Event
    shown: Published
    current: bool = False


def rate(count: Shown, attendees: int | None) -> str:
    """Reports per 100 attendees, from the published count only."""
    if not attendees or count.kind == "withheld":
        return say("not_known") if not attendees else count.text
    value = f"{100 * count.height / attendees:.1f}"
    if count.kind == "exact":
        return value
    if count.kind == "fewer":
        return say("fewer_rate", value)
    return say("at_least_rate", value)


def history(view: PublicView) -> list[Block]:
    """The counts of this edition and the previous ones of its series, as a table and chart."""
    if not view.history:
        return []
    editions = [*view.history, Edition(view.event, view.shown, current=True)]
    blocks = [heading(say("heading", "history"), 2), text(say("history_intro", len(view.history)))]
    rows = {
        say("column", "edition"): [_name(e) for e in editions],
        say("column", "attendees"): [
            f"{e.event.attendees:,}" if e.event.attendees else say("not_known") for e in editions
        ],
    }
    for key in ("total", "within", "outside", "decided"):
        rows[say("fact", key)] = [getattr(e.shown, key).text for e in editions]
    rows[say("column", "rate")] = [rate(e.shown.total, e.event.attendees) for e in editions]
    blocks.append(table(pd.DataFrame(rows)))
    blocks.append(
        column_chart(
            [(_name(e), e.shown.total) for e in editions],
            say("chart_title", "history"),
            say("column", "reports"),
        )
    )
    return blocks


def _name(edition: Edition) -> str:
    name = f"{edition.event.name} ({edition.event.start.year})"
    if str(edition.event.start.year) in edition.event.name:
        name = edition.event.name
    return say("this_edition", name) if edition.current else name

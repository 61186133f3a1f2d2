"""The public transparency report of one event: the view a template renders, and its sections.

The template ``report_notebooks/transparency.ipynb`` takes a store, an event
id, the small-count threshold, the edition (``final`` or ``preliminary``)
and the layout (``summary`` or ``incidents``), calls :func:`load`, and shows
the sections of :func:`sections` one by one.

The report is made of modules of one concern each:

- :mod:`~cocdata.reports.transparency_records`: what it may read of the store
  (:data:`PUBLIC_COLUMNS`), nothing else;
- :mod:`~cocdata.reports.transparency_counts`: the counting rules, the exact
  counts (:class:`Tally`) and the published ones (:class:`Published`);
- :mod:`~cocdata.reports.transparency_sections`: the sections on the event's
  own cases; :mod:`~cocdata.reports.transparency_history` the earlier
  editions of its series; :mod:`~cocdata.reports.transparency_times` the
  response times; :mod:`~cocdata.reports.transparency_team` the team and the
  process; :mod:`~cocdata.reports.transparency_incidents` the incidents
  layout; :mod:`~cocdata.reports.transparency_charts` the charts.

Every figure of a page (the event's counts, those of earlier editions and
the counts response times are based on) goes through small-count
suppression together (:func:`publish_page`).

A **preliminary** report (the one read at the closing session) counts the
cases so far, open ones included, and describes none; the **final** one
(the default) describes the cases marked for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata.errors import NotFound, UsageError
from cocdata.reports.disclosure import (
    DEFAULT_MIN_COUNT,
    WITHHELD,
    Shown,
    check_min_count,
    protect_page,
)
from cocdata.reports.present import Block
from cocdata.reports.transparency_charts import BAR_COLOUR, bar_chart, warm_up  # noqa: F401
from cocdata.reports.transparency_counts import (  # noqa: F401 (public names of the report)
    DECIDED,
    NO_ACTION_RECORDED,
    NO_ACTION_RECORDED_LABEL,
    UNCATEGORISED,
    UNCATEGORISED_LABEL,
    CaseLine,
    Published,
    Tally,
    case_lines,
    edition_cells,
    publish,
    published_of,
    tally,
)
from cocdata.reports.transparency_history import Edition, history, previous_editions
from cocdata.reports.transparency_incidents import incidents
from cocdata.reports.transparency_records import PUBLIC_COLUMNS, public_records  # noqa: F401
from cocdata.reports.transparency_sections import (  # noqa: F401
    actions,
    behaviour,
    day,
    described,
    header,
    months,
    numbers,
    outside,
    period,
    rules,
)
from cocdata.reports.transparency_team import team
from cocdata.reports.transparency_times import Measured, Median, measure, response
from cocdata.reports.transparency_times import cells as response_cells
from cocdata.reports.transparency_times import published as published_medians
from cocdata.settings import ReportSettings, check_layout

if TYPE_CHECKING:
    import pandas as pd

    from cocdata.model import Event
    from cocdata.store import Store
    from cocdata.tables import Frames
    from cocdata.vocab import Vocabularies

FINAL = "final"
PRELIMINARY = "preliminary"
EDITIONS = (FINAL, PRELIMINARY)
"""A report is the final one (the default) or the preliminary one of the closing session."""


@dataclass(frozen=True)
class PublicView:
    """Everything one transparency report shows, loaded once from public columns."""

    event: Event
    records: Frames
    vocab: Vocabularies
    counts: Tally
    shown: Published
    lines: Sequence[CaseLine]
    published_on: dt.date
    edition: str = FINAL
    layout: str = "summary"
    history: Sequence[Edition] = ()
    response: Sequence[Median] = ()
    settings: ReportSettings = dataclasses.field(default_factory=ReportSettings)

    @property
    def min_count(self) -> int:
        return self.shown.min_count

    @property
    def preliminary(self) -> bool:
        return self.edition == PRELIMINARY


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise UsageError(
            f"{edition!r} is not an edition of a transparency report.",
            f"Use one of: {', '.join(EDITIONS)}.",
        )
    return edition


def load(
    store: str | Path | None,
    event_id: str,
    min_count: int = DEFAULT_MIN_COUNT,
    edition: str = FINAL,
    layout: str | None = None,
) -> PublicView:
    """Read one event's public records, and its series' earlier editions', and count them.

    ``layout`` None takes the one set for the event in ``cocdata.toml`` (else ``summary``).
    """
    from cocdata.reports.transparency_team import settings_of
    from cocdata.store import Store

    k = check_min_count(min_count)
    opened = Store.open(store, create=False)
    event = opened.event(event_id)
    earlier = previous_editions(opened.events(), event)
    records = public_records(opened, [event_id, *(e.id for e in earlier)])
    settings = settings_of(opened, event)
    return view_of(event, records, opened.vocab, k, edition, layout, earlier, settings)


def _only(records: Frames, event_id: str) -> Frames:
    """The records of one event (the cases of other events left out)."""
    mine = (records.cases["event_id"] == event_id).to_numpy()
    if mine.all():
        return records
    keep = set(records.cases.loc[mine, "case_id"])

    def of(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["case_id"].isin(keep)].reset_index(drop=True) if len(frame) else frame

    return dataclasses.replace(
        records,
        cases=records.cases[mine].reset_index(drop=True),
        actions=of(records.actions),
        timeline=of(records.timeline),
    )


def view_of(
    event: Event,
    records: Frames,
    vocab: Vocabularies,
    k: int,
    edition: str = FINAL,
    layout: str | None = None,
    earlier: Sequence[Event] = (),
    settings: ReportSettings | None = None,
) -> PublicView:
    """The view of one event's public records, with those of ``earlier`` editions beside it."""
    settings = settings or ReportSettings()
    edition = check_edition(edition)
    layout = check_layout(layout or settings.layout)
    mine = _only(records, event.id)
    counts = tally(mine, vocab)
    past = [(e, tally(_only(records, e.id), vocab)) for e in earlier]
    measured = measure(mine)
    shown, shown_past, medians = publish_page(counts, past, measured, k)
    lines = [] if edition == PRELIMINARY else case_lines(mine, vocab, shown, event.start.year)
    return PublicView(
        event=event,
        records=mine,
        vocab=vocab,
        counts=counts,
        shown=shown,
        lines=lines,
        published_on=dt.date.today(),
        edition=edition,
        layout=layout,
        history=[Edition(e, s) for (e, _), s in zip(past, shown_past, strict=True)],
        response=medians,
        settings=settings,
    )


def publish_page(
    counts: Tally, past: Sequence[tuple[Event, Tally]], measured: list[Measured], k: int
) -> tuple[Published, list[Published], list[Median]]:
    """Every figure of one page through small-count suppression together: the event's counts,
    each earlier edition's, and the counts its response times are based on.

    The editions' counts are protected first, so each shows as in its own report (and in
    the index); the response times' counts are then protected with those fixed, and
    withheld whole if they could only be kept by coarsening an edition's count.
    """
    k = check_min_count(k)
    page = edition_cells(counts, k)
    prefixes = [f"e{i}:" for i in range(len(past))]
    for (_, edition_counts), prefix in zip(past, prefixes, strict=True):
        page.add(edition_cells(edition_counts, k, prefix))
    fixed = protect_page(page.counts, page.shown, page.groups, k, keep=page.keep)
    times = response_cells(measured, counts.total, k)
    page.add(times)
    shown = protect_page(page.counts, {**fixed, **times.shown}, page.groups, k, keep=list(fixed))
    if any(shown[key] != fixed[key] for key in fixed):
        withheld = Shown(WITHHELD, 0, "withheld")
        shown = {**fixed, **dict.fromkeys(times.shown, withheld)}
    return (
        published_of(counts, shown, k),
        [published_of(c, shown, k, p) for (_, c), p in zip(past, prefixes, strict=True)],
        published_medians(measured, shown),
    )


# -- the layouts -------------------------------------------------------------

Section = Callable[[PublicView], list[Block]]

LAYOUT_SECTIONS: dict[str, tuple[Section, ...]] = {
    "summary": (behaviour, outside, actions, response, history, team, described),
    "incidents": (incidents, response, history, team),
}
"""The sections each layout (:data:`cocdata.settings.LAYOUTS`) shows between the numbers
and the counting rules."""


def sections(view: PublicView) -> list[list[Block]]:
    """The sections of ``view``'s layout, each as its blocks (empty sections left out)."""
    out = [section(view) for section in LAYOUT_SECTIONS[view.layout]]
    return [blocks for blocks in out if blocks]


def body(view: PublicView) -> list[Block]:
    """Every block of the sections of ``view``'s layout, in order."""
    return [block for blocks in sections(view) for block in blocks]


# -- rendering -----------------------------------------------------------------


def event_ids_of(store: Store) -> list[str]:
    """Every event of the store, oldest first."""
    events = store.events()
    return sorted(events, key=lambda e: (events[e].start, e))


def check_event_ids(store: Store, event_ids: Sequence[str]) -> list[str]:
    """The ids, in order and once each; refuses unknown ones before any kernel starts."""
    known = store.events()
    missing = [e for e in event_ids if e not in known]
    if missing:
        sample = ", ".join(event_ids_of(store)[:8]) or "none yet"
        raise NotFound(
            f"There is no event {', '.join(map(repr, missing))} in the store at {store.root}.",
            f"Events in the store: {sample}. Or render every event with --all.",
        )
    return list(dict.fromkeys(event_ids))


def check_preliminary(store: Store, event_ids: Sequence[str]) -> None:
    """Refuse a preliminary report of an event whose cases are all closed: its final is due."""
    records = public_records(store, event_ids)
    cases = records.cases
    done = [
        e
        for e in event_ids
        if (mine := cases[cases["event_id"] == e]).shape[0] and (mine["status"] == "closed").all()
    ]
    if done:
        raise UsageError(
            f"Every case of {', '.join(map(repr, done))} is closed: a preliminary report "
            "is for an event whose cases are still being handled.",
            "Render the final report instead: leave out --preliminary. Nothing was written.",
        )

"""The index of transparency reports: every event with the counts its own page shows.

``index.html`` and ``index.md`` in the output folder list each event, its
dates and its published counts (the same cells as its page, so the index
gives nothing away the pages do not), a total per column (only "at least"
once a column holds a hidden count), and link each report that exists.
The pages are rendered from the templates of :mod:`cocdata.reports.wording`
and checked by the leak guard before they are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cocdata.reports.disclosure import Shown

if TYPE_CHECKING:
    from cocdata.reports.leaks import LeakGuard
    from cocdata.reports.transparency import PublicView
    from cocdata.store import Store
    from cocdata.tables import Frames

INDEX = "index"
"""The index is ``<out>/index.html`` and ``index.md``."""


@dataclass
class IndexRow:
    """One event in the index, with its published counts."""

    event_id: str
    name: str
    dates: str
    counts: dict[str, Shown]
    links: dict[str, str]
    earlier: bool = False
    """The linked report is an earlier one: this run's could not be written."""


INDEX_COLUMNS = ("total", "within", "outside", "open", "described")
"""The counts of each event in the index, in order (their headings are in the templates)."""


def index_rows(
    store: Store, records: Frames, k: int, entries: dict[str, Any], out: Path
) -> list[IndexRow]:
    """Every event of the store with the counts its own report shows, oldest first."""
    from cocdata.reports.disclosure import show
    from cocdata.reports.transparency import event_ids_of, period, view_of

    events = store.events()
    rows = []
    for event_id in event_ids_of(store):
        event = events[event_id]
        files = (entries.get(event_id) or {}).get("files", [])
        links = {Path(f).suffix.lstrip("."): f for f in files if (out / f).is_file()}
        try:
            view: PublicView = view_of(event, records, store.vocab, k)
        except Exception:
            # Whatever broke this event's report must not take the index of the
            # others with it; the event's own failure is reported on its own.
            counts = dict.fromkeys(INDEX_COLUMNS, Shown("not available", 0, "withheld"))
        else:
            s = view.shown
            counts = {
                "total": s.total,
                "within": s.within,
                "outside": s.outside,
                "open": s.open,
                "described": show(len(view.lines), k),
            }
        rows.append(
            IndexRow(
                event_id=event_id,
                name=event.name,
                dates=period(event.start, event.end),
                counts=counts,
                links=links,
            )
        )
    return rows


def column_total(cells: Sequence[Shown]) -> str:
    """A column's total across events: exact only when every cell is exact, else a lower bound
    (an exact total would give back the sum of the suppressed cells)."""
    if all(c.exact for c in cells):
        return str(sum(c.height for c in cells))
    floor = sum(c.height if c.kind in ("exact", "at least") else 1 for c in cells)
    return f"at least {floor}"


def _link(row: IndexRow, prefer: Sequence[str]) -> str | None:
    for fmt in prefer:
        if fmt in row.links:
            return row.links[fmt]
    return None


def index_texts(rows: list[IndexRow], k: int, generated: dt.date) -> dict[str, str]:
    """The index page as HTML and as Markdown, from the templates of :mod:`cocdata.reports.wording`."""
    from cocdata.reports.export import TEMPLATES
    from cocdata.reports.transparency import day
    from cocdata.reports.wording import render_index, say

    css = (TEMPLATES / "cocdata" / "static" / "report.css").read_text(encoding="utf-8")
    context: dict[str, Any] = {
        "intro": say("index_intro", k),
        "head": [say("index_column", key) for key in ("event", "dates", *INDEX_COLUMNS)],
        "totals": [column_total([r.counts[key] for r in rows]) for key in INDEX_COLUMNS],
        "published": day(generated),
        "css": css,
    }
    out = {}
    for fmt, prefer in (("html", ("html", "pdf", "md")), ("md", ("md", "html", "pdf"))):
        link_rows = [
            {
                "name": r.name,
                "dates": r.dates,
                "link": quote(link) if (link := _link(r, prefer)) else None,
                "earlier": r.earlier,
                "counts": [r.counts[key].text for key in INDEX_COLUMNS],
            }
            for r in rows
        ]
        out[fmt] = render_index(fmt, rows=link_rows, **context)
    return out


def write_index(
    store: Store,
    out: Path,
    entries: dict[str, Any],
    records: Frames,
    k: int,
    guard: LeakGuard,
    not_updated: Collection[str] = (),
) -> list[Path]:
    """Check and write ``index.html`` and ``index.md``; raises :class:`LeakFound` instead.

    Events in ``not_updated`` link the report written before, marked as such.
    """
    rows = index_rows(store, records, k, entries, out)
    for row in rows:
        row.earlier = row.event_id in not_updated and bool(row.links)
    texts = index_texts(rows, k, dt.date.today())
    from cocdata.reports.publish import write_text

    guard.check("", "The index of transparency reports", texts)
    written = []
    for fmt, text in texts.items():
        path = out / f"{INDEX}.{fmt}"
        write_text(path, text)
        written.append(path)
    return written

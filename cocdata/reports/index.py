"""The index of transparency reports: every event with the counts its own page shows,
which edition of its report is out, and the organisation's yearly reports.

``index.html`` and ``index.md`` in the output folder list each event, its
dates, its edition (final or preliminary, and the layout) and its
published counts (the same cells as its page, so the index gives nothing
away the pages do not), a total per column (only "at least" once a column
holds a hidden count), and link each report that exists; then every yearly
report written. The pages are rendered from the templates of
:mod:`cocdata.reports.wording` and checked by the leak guard before they
are written.

An event's counts are kept in the manifest with its key
(:mod:`cocdata.reports.manifest`), so an unchanged event is not counted
again; the index pages themselves are written again only when what they
show (or the guard that checks them) changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cocdata.reports.disclosure import Shown

if TYPE_CHECKING:
    from cocdata.model import Event
    from cocdata.reports.leaks import LeakGuard
    from cocdata.reports.outcome import PublishOutcome
    from cocdata.reports.publish import Batch
    from cocdata.store import Store
    from cocdata.tables import Frames
    from cocdata.vocab import Vocabularies

INDEX = "index"
"""The index is ``<out>/index.html`` and ``index.md``."""

FINAL = "final"
SUMMARY = "summary"
"""The edition and layout of an event's report when its manifest entry names none."""


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
    edition: str = FINAL
    layout: str = SUMMARY


INDEX_COLUMNS = ("total", "within", "outside", "open", "described")
"""The counts of each event in the index, in order (their headings are in the templates)."""
NOT_AVAILABLE = Shown("not available", 0, "withheld")
NOT_PUBLISHED = Shown("–", 0, "withheld")
"""The counts of an event none of whose pages is out: the index shows none of them, and
leaves them out of its totals."""


def event_counts(event: Event, records: Frames, vocab: Vocabularies, k: int) -> dict[str, Shown]:
    """The counts of one event as its own report shows them."""
    from cocdata.reports.disclosure import show
    from cocdata.reports.transparency import view_of

    try:
        view = view_of(event, records, vocab, k)
    except Exception:
        # Whatever broke this event's report must not take the index of the
        # others with it; the event's own failure is reported on its own.
        return dict.fromkeys(INDEX_COLUMNS, NOT_AVAILABLE)
    s = view.shown
    return {
        "total": s.total,
        "within": s.within,
        "outside": s.outside,
        "open": s.open,
        "described": show(len(view.lines), k),
    }


def counts_to_json(counts: Mapping[str, Shown]) -> dict[str, list[Any]]:
    return {key: [s.text, s.height, s.kind] for key, s in counts.items()}


def counts_from_json(data: Any) -> dict[str, Shown] | None:
    """Counts kept in a manifest entry, or None if they are not all there."""
    if not isinstance(data, dict) or set(data) != set(INDEX_COLUMNS):
        return None
    try:
        return {key: Shown(str(t), int(h), k) for key, (t, h, k) in data.items()}
    except (TypeError, ValueError):
        return None


def index_rows(
    store: Store,
    entries: dict[str, Any],
    out: Path,
    counts: Callable[[str], dict[str, Shown]],
    not_updated: Collection[str] = (),
) -> list[IndexRow]:
    """Every event of the store, oldest first, with ``counts(event_id)``.

    Events in ``not_updated`` link the report written before, marked as such.
    """
    from cocdata.reports.transparency import event_ids_of, period

    events = store.events()
    rows = []
    for event_id in event_ids_of(store):
        event = events[event_id]
        entry = entries.get(event_id) or {}
        files = entry.get("files", [])
        links = {Path(f).suffix.lstrip("."): f for f in files if (out / f).is_file()}
        rows.append(
            IndexRow(
                event_id=event_id,
                name=event.name,
                dates=period(event.start, event.end),
                counts=counts(event_id),
                links=links,
                earlier=event_id in not_updated and bool(links),
                edition=str(entry.get("edition") or FINAL),
                layout=str(entry.get("layout") or SUMMARY),
            )
        )
    return rows


def yearly_rows(entries: dict[str, Any], out: Path) -> list[dict[str, Any]]:
    """The yearly reports written, every year first, then the newest year first."""
    from cocdata.reports.yearly import index_label

    rows = []
    for entry in entries.values():
        files = [f for f in entry.get("files", []) if (out / f).is_file()]
        if not files:
            continue
        year, half = entry.get("year"), bool(entry.get("half"))
        rows.append(
            {
                "label": index_label(year, half),
                "links": {Path(f).suffix.lstrip("."): f for f in files},
                "order": (year is not None, -(year or 0), half),
            }
        )
    return sorted(rows, key=lambda r: r["order"])


def column_total(cells: Sequence[Shown]) -> str:
    """A column's total across the events whose report is out: exact only when every cell is
    exact, else a lower bound (an exact total would give back the sum of the suppressed cells)."""
    cells = [c for c in cells if c != NOT_PUBLISHED]
    if all(c.exact for c in cells):
        return str(sum(c.height for c in cells))
    floor = sum(c.height if c.kind in ("exact", "at least") else 1 for c in cells)
    return f"at least {floor}"


def _link(links: Mapping[str, str], prefer: Sequence[str]) -> str | None:
    for fmt in prefer:
        if fmt in links:
            return links[fmt]
    return None


def index_texts(
    rows: list[IndexRow],
    k: int,
    generated: dt.date,
    yearly: Sequence[Mapping[str, Any]] = (),
) -> dict[str, str]:
    """The index page as HTML and as Markdown, from the templates of :mod:`cocdata.reports.wording`."""
    from cocdata.reports.export import TEMPLATES
    from cocdata.reports.transparency import day
    from cocdata.reports.wording import render_index, say
    from cocdata.reports.yearly import say as say_yearly

    css = (TEMPLATES / "cocdata" / "static" / "report.css").read_text(encoding="utf-8")
    head = [say("index_column", key) for key in ("event", "dates")]
    context: dict[str, Any] = {
        "intro": say("index_intro", k),
        "head": head,
        "counts_head": [say("index_column", key) for key in INDEX_COLUMNS],
        "totals": [column_total([r.counts[key] for r in rows]) for key in INDEX_COLUMNS],
        "published": day(generated),
        "yearly_heading": say_yearly("index_heading"),
        "css": css,
    }
    out = {}
    for fmt, prefer in (("html", ("html", "pdf", "md")), ("md", ("md", "html", "pdf"))):
        link_rows = [
            {
                "name": r.name,
                "dates": r.dates,
                "edition": r.edition,
                "layout": r.layout,
                "link": quote(link) if (link := _link(r.links, prefer)) else None,
                "earlier": r.earlier,
                "counts": [r.counts[key].text for key in INDEX_COLUMNS],
            }
            for r in rows
        ]
        yearly_links = [
            {"label": y["label"], "link": quote(_link(y["links"], prefer) or "")} for y in yearly
        ]
        out[fmt] = render_index(fmt, rows=link_rows, yearly=yearly_links, **context)
    return out


def write_index(
    out: Path,
    rows: list[IndexRow],
    k: int,
    guard: Callable[[], LeakGuard],
    yearly: Sequence[Mapping[str, Any]] = (),
    generated: dt.date | None = None,
) -> list[Path]:
    """Check and write ``index.html`` and ``index.md``; raises :class:`LeakFound` instead."""
    from cocdata.reports.manifest import write_text

    texts = index_texts(rows, k, generated or dt.date.today(), yearly)
    guard().check("", "The index of transparency reports", texts)
    written = []
    for fmt, text in texts.items():
        path = out / f"{INDEX}.{fmt}"
        write_text(path, text)
        written.append(path)
    return written


class CountsAhead:
    """The counts of the events a batch renders, worked out in a thread while their pages
    render in kernels (other processes), instead of one event after another once the last
    page is out (about 30 ms an event).

    The thread reads the store through its own :class:`Store` and frames: nothing it
    touches is shared with the thread that renders. :meth:`get` waits for it; an event it
    did not count (had it failed) is counted where it is asked for.
    """

    def __init__(self, store: Store, event_ids: Collection[str], k: int) -> None:
        self._found: dict[str, dict[str, Shown]] = {}
        root, wanted = store.root, list(event_ids)

        def count() -> None:
            from cocdata.reports.transparency import public_records
            from cocdata.store import Store

            with contextlib.suppress(Exception):
                own = Store.open(root, create=False)
                records, events = public_records(own), own.events()
                for event_id in wanted:
                    if event_id in events:
                        found = event_counts(events[event_id], records, own.vocab, k)
                        self._found[event_id] = found

        self._thread = threading.Thread(target=count, name="cocdata-index-counts", daemon=True)
        if wanted:
            self._thread.start()

    def get(self, event_id: str) -> dict[str, Shown] | None:
        if self._thread.ident is not None:
            self._thread.join()
        return self._found.get(event_id)


def finish(
    batch: Batch,
    outcome: PublishOutcome,
    k: int,
    not_updated: Iterable[str] = (),
    ahead: CountsAhead | None = None,
) -> None:
    """Write the manifest and the index (unless what it shows and its guard are unchanged).

    ``ahead`` holds counts worked out while the pages rendered."""
    from cocdata.errors import LeakFound
    from cocdata.reports.manifest import digest, mark_checked, unchanged_since, write_manifest

    out, manifest = batch.out, batch.manifest
    entries = manifest["events"]
    events = batch.store.events()

    @functools.cache
    def counts(event_id: str) -> dict[str, Any]:
        # What an event's counts depend on: its state, the code, the settings and k.
        key = batch.key(event_id, {"min_count": k})
        entry = entries.get(event_id)
        if not any((out / f).is_file() for f in (entry or {}).get("files", [])):
            # No page of this event is out: the index shows none of its counts either.
            return dict.fromkeys(INDEX_COLUMNS, NOT_PUBLISHED)
        if entry is not None and entry.get("counts_key") == key:
            kept = counts_from_json(entry.get("counts"))
            if kept is not None:
                return kept
        found = ahead.get(event_id) if ahead is not None else None
        if found is None:
            found = event_counts(events[event_id], batch.records, batch.store.vocab, k)
        if entry is not None:
            entry["counts_key"], entry["counts"] = key, counts_to_json(found)
        return found

    # The key of the index is made of what it shows, before any of it is put in words.
    shown = {e: counts_to_json(counts(e)) for e in events}
    not_updated = set(not_updated)
    links = {
        e: [f for f in (entries.get(e) or {}).get("files", []) if (out / f).is_file()]
        for e in events
    }
    what = {
        "events": {
            e: [
                batch.state.events.get(e),
                shown[e],
                links[e],
                e in not_updated,
                (entries.get(e) or {}).get("edition"),
                (entries.get(e) or {}).get("layout"),
            ]
            for e in events
        },
        "yearly": {
            name: [
                y.get("year"),
                y.get("half"),
                [f for f in y.get("files", []) if (out / f).is_file()],
            ]
            for name, y in manifest["yearly"].items()
        },
        "k": k,
    }
    today = dt.date.today()
    key = digest(what, today.isoformat(), batch.guard_key)
    index = manifest["index"]
    files = [out / f"{INDEX}.{fmt}" for fmt in ("html", "md")]
    if index.get("key") == key and unchanged_since(index, files, out, batch.guard_key):
        outcome.index = files
    else:
        try:
            rows = index_rows(batch.store, entries, out, counts, not_updated)
            yearly = yearly_rows(manifest["yearly"], out)
            outcome.index = write_index(out, rows, k, lambda: batch.guard, yearly, today)
        except LeakFound as exc:
            outcome.index_problem = f"The index was not written: {exc.message}"
            manifest["index"] = {}
        else:
            manifest["index"] = {"key": key}
            mark_checked(manifest["index"], outcome.index, out, batch.guard_key)
    write_manifest(out, manifest)

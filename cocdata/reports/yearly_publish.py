"""Publishing the organisation's yearly report, beside the events' reports and in their index.

:func:`publish_yearly` renders ``report_notebooks/yearly.ipynb`` for one
year or every year (by year or half-year) to ``<out>/yearly-<year>.html``
(``yearly-all``, ``-half``: file names no event's folder can take, since an
event id has no dot), with what event reports get: the leak guard on the
page before it is written (``--accept`` to publish despite a finding,
recorded), an access-log entry before rendering, a manifest entry keyed by
the whole store's state, the code and the options (an unchanged report is
not rendered again, and not even read again while nothing changed), and
the index, which lists it.

A year in which no report was received is refused before anything is
rendered or written, naming the years that have reports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata.reports.disclosure import DEFAULT_MIN_COUNT
from cocdata.reports.guarding import statistics_guard
from cocdata.reports.outcome import UNCHANGED, EventOutcome, PublishOutcome
from cocdata.reports.publish import (
    DEFAULT_FORMATS,
    Batch,
    Request,
    event_outcome,
    finish,
    render_quietly,
)

if TYPE_CHECKING:
    from cocdata.reports.engine import RenderJob
    from cocdata.reports.leaks import Finding
    from cocdata.store import Store


def report_name(year: int | None, half: bool) -> str:
    """``yearly-2024``, ``yearly-all``, ``yearly-2024-half``: the files' name in the folder."""
    return f"yearly-{year if year is not None else 'all'}{'-half' if half else ''}"


def publish_yearly(
    store: Store,
    year: int | None = None,
    half: bool = False,
    out_dir: Path | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    min_count: int = DEFAULT_MIN_COUNT,
    workers: int | None = None,
    force: bool = False,
    accept: Iterable[str] = (),
    progress: bool = True,
) -> PublishOutcome:
    """Render the yearly report of ``year`` (every year if None), and the index.

    Raises :class:`cocdata.errors.NotFound` for a year without reports
    (nothing is written); never raises for a failed or blocked render: see
    the returned :class:`PublishOutcome`.
    """
    from cocdata.reports.engine import RenderJob
    from cocdata.reports.guarding import recheck, record_override, record_rendering
    from cocdata.reports.manifest import mark_checked, unchanged_since
    from cocdata.reports.notebooks import YEARLY, template_path
    from cocdata.reports.yearly import check_year, index_label, say, yearly_records

    asked = Request.checked(store, out_dir, formats, min_count, accept)
    k, formats, out, accepted_ids = asked.min_count, asked.formats, asked.out, asked.accepted
    # The yearly page and the index show no case's text and no time of day: their guard
    # needs each distinct name of the store once (statistics_guard).
    batch = Batch(store, out, statistics_guard)
    name = report_name(year, half)
    title = say("title", index_label(year, half))
    options = {"report": "yearly", "year": year, "half": half, "min_count": k}
    key = batch.key(None, {**options, "formats": sorted(formats)})
    entries = batch.manifest["yearly"]
    entry = entries.get(name) or {}
    files = [out / f for f in entry.get("files", [])]
    outcome = PublishOutcome(events=[], what="The yearly report ({n})")
    there = bool(files) and all(p.is_file() for p in files)
    readable = there and any(p.suffix in (".html", ".md") for p in files)
    if (
        not force
        and entry.get("key") == key
        and readable
        and (
            unchanged_since(entry, files, out, batch.guard_key)
            or recheck(batch.guard, "", title, files, {}, entry) is None
        )
    ):
        mark_checked(entry, files, out, batch.guard_key)
        outcome.events = [EventOutcome(name, title, UNCHANGED, files)]
        finish(batch, outcome, k)
        return outcome
    # Only now the statistics are read (an unchanged report needs none of them).
    records = yearly_records(store)
    check_year(records, year)
    job = RenderJob(
        template=template_path(YEARLY),
        parameters={"store": str(store.root.resolve()), "year": year, "half": half, "min_count": k},
        out=out / name,
        title=title,
        formats=formats,
    )
    accepted: list[Finding] = []
    gathering = _gather_guard(batch)

    def before_write(job: RenderJob, texts: dict[str, str]) -> None:
        gathering.join()
        found = batch.guard.check("", job.title, texts, None, accept=accepted_ids)
        if found:
            record_override(store, name, found)
            accepted.extend(found)

    def record() -> None:
        made = records.cases["made_at"].dt.year
        chosen = records.cases[made == year] if year is not None else records.cases
        event_ids = sorted(set(chosen["event_id"].astype("str")))
        record_rendering(store, dataclasses.replace(records, cases=chosen), event_ids, out, title)

    (result,) = render_quietly([job], workers, progress, before_write, record)
    gathering.join()
    done = event_outcome(job, result, accepted)
    done.event_id = name
    outcome.events = [done]
    if result.ok:
        for path in files:
            if path not in result.written:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        entries[name] = entry = {
            "key": key,
            "files": [str(p.relative_to(out)) for p in result.written],
            "accepted": [f.id for f in accepted],
            "rendered": dt.datetime.now().isoformat(timespec="seconds"),
            "year": year,
            "half": half,
        }
        mark_checked(entry, list(result.written), out, batch.guard_key)
    elif readable and recheck(batch.guard, "", title, files, {}, entry) is not None:
        # What was published before now holds something the guard finds, and no clean
        # report replaced it: it must not stay published.
        for path in files:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                outcome.removed.append((path, "the leak guard now finds something in it"))
        entries.pop(name, None)
    outcome.ignored_accepts = sorted(accepted_ids - {f.id for f in accepted})
    finish(batch, outcome, k)
    return outcome


def _gather_guard(batch: Batch) -> threading.Thread:
    """Gather the guard's names while the page renders in its kernel (another process).

    The thread reads the store through its own :class:`Store` (no cache shared with
    this thread's writes). Once it is joined, ``batch.guard`` is what it gathered; had
    it failed, ``batch.guard`` is gathered again where it is asked for, and fails there.
    """
    from cocdata.store import Store

    root = batch.store.root

    def gather() -> None:
        with contextlib.suppress(Exception):
            batch.__dict__["guard"] = statistics_guard(Store.open(root, create=False))

    thread = threading.Thread(target=gather, name="cocdata-gather-guard", daemon=True)
    thread.start()
    return thread

"""Publishing transparency reports: every event in one batch, leak-checked, skipped when unchanged.

:func:`publish_transparency` renders the transparency report of each event
through the report engine (``<out>/<event id>/report.html``, ``.md``,
``.pdf``), then writes an index of all of them (``<out>/index.html`` and
``index.md``) with a summary table across events. Around the engine:

- **Leak guard.** The engine hands every rendered report to
  :class:`cocdata.reports.leaks.LeakGuard` before writing it; a finding
  blocks that event's report (nothing is written for it) and the others go
  on. ``accept`` lists finding ids to publish anyway; each such override is
  recorded in the store's access log (:mod:`cocdata.reports.guarding`). The
  index is checked too.
- **Access log.** Before rendering, one entry records which events' reports
  are rendered, for which cases, to which folder.
- **Unchanged events are skipped.** ``<out>/manifest.json``
  (:mod:`cocdata.reports.manifest`) keeps, per event, a key made of the
  store's state of that event (its cases' revisions and the event record),
  the template, the code that renders it, the store's settings and the
  options. An event whose key is unchanged and whose files are all there is
  not rendered again (``force`` renders it anyway). Its files are checked
  again against the store's current names whenever anything in the store,
  its settings or the code changed since they were last checked, since a
  name saved in another event's case could now be in them (a report written
  as PDF only cannot be read again, so it is always rendered anew). Nothing
  changed, nothing is read: neither the store's names nor the pages.
- **Failures stay apart.** One event's failure or block does not stop the
  others; the outcome lists each event, and the index is written in every
  case, linking the reports that exist.

The output folder is public by intent: nothing written there names a case
or a person (the manifest holds event ids, hashes, file names, finding ids
and the published counts of the index only).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata.errors import LeakFound, ReportFailed, UsageError, is_error
from cocdata.reports.disclosure import DEFAULT_MIN_COUNT, check_min_count
from cocdata.reports.guarding import leak_guard, own_words, recheck, strip_plotly  # noqa: F401
from cocdata.reports.index import INDEX, CountsAhead, finish  # noqa: F401 (INDEX: where the demo says the index is)
from cocdata.reports.manifest import StoreState, digest, read_manifest
from cocdata.reports.outcome import (
    BLOCKED,
    FAILED,
    UNCHANGED,
    WRITTEN,
    EventOutcome,
    PublishOutcome,
)
from cocdata.reports.render_options import RenderOptions, options_of, with_edition
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.reports.engine import RenderJob, RenderResult
    from cocdata.reports.leaks import Finding, LeakGuard
    from cocdata.store import Store
    from cocdata.tables import Frames

DEFAULT_OUT = Path("reports") / "transparency"
"""Where transparency reports go unless told otherwise (git-ignored, public by intent)."""

DEFAULT_FORMATS = ("html", "md")
REPORT_NAME = "report"
"""Each event's report is ``<out>/<event id>/report.<format>``."""

_strip_plotly = strip_plotly  # the name the tests knew


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats once each; refuses an unknown one."""
    from cocdata.reports.engine import FORMATS

    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS or f == "ipynb"]
    if unknown or not formats:
        raise ReportFailed(
            f"Unknown report format {', '.join(map(repr, unknown)) or '(none)'}.",
            "Use html, md or pdf.",
        )
    return formats


@dataclasses.dataclass(frozen=True)
class Request:
    """What a publishing run is asked, checked before anything is read or written: where
    the pages go, in which formats, the smallest count shown, the findings accepted."""

    out: Path
    formats: tuple[str, ...]
    min_count: int
    accepted: frozenset[str]

    @classmethod
    def checked(
        cls,
        store: Store,
        out_dir: Path | None,
        formats: Sequence[str],
        min_count: int,
        accept: Iterable[str],
    ) -> Request:
        """Refuse a member who may not publish, an unknown format or a bad threshold."""
        permissions.require(store, "publish")
        k = check_min_count(min_count)
        return cls(
            out=Path(out_dir) if out_dir is not None else DEFAULT_OUT,
            formats=check_formats(formats),
            min_count=k,
            accepted=frozenset(a.strip().lower() for a in accept if a.strip()),
        )


class Batch:
    """What one publishing run knows of the store, read at most once and only when needed."""

    def __init__(
        self, store: Store, out: Path, make_guard: Callable[[Store], LeakGuard] | None = None
    ) -> None:
        from cocdata.reports.manifest import report_code

        self.store = store
        self._make_guard = make_guard
        self.out = out
        self.state = StoreState.of(store)
        self.code = report_code()
        self.guard_key = digest(self.state.whole, self.state.settings, self.code)
        """What the leak guard depends on: everything the store holds, its settings, the code."""
        self.manifest = read_manifest(out)
        self.events = store.events()

    def key(self, event_id: str | None, options: Mapping[str, Any]) -> str:
        """The key of one event's page (of the whole store's, for None)."""
        if event_id is None:
            return digest(self.state.whole, self.code, self.state.settings, dict(options))
        # A page shows the earlier editions of its series too: a change to one of them
        # is a change to it.
        ids = (event_id, *self.earlier.get(event_id, ()))
        return digest(
            *(self.state.events.get(e, "") for e in ids),
            self.code,
            self.state.settings,
            dict(options),
        )

    @functools.cached_property
    def earlier(self) -> dict[str, list[str]]:
        """The ids of each event's earlier editions that its page shows."""
        from cocdata.events import editions_shown

        return editions_shown(self.events)

    @functools.cached_property
    def guard(self) -> LeakGuard:
        return (self._make_guard or leak_guard)(self.store)

    @functools.cached_property
    def records(self) -> Frames:
        from cocdata.reports.transparency import public_records

        return public_records(self.store)

    @functools.cached_property
    def summaries(self) -> dict[str, dict[str, str]]:
        from cocdata.reports.guarding import summaries

        return summaries(self.records)


def publish_transparency(
    store: Store,
    event_ids: Sequence[str] | None = None,
    out_dir: Path | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    min_count: int = DEFAULT_MIN_COUNT,
    workers: int | None = None,
    force: bool = False,
    accept: Iterable[str] = (),
    progress: bool = True,
    render_options: RenderOptions = None,
    edition: str = "final",
    layout: str | None = None,
) -> PublishOutcome:
    """Render the transparency report of each event (every event if ``event_ids`` is None).

    ``edition`` is ``final`` or ``preliminary``; ``layout`` (``summary`` or
    ``incidents``) None takes each event's own from ``cocdata.toml``. Both reach
    each event's template with ``render_options``.

    Never raises for one event's failure or leak: see the returned
    :class:`PublishOutcome` (its ``error()`` is what a command ends with).
    """
    from cocdata.reports.engine import RenderJob
    from cocdata.reports.manifest import mark_checked, unchanged_since
    from cocdata.reports.notebooks import TRANSPARENCY, template_path

    asked = Request.checked(store, out_dir, formats, min_count, accept)
    k, formats, out, accepted_ids = asked.min_count, asked.formats, asked.out, asked.accepted
    if event_ids is not None:
        from cocdata.reports.transparency import check_event_ids

        ids = check_event_ids(store, event_ids)
    else:
        # transparency.event_ids_of's order, without loading the report's module (and its
        # templates) on a run that may render nothing.
        every = store.events()
        ids = sorted(every, key=lambda e: (every[e].start, e))
    if not ids:
        raise UsageError(
            f"The store at {store.root} has no events to report on.",
            "Save an event and its cases first, or try 'cocdata demo'.",
        )
    render_options = with_edition(store, ids, edition, layout, render_options)
    template = template_path(TRANSPARENCY)
    batch = Batch(store, out)
    options_of_event = options_of(render_options)
    events = store.events()
    entries: dict[str, Any] = batch.manifest["events"]
    extra = {e: options_of_event(e) for e in events}
    keys = {
        e: batch.key(e, {"min_count": k, "formats": sorted(formats), **extra[e]}) for e in events
    }
    by_event: dict[str, EventOutcome] = {}
    stale: dict[str, list[Path]] = {}

    todo: list[RenderJob] = []
    for event_id in ids:
        kind = (
            "Preliminary transparency report"
            if extra[event_id].get("edition") == "preliminary"
            else "Transparency report"
        )
        title = f"{kind}: {events[event_id].name}"
        entry = entries.get(event_id)
        files = [out / f for f in (entry or {}).get("files", [])]
        unchanged = entry and entry.get("key") == keys[event_id]
        if not force and unchanged and _all_exist(files) and _checkable(files):
            if unchanged_since(entry, files, out, batch.guard_key):
                by_event[event_id] = EventOutcome(event_id, title, UNCHANGED, files)
                continue
            problem = recheck(batch.guard, event_id, title, files, batch.summaries, entry)
            if problem is None:
                mark_checked(entry, files, out, batch.guard_key)
                by_event[event_id] = EventOutcome(event_id, title, UNCHANGED, files)
                continue
            stale[event_id] = files
        todo.append(
            RenderJob(
                template=template,
                parameters={
                    "store": str(store.root.resolve()),
                    "event_id": event_id,
                    "min_count": k,
                    **extra[event_id],
                },
                out=out / event_id / REPORT_NAME,
                title=title,
                formats=formats,
            )
        )

    overrides: dict[str, list[Finding]] = {}

    def before_write(job: RenderJob, texts: dict[str, str]) -> None:
        event_id = job.parameters["event_id"]
        found = batch.guard.check(
            event_id, job.title, texts, batch.summaries.get(event_id), accept=accepted_ids
        )
        if found:
            from cocdata.reports.guarding import record_override

            record_override(store, event_id, found)
            overrides[event_id] = found

    def record() -> None:
        from cocdata.reports.guarding import record_rendering

        record_rendering(store, batch.records, [j.parameters["event_id"] for j in todo], out)

    ahead = CountsAhead(store, [job.parameters["event_id"] for job in todo], k)
    results = render_quietly(todo, workers, progress, before_write, record)
    outcome = PublishOutcome(events=[])
    for job, result in zip(todo, results, strict=True):
        event_id = job.parameters["event_id"]
        by_event[event_id] = event_outcome(job, result, overrides.get(event_id, []))
        old = [out / f for f in (entries.get(event_id) or {}).get("files", [])]
        if result.ok:
            _replace(old, result.written)
            entries[event_id] = entry = {
                "key": keys[event_id],
                "files": [str(p.relative_to(out)) for p in result.written],
                "accepted": [f.id for f in overrides.get(event_id, [])],
                "rendered": dt.datetime.now().isoformat(timespec="seconds"),
                "edition": str(extra[event_id].get("edition") or "final"),
                "layout": str(extra[event_id].get("layout") or "summary"),
            }
            mark_checked(entry, list(result.written), out, batch.guard_key)
        elif old and (
            event_id in stale
            or (
                _all_exist(old)
                and recheck(
                    batch.guard, event_id, job.title, old, batch.summaries, entries[event_id]
                )
            )
        ):
            # The files written before hold something the guard now finds, and
            # no clean report replaced them: they must not stay published.
            for path in old:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    outcome.removed.append((path, "the leak guard now finds something in it"))
            entries.pop(event_id, None)
    outcome.events = [by_event[e] for e in ids]
    if event_ids is None:
        # Every event was asked for: reports of events no longer in the store go.
        for gone in sorted(set(entries) - set(events)):
            for name in entries.pop(gone).get("files", []):
                with contextlib.suppress(FileNotFoundError):
                    (out / name).unlink()
                    outcome.removed.append((out / name, "its event is no longer in the store"))
    seen_ids = {f.id for found in overrides.values() for f in found}
    seen_ids |= {a for e in ids for a in (entries.get(e) or {}).get("accepted", [])}
    outcome.ignored_accepts = sorted(accepted_ids - seen_ids)
    not_updated = {e.event_id for e in outcome.events if e.status in (BLOCKED, FAILED)}
    finish(batch, outcome, k, not_updated, ahead)
    return outcome


def render_quietly(
    todo: list[RenderJob],
    workers: int | None,
    progress: bool,
    before_write: Callable[[RenderJob, dict[str, str]], None],
    record: Callable[[], None],
) -> list[RenderResult]:
    """Render the jobs after ``record()`` (the access-log entry saying so)."""
    if not todo:
        return []
    from cocdata.reports.engine import render

    record()
    with _quiet(logging.getLogger("cocdata.reports.engine")):
        # Each failure is in the outcome; the engine's own log line would say it twice.
        return render(todo, workers=workers, progress=progress, before_write=before_write)


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _replace(old: Sequence[Path], written: Sequence[Path]) -> None:
    """Remove the files of an earlier run that this run's did not replace."""
    kept = {p.resolve() for p in written}
    for path in old:
        if path.resolve() not in kept:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _all_exist(files: list[Path]) -> bool:
    return bool(files) and all(p.is_file() for p in files)


def _checkable(files: list[Path]) -> bool:
    """Whether the guard can read the pages again (it reads HTML and Markdown, not PDF)."""
    return any(p.suffix in (".html", ".md") for p in files)


def event_outcome(job: RenderJob, result: RenderResult, accepted: list[Finding]) -> EventOutcome:
    event_id = job.parameters.get("event_id") or job.out.name
    if result.ok:
        return EventOutcome(event_id, job.title, WRITTEN, list(result.written), accepted=accepted)
    if is_error(result.error, LeakFound):
        return EventOutcome(event_id, job.title, BLOCKED, message=result.message)
    return EventOutcome(event_id, job.title, FAILED, message=f"  {result}")

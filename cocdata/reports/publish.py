"""Publishing transparency reports: every event in one batch, leak-checked, skipped when unchanged.

:func:`publish_transparency` renders the transparency report of each event
through the report engine (``<out>/<event id>/report.html``, ``.md``,
``.pdf``), then writes an index of all of them (``<out>/index.html`` and
``index.md``) with a summary table across events. Around the engine:

- **Leak guard.** The engine hands every rendered report to
  :class:`cocdata.reports.leaks.LeakGuard` before writing it; a finding
  blocks that event's report (nothing is written for it) and the others go
  on. ``accept`` lists finding ids to publish anyway; each such override is
  recorded in the store's access log (:mod:`cocdata.accesslog`: who, when,
  which event, which findings: case and field, never the value), which only
  the team can read. The index is checked too.
- **Access log.** Before rendering, one entry records which events' reports
  are rendered, for which cases, to which folder.
- **Unchanged events are skipped.** ``<out>/manifest.json`` keeps, per
  event, a key made of the store's fingerprint of that event (its cases'
  revisions and the event record), the template, the code that renders it,
  the store's vocabularies and the options. An event whose key is unchanged
  and whose files are all there is not rendered again (``force`` renders
  it anyway), but its files are still checked against the store's current
  names, since a name saved since then in another event's case could now
  be in them (a report written as PDF only cannot be read again, so it is
  always rendered anew).
- **Failures stay apart.** One event's failure or block does not stop the
  others; the outcome lists each event, and the index is written in every
  case, linking the reports that exist.

The output folder is public by intent: nothing written there names a case
or a person (the manifest holds event ids, hashes, file names and finding
ids only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata.errors import CocdataError, LeakFound, ReportFailed, UsageError, is_error
from cocdata.reports.disclosure import DEFAULT_MIN_COUNT, check_min_count
from cocdata.reports.index import INDEX, write_index  # noqa: F401 (INDEX: where the demo says the index is)
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
MANIFEST = "manifest.json"

# Statuses of one event in an outcome.
WRITTEN = "written"
UNCHANGED = "unchanged"
BLOCKED = "blocked"
FAILED = "failed"


@dataclass
class EventOutcome:
    """What happened to one event's report. ``message`` is for the terminal only."""

    event_id: str
    title: str
    status: str
    files: list[Path] = field(default_factory=list)
    message: str | None = None
    accepted: list[Finding] = field(default_factory=list)

    def __str__(self) -> str:
        if self.status == WRITTEN:
            names = ", ".join(p.name for p in self.files)
            note = (
                f" (published despite finding(s) {', '.join(f.id for f in self.accepted)}, "
                "as accepted; recorded)"
                if self.accepted
                else ""
            )
            folder = self.files[0].parent if self.files else ""
            return f"{self.event_id}: wrote {names} in {folder}{note}"
        if self.status == UNCHANGED:
            return f"{self.event_id}: unchanged since the last run, not rendered again (--force renders it)"
        word = "BLOCKED by the leak guard" if self.status == BLOCKED else "FAILED"
        return f"{self.event_id}: {word}, nothing written.\n{self.message or ''}".rstrip()


@dataclass
class PublishOutcome:
    """Every event's outcome, the index files, and what the CLI should say and return."""

    events: list[EventOutcome]
    index: list[Path] = field(default_factory=list)
    index_problem: str | None = None
    removed: list[tuple[Path, str]] = field(default_factory=list)
    """Files taken out of the output folder: the guard now finds something in them, or their
    event is no longer in the store."""
    ignored_accepts: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(e.status == status for e in self.events)

    @property
    def ok(self) -> bool:
        return (
            not any(e.status in (BLOCKED, FAILED) for e in self.events) and not self.index_problem
        )

    def summary(self) -> str:
        parts = [
            f"{self.count(WRITTEN)} written",
            f"{self.count(UNCHANGED)} unchanged",
            f"{self.count(BLOCKED)} blocked by the leak guard",
            f"{self.count(FAILED)} failed",
        ]
        return f"Transparency reports of {len(self.events)} event(s): " + ", ".join(parts) + "."

    def error(self) -> CocdataError | None:
        """The error to end the command with, or None when every report is out."""
        if self.ok:
            return None
        failed = [e.event_id for e in self.events if e.status == FAILED]
        blocked = [e.event_id for e in self.events if e.status == BLOCKED]
        lines = []
        if blocked:
            lines.append(f"Blocked by the leak guard (nothing written): {', '.join(blocked)}.")
        if failed:
            lines.append(f"Failed (nothing written): {', '.join(failed)}.")
        if self.index_problem:
            lines.append(self.index_problem)
        if failed or self.index_problem:
            return ReportFailed(
                "\n".join(lines),
                "Fix what is named above for each event and run the command again; "
                "the reports that were written are kept.",
            )
        return LeakFound(
            "\n".join(lines),
            "Each finding above names the case and field it comes from. Rewrite that part "
            "(usually the public summary) and run the command again, or publish despite a "
            "finding that is not a leak with --accept ID.",
        )


# -- keys, manifest, override log -------------------------------------------------


def _code_digest() -> str:
    """Digest of everything that shapes a report besides the data: template and code."""
    from cocdata.reports import export
    from cocdata.reports.notebooks import TRANSPARENCY, template_path

    here = Path(__file__).parent
    files = [
        template_path(TRANSPARENCY),
        *(
            here / name
            for name in (
                "transparency.py",
                "disclosure.py",
                "present.py",
                "leaks.py",
                "disguises.py",
                "times.py",
                "wording.py",
                "index.py",
            )
        ),
        *sorted(p for p in export.TEMPLATES.rglob("*") if p.is_file()),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def event_key(store: Store, event_id: str, code: str, options: dict[str, Any]) -> str:
    """What must stay the same for an event's report to be skipped."""
    vocab = (store.root / "cocdata.toml").read_bytes()
    parts = [store.fingerprint(event_id), code, hashlib.sha256(vocab).hexdigest()]
    parts.append(json.dumps(options, sort_keys=True))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of an output folder; an unreadable one counts as empty (all is rendered)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"events": {}}
    if not isinstance(data, dict) or not isinstance(data.get("events"), dict):
        return {"events": {}}
    return data


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = path.with_name(f".{path.name}.{os.getpid()}.partial")
    stage.write_text(text, encoding="utf-8")
    os.replace(stage, path)


def record_override(store: Store, event_id: str, accepted: Sequence[Finding]) -> None:
    """Record in the access log that a report was published despite these leak findings."""
    from cocdata import accesslog

    cases = [s.case_id for f in accepted for s in f.sources if s.case_id]
    said = []
    for f in accepted:
        sources = ", ".join(str(s) for s in f.sources[:3])
        more = f" and {len(f.sources) - 3} more" if len(f.sources) > 3 else ""
        said.append(f"[{f.id}] {f.kind} from {sources}{more}, seen in {f.where}")
    accesslog.record(
        store,
        "report",
        cases,
        detail=f"transparency report of event {event_id} published despite the leak guard's "
        f"finding(s): {'; '.join(said)}",
    )


def record_rendering(store: Store, records: Frames, event_ids: Sequence[str], out: Path) -> None:
    """Record in the access log, before rendering, which events' reports go where."""
    from cocdata import accesslog

    cases = records.cases.loc[records.cases["event_id"].isin(event_ids), "case_id"]
    shown = ", ".join(event_ids[:8]) + (
        f" and {len(event_ids) - 8} more" if len(event_ids) > 8 else ""
    )
    accesslog.record(
        store,
        "report",
        [str(c) for c in cases],
        detail=f"transparency reports of {len(event_ids)} event(s) ({shown}) to {out}: "
        "statistics and public summaries only",
    )


# -- the guard -------------------------------------------------------------------


def own_words(store: Store) -> list[str]:
    """The text a report writes itself: its words are never taken for names on their own.

    The templates' words (:func:`cocdata.reports.wording.own_text`), the
    vocabulary labels and the events' names, places and organisers.
    """
    from cocdata.reports.wording import own_text
    from cocdata.vocab import KINDS

    vocab = store.vocab
    texts = list(own_text())
    for kind in KINDS:
        texts += list(getattr(vocab, kind).values())
    for event in store.events().values():
        texts += [event.id, event.name, event.location or "", event.organiser or ""]
    return texts


def leak_guard(store: Store) -> LeakGuard:
    """A leak guard holding every name, contact, code name and case time of the store."""
    from cocdata.reports.leaks import LeakGuard

    return LeakGuard.from_store(store, allowed=own_words(store))


def _strip_plotly(html: str) -> str:
    """A written page without the inlined plotly.js library (not report content)."""
    from cocdata.reports.export import PLOTLY_MARKER, plotly_js

    library = f"<script>{plotly_js()}</script>"
    return html.replace(library, PLOTLY_MARKER, 1) if library in html else html


# -- the batch ---------------------------------------------------------------------


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
) -> PublishOutcome:
    """Render the transparency report of each event (every event if ``event_ids`` is None).

    Never raises for one event's failure or leak: see the returned
    :class:`PublishOutcome` (its ``error()`` is what a command ends with).
    """
    from cocdata.reports.engine import FORMATS, RenderJob
    from cocdata.reports.notebooks import TRANSPARENCY, template_path
    from cocdata.reports.transparency import check_event_ids, event_ids_of, public_records

    permissions.require(store, "publish")
    k = check_min_count(min_count)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS or f == "ipynb"]
    if unknown or not formats:
        raise ReportFailed(
            f"Unknown report format {', '.join(map(repr, unknown)) or '(none)'}.",
            "Use html, md or pdf.",
        )
    ids = check_event_ids(store, event_ids) if event_ids is not None else event_ids_of(store)
    if not ids:
        raise UsageError(
            f"The store at {store.root} has no events to report on.",
            "Save an event and its cases first, or try 'cocdata demo'.",
        )
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT
    accepted_ids = {a.strip().lower() for a in accept if a.strip()}
    template = template_path(TRANSPARENCY)
    code = _code_digest()
    options = {"min_count": k, "formats": sorted(formats)}
    events = store.events()
    manifest = read_manifest(out)
    entries: dict[str, Any] = manifest["events"]
    keys = {e: event_key(store, e, code, options) for e in ids}
    guard = leak_guard(store)
    records = public_records(store)
    summaries = _summaries(records)
    outcome = PublishOutcome(events=[])
    by_event: dict[str, EventOutcome] = {}
    stale: dict[str, list[Path]] = {}

    todo: list[RenderJob] = []
    for event_id in ids:
        title = f"Transparency report: {events[event_id].name}"
        entry = entries.get(event_id)
        files = [out / f for f in (entry or {}).get("files", [])]
        unchanged = entry and entry.get("key") == keys[event_id]
        if not force and unchanged and _all_exist(files) and _checkable(files):
            problem = _recheck(guard, event_id, title, files, summaries, entry)
            if problem is None:
                by_event[event_id] = EventOutcome(event_id, title, UNCHANGED, files)
                continue
            stale[event_id] = files
        todo.append(
            RenderJob(
                template=template,
                parameters={"store": str(store.root), "event_id": event_id, "min_count": k},
                out=out / event_id / REPORT_NAME,
                title=title,
                formats=formats,
            )
        )

    overrides: dict[str, list[Finding]] = {}

    def before_write(job: RenderJob, texts: dict[str, str]) -> None:
        event_id = job.parameters["event_id"]
        found = guard.check(
            event_id, job.title, texts, summaries.get(event_id), accept=accepted_ids
        )
        if found:
            record_override(store, event_id, found)
            overrides[event_id] = found

    if todo:
        from cocdata.reports.engine import render

        record_rendering(store, records, [j.parameters["event_id"] for j in todo], out)

        with _quiet(logging.getLogger("cocdata.reports.engine")):
            # Each failure is in the outcome; the engine's own log line would say it twice.
            results = render(todo, workers=workers, progress=progress, before_write=before_write)
    else:
        results = []
    for job, result in zip(todo, results, strict=True):
        event_id = job.parameters["event_id"]
        by_event[event_id] = _event_outcome(job, result, overrides.get(event_id, []))
        old = [out / f for f in (entries.get(event_id) or {}).get("files", [])]
        if result.ok:
            written = {p.resolve() for p in result.written}
            for path in old:
                if path.resolve() not in written:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
            entries[event_id] = {
                "key": keys[event_id],
                "files": [str(p.relative_to(out)) for p in result.written],
                "accepted": [f.id for f in overrides.get(event_id, [])],
                "rendered": dt.datetime.now().isoformat(timespec="seconds"),
            }
        elif old and (
            event_id in stale
            or (
                _all_exist(old)
                and _recheck(guard, event_id, job.title, old, summaries, entries[event_id])
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

    manifest = {"format": 1, "events": entries}
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    not_updated = {e.event_id for e in outcome.events if e.status in (BLOCKED, FAILED)}
    try:
        outcome.index = write_index(store, out, entries, records, k, guard, not_updated)
    except LeakFound as exc:
        outcome.index_problem = f"The index was not written: {exc.message}"
    return outcome


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _all_exist(files: list[Path]) -> bool:
    return bool(files) and all(p.is_file() for p in files)


def _checkable(files: list[Path]) -> bool:
    """Whether the guard can read the pages again (it reads HTML and Markdown, not PDF)."""
    return any(p.suffix in (".html", ".md") for p in files)


def _summaries(records: Frames) -> dict[str, dict[str, str]]:
    """Public summaries of the cases marked for publication, by event and case."""
    cases = records.cases
    marked = cases[cases["include_public"].astype(bool) & cases["public_summary"].notna()]
    out: dict[str, dict[str, str]] = {}
    for event_id, case_id, summary in zip(
        marked["event_id"], marked["case_id"], marked["public_summary"], strict=True
    ):
        out.setdefault(str(event_id), {})[str(case_id)] = str(summary)
    return out


def _recheck(
    guard: LeakGuard,
    event_id: str,
    title: str,
    files: list[Path],
    summaries: dict[str, dict[str, str]],
    entry: dict[str, Any],
) -> str | None:
    """None if the files written before are still clean; else why they are not."""
    texts = {}
    for path in files:
        fmt = path.suffix.lstrip(".")
        if fmt in ("html", "md"):
            text = path.read_text(encoding="utf-8")
            texts[fmt] = _strip_plotly(text) if fmt == "html" else text
    try:
        guard.check(
            event_id, title, texts, summaries.get(event_id), accept=entry.get("accepted", [])
        )
    except LeakFound as exc:
        return exc.message
    return None


def _event_outcome(job: RenderJob, result: RenderResult, accepted: list[Finding]) -> EventOutcome:
    event_id = job.parameters["event_id"]
    if result.ok:
        return EventOutcome(event_id, job.title, WRITTEN, list(result.written), accepted=accepted)
    if is_error(result.error, LeakFound):
        return EventOutcome(event_id, job.title, BLOCKED, message=result.message)
    return EventOutcome(event_id, job.title, FAILED, message=f"  {result}")

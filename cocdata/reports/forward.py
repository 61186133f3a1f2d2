"""Forwarding a case to another body: a redacted case report, recorded in the case and the log.

``forward(store, case_id, to)`` does what the guide's example decision ("This
report will be sent to Django Software Foundation Code of Conduct") needs:

1. logs the forward in the store's access log (who, when, which case, to
   whom, what was left out) before anything is written;
2. renders the per-case report (``cocdata.reports.case``) with the parts
   named in ``redact`` left out, by default those in the store's
   ``[forwarding] redact`` setting, into ``reports/forwarded/``;
3. records in the case, as a new revision by the team member: a timeline
   entry (kind ``forwarded``, or ``note`` where the store's vocabulary has no
   such kind) saying who forwarded which revision to whom, what was left out
   and the SHA-256 of each file; and the recipient in ``forwarded_to``.

With ``package`` it also writes a case package beside the report
(``cocdata.handoff``): one JSON file the recipient's cocdata imports, with
keyed pseudonyms instead of names when given the recipient's linkage key.
A package leaves out the team's free text (description, timeline texts) too,
unless ``redact`` is given explicitly without them.

Sending the file is left to the team (e-mail, the recipient's own form):
the record says exactly which file went.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cocdata import accesslog
from cocdata.errors import CocdataError, Conflict, Expunged, ReportFailed, StoreError, UsageError
from cocdata.handoff import package as packages
from cocdata.handoff.linkage import LinkKey
from cocdata.model import TimelineEntry
from cocdata.reports.case import DEFAULT_OUT, REDACTIONS, case_jobs, check_redactions
from cocdata.store import Store, StoredCase
from cocdata.team import permissions

FORWARDED_KIND = "forwarded"
FORWARD_OUT = DEFAULT_OUT.parent / "forwarded"
"""Where forwarded copies go unless told otherwise (git-ignored, like every report)."""


@dataclass(frozen=True)
class Forwarded:
    """A forward that was done: the files, what they left out, and the revision recording it."""

    case_id: str
    to: str
    files: list[Path]
    redact: tuple[str, ...]
    report_rev: int
    saved: StoredCase
    package: Path | None = None
    package_sha256: str | None = None
    linked: bool = False

    def text(self) -> str:
        left_out = ", ".join(self.redact) or "nothing"
        lines = [
            f"Case {self.case_id} (revision {self.report_rev}) forwarded to {self.to}; "
            f"left out: {left_out}.",
            *(f"wrote {p}" for p in self.files if p != self.package),
        ]
        if self.package is not None:
            how = "keyed pseudonyms instead of names" if self.linked else "no linkage key given"
            lines.append(
                f"wrote {self.package} (case package for the recipient's cocdata; {how}; "
                "the package also leaves out the description and timeline texts unless "
                "--redact is given)"
            )
        lines += [
            f"Recorded in the case as revision {self.saved.rev} by {self.saved.saved_by}, "
            "and in the access log. Send the file(s) above to the recipient.",
        ]
        return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "recipient"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _redactions(store: Store, redact: Iterable[str] | None) -> frozenset[str]:
    """The parts to leave out: those asked for, else the store's ``[forwarding] redact``."""
    if redact is not None:
        return check_redactions(redact)
    try:
        return check_redactions(store.settings.forwarding.redact)
    except ReportFailed as exc:
        raise StoreError(
            f"forwarding.redact in {store.root / 'cocdata.toml'}: {exc.message}",
            f"{exc.hint} Or name the parts with --redact.",
        ) from None


def forward(
    store: Store,
    case_id: str,
    to: str,
    redact: Iterable[str] | None = None,
    formats: Sequence[str] = ("pdf",),
    out_dir: Path | None = None,
    why: str | None = None,
    by: str | None = None,
    workers: int | None = None,
    package: bool = False,
    link_key: LinkKey | None = None,
    organisation: str | None = None,
) -> Forwarded:
    """Render a redacted report of ``case_id`` for ``to`` and record who forwarded it, when.

    With ``package`` (or a ``link_key``, which implies it) a case package for
    the recipient's cocdata is written beside the report; ``organisation``
    names the sending team in it (default: the event's organiser).
    """
    from cocdata.reports.engine import raise_for_failures, render

    to = " ".join(to.split())
    if not to:
        raise UsageError(
            "Say who the case is forwarded to (--to).",
            'Example: --to "Django Software Foundation Code of Conduct"',
        )
    member = permissions.actor(store, "forward", [case_id], by)
    parts = tuple(sorted(_redactions(store, redact)))
    stored = store.get(case_id)
    if store.is_expunged(case_id):
        raise Expunged(
            f"Case {case_id} was expunged: nothing identifying is left to forward.",
            "Its statistics are still in the store; the yearly statistics show them.",
        )
    folder = Path(out_dir) if out_dir is not None else FORWARD_OUT
    folder = folder / f"{dt.date.today():%Y-%m-%d}-{_slug(to)}"
    left_out = ", ".join(REDACTIONS[p] for p in parts) or "nothing"
    accesslog.record(
        store,
        "forward",
        [case_id],
        f"to {to}; revision {stored.rev}; left out: {left_out}; files in {folder}",
        by=member,
    )
    jobs = case_jobs(store, [case_id], formats, folder, parts) if formats else []
    results = render(jobs, workers=workers, progress=False) if jobs else []
    raise_for_failures(results)
    files = [p for r in results for p in r.written]
    made: Path | None = None
    content_sha: str | None = None
    if package or link_key is not None:
        left_out = frozenset(parts) | (frozenset(packages.FREE_TEXT) if redact is None else set())
        data = packages.build(stored.case, stored.rev, to, left_out, member, link_key, organisation)
        content_sha = data["sha256"]
        made = packages.write(data, folder / f"{case_id}-r{stored.rev}{packages.SUFFIX}")
        files.append(made)
    saved = _record(store, case_id, to, stored.rev, parts, files, why, member, content_sha)
    return Forwarded(
        case_id, to, files, parts, stored.rev, saved, made, content_sha, link_key is not None
    )


def _record(
    store: Store,
    case_id: str,
    to: str,
    report_rev: int,
    parts: tuple[str, ...],
    files: list[Path],
    why: str | None,
    member: str,
    package_sha: str | None = None,
) -> StoredCase:
    """The new revision: a timeline entry and the recipient in ``forwarded_to``."""
    kind = FORWARDED_KIND if FORWARDED_KIND in store.vocab.timeline_kinds else "note"
    digests = "; ".join(f"{p.name} (SHA-256 {_sha256(p)})" for p in files)
    text = (
        f"Case report (revision {report_rev}) forwarded to {to} by {member}. "
        f"Left out: {', '.join(parts) or 'nothing'}. Files: {digests}."
    )
    if package_sha is not None:
        text += f" Case package content SHA-256 {package_sha}."
    # The forward is an addition: someone saving meanwhile is no reason to lose
    # it, so it goes on top of the newest revision.
    for _attempt in range(5):
        current = store.get(case_id)
        entry = TimelineEntry(
            at=dt.datetime.now().replace(second=0, microsecond=0),
            by=[member],
            kind=kind,
            with_=[to],
            text=text,
            why=why,
        )
        case = current.case
        forwarded = case.forwarded_to if to in case.forwarded_to else [*case.forwarded_to, to]
        edited = case.model_copy(
            update={"timeline": [*case.timeline, entry], "forwarded_to": forwarded}
        )
        try:
            return store.save(edited, by=member, base_rev=current.rev)
        except Conflict:
            continue
    raise CocdataError(
        f"Case {case_id} kept changing; the forward is in the access log and the files "
        "were written, but the case does not record it yet.",
        f"Add a timeline note to {case_id} saying it was forwarded to {to}.",
    )

"""The per-case internal report: what it loads, and the jobs that render it.

The template ``case_report.ipynb`` (in ``cocdata/report_notebooks/``)
takes a store and a case id, calls :func:`load`, and shows one section per cell, in the order
of the guide's template: a CONFIDENTIAL banner; **Report**, **When**,
**Where**, **What happened** and **Actions taken**; then people and roles,
the full timeline, decisions and forwarding, evidence, and the revision
history. Every piece of record text goes through
:mod:`cocdata.reports.present`, which escapes it.

``redact`` leaves parts out of a copy meant for someone outside the team
(see :data:`REDACTIONS`); the sections stay, saying what was left out. The
sections themselves are in :mod:`cocdata.reports.case_sections`; they are
named here too, so that the template reads ``report.banner(view)`` and so on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata.errors import ReportFailed, UsageError
from cocdata.model import Case
from cocdata.reports.case_sections import (
    REDACTED,
    REDACTIONS,
    banner,
    decisions,
    evidence,
    guide_sections,
    history,
    people,
    timeline,
    timeline_chart,
    when,
)

if TYPE_CHECKING:
    from cocdata.accesslog import AccessEntry
    from cocdata.reports.engine import RenderJob, RenderResult
    from cocdata.revisions import RevisionMeta
    from cocdata.store import Store, StoredCase
    from cocdata.vocab import Vocabularies

__all__ = [
    "DEFAULT_OUT",
    "REDACTED",
    "REDACTIONS",
    "CaseView",
    "banner",
    "case_jobs",
    "check_redactions",
    "decisions",
    "evidence",
    "guide_sections",
    "history",
    "load",
    "people",
    "render_case_reports",
    "timeline",
    "timeline_chart",
    "when",
]

DEFAULT_OUT = Path("reports") / "cases"
"""Where case reports go unless told otherwise (git-ignored: they hold names)."""


def check_redactions(redact: Iterable[str]) -> frozenset[str]:
    """``redact`` as a set, refusing names that are not in :data:`REDACTIONS`."""
    wanted = frozenset(redact)
    unknown = sorted(wanted - REDACTIONS.keys())
    if unknown:
        raise ReportFailed(
            f"Cannot redact {', '.join(map(repr, unknown))}: not a part of the case report.",
            f"Choose from: {', '.join(REDACTIONS)}.",
        )
    return wanted


@dataclass(frozen=True)
class CaseView:
    """Everything one case report shows, loaded once from the store."""

    stored: StoredCase
    history: Sequence[RevisionMeta]
    vocab: Vocabularies
    store_state: str
    generated_at: dt.datetime
    redact: frozenset[str] = field(default_factory=frozenset)
    access: Sequence[AccessEntry] = ()

    @property
    def case(self) -> Case:
        return self.stored.case


def load(store: str | Path | None, case_id: str, redact: Iterable[str] = ()) -> CaseView:
    """Read one case, its history, its access log and the store's state for a report."""
    from cocdata import accesslog
    from cocdata.store import Store

    opened = Store.open(store, create=False)
    stored = opened.get(case_id)
    return CaseView(
        stored=stored,
        history=opened.history(case_id),
        vocab=opened.vocab,
        store_state=opened.fingerprint(),
        generated_at=dt.datetime.now().replace(microsecond=0),
        redact=check_redactions(redact),
        access=accesslog.entries(opened, case_id),
    )


# -- rendering ---------------------------------------------------------------


def case_jobs(
    store: Store,
    case_ids: Sequence[str],
    formats: Sequence[str] = ("html",),
    out_dir: Path | None = None,
    redact: Iterable[str] = (),
) -> list[RenderJob]:
    """One render job per case; refuses unknown case ids before any kernel starts."""
    from cocdata.errors import NotFound
    from cocdata.reports.engine import RenderJob
    from cocdata.reports.notebooks import CASE_REPORT, template_path
    from cocdata.team import recusal

    wanted = check_redactions(redact)
    known = set(store.case_ids())
    missing = [c for c in case_ids if c not in known]
    if missing:
        raise NotFound(
            f"There is no case {', '.join(map(repr, missing))} in the store at {store.root}.",
            "List the cases with 'cocdata cases'.",
        )
    for case_id in case_ids:  # a recused member is refused before any kernel starts
        recusal.check_case(store, case_id)
    template = template_path(CASE_REPORT)
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT
    return [
        RenderJob(
            template=template,
            parameters={
                "store": str(store.root.resolve()),  # the kernel runs elsewhere
                "case_id": case_id,
                "redact": sorted(wanted),
            },
            out=out / case_id,
            title=f"Case {case_id}",
            formats=tuple(formats),
            private=True,
        )
        for case_id in dict.fromkeys(case_ids)
    ]


def render_case_reports(
    store: Store,
    case_ids: Sequence[str],
    formats: Sequence[str] = ("html",),
    out_dir: Path | None = None,
    redact: Iterable[str] = (),
    workers: int | None = None,
    progress: bool = True,
) -> list[RenderResult]:
    """Render the internal report of each case; files go to ``out_dir/<case id>.<format>``.

    Returns one result per case; failed ones wrote nothing (see
    :func:`cocdata.reports.raise_for_failures`).
    """
    from cocdata import accesslog
    from cocdata.reports.engine import render

    if not case_ids:
        raise UsageError("No case to report on.", "Name one or more case ids.")
    jobs = case_jobs(store, case_ids, formats, out_dir, redact)
    redacted = f"; left out: {', '.join(sorted(redact))}" if redact else ""
    accesslog.record(
        store,
        "report",
        [str(j.parameters["case_id"]) for j in jobs],
        f"case report ({', '.join(formats)}) to {jobs[0].out.parent}{redacted}",
    )
    return render(jobs, workers=workers, progress=progress)

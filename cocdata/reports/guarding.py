"""The leak guard at work on published pages, and the access-log entries of publishing.

:func:`leak_guard` holds every name, contact, code name and case time of a
store; :func:`recheck` reads pages written before and checks them again
(without the inlined plotly.js, which is not report content).
:func:`record_rendering` and :func:`record_override` write the access-log
entries: which reports are rendered for which cases to which folder, and
each publication despite a finding (case and field, never the value).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata.errors import LeakFound

if TYPE_CHECKING:
    from cocdata.reports.leaks import Finding, LeakGuard
    from cocdata.store import Store
    from cocdata.tables import Frames


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
    from cocdata.reports.transparency_team import guard_team

    guard = LeakGuard.from_store(store, allowed=own_words(store))
    guard_team(guard, store)
    return guard


def statistics_guard(store: Store) -> LeakGuard:
    """The leak guard of a page that shows no case's text and no time of day (the yearly
    report, the index): every name, contact and code name of the store, as
    :func:`leak_guard` holds them, each distinct value gathered once, from the first case
    that holds it (a person named in many cases is one needle either way).

    It holds no case's time: a time is looked for only in the page of the case's own
    event, and these pages are checked as no event's."""
    import dataclasses

    import pandas as pd

    from cocdata.reports.leak_needles import column_values, first_rows
    from cocdata.reports.leaks import LeakGuard
    from cocdata.reports.transparency_team import guard_team
    from cocdata.team.recusal import seeing_all

    with seeing_all():  # a lead recused from a case still must not publish its names
        frames = store.frames()

    def firsts(frame: pd.DataFrame, column: str, others: list[str]) -> pd.DataFrame:
        """The first row holding each value of ``column``, with the ``others`` left empty."""
        if frame.empty:
            return frame
        return frame.iloc[first_rows(frame[column])].assign(**dict.fromkeys(others))

    def each(frame: pd.DataFrame, columns: list[str], times: list[str]) -> pd.DataFrame:
        parts = [firsts(frame, c, [o for o in columns if o != c] + times) for c in columns]
        return pd.concat(parts, ignore_index=True) if parts else frame

    slim = dataclasses.replace(
        frames,
        cases=each(frames.cases, ["made_by", "received_by"], ["made_at", "occurred_at"]),
        people=each(frames.people, ["name", "contact", "person"], []),
        timeline=each(frames.timeline, ["by", "with"], ["at"]),
        actions=each(frames.actions, ["by"], ["at"]),
        evidence=each(frames.evidence, ["added_by"], ["added_at"]),
    )
    guard = LeakGuard(own_words(store))
    # Every case keeps its code name; names and members once each.
    guard.add_frames(slim, case_ids=column_values(frames.cases["case_id"]))
    guard_team(guard, store)
    return guard


def strip_plotly(html: str) -> str:
    """A written page without the inlined plotly.js library (not report content)."""
    from cocdata.reports.export import PLOTLY_MARKER, plotly_js

    library = f"<script>{plotly_js()}</script>"
    return html.replace(library, PLOTLY_MARKER, 1) if library in html else html


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


def record_rendering(
    store: Store, records: Frames, event_ids: Sequence[str], out: Path, what: str = ""
) -> None:
    """Record in the access log, before rendering, which events' reports go where.

    ``what`` names the report when it is not the events' own (the yearly report)."""
    from cocdata import accesslog

    cases = records.cases.loc[records.cases["event_id"].isin(event_ids), "case_id"]
    shown = ", ".join(event_ids[:8]) + (
        f" and {len(event_ids) - 8} more" if len(event_ids) > 8 else ""
    )
    accesslog.record(
        store,
        "report",
        [str(c) for c in cases],
        detail=(
            f"{what} across {len(event_ids)} event(s) ({shown}) to {out}: statistics only"
            if what
            else f"transparency reports of {len(event_ids)} event(s) ({shown}) to {out}: "
            "statistics and public summaries only"
        ),
    )


def summaries(records: Frames) -> dict[str, dict[str, str]]:
    """Public summaries of the cases marked for publication, by event and case."""
    cases = records.cases
    marked = cases[cases["include_public"].astype(bool) & cases["public_summary"].notna()]
    out: dict[str, dict[str, str]] = {}
    for event_id, case_id, summary in zip(
        marked["event_id"], marked["case_id"], marked["public_summary"], strict=True
    ):
        out.setdefault(str(event_id), {})[str(case_id)] = str(summary)
    return out


def recheck(
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
            texts[fmt] = strip_plotly(text) if fmt == "html" else text
    try:
        guard.check(
            event_id, title, texts, summaries.get(event_id), accept=entry.get("accepted", [])
        )
    except LeakFound as exc:
        return exc.message
    return None

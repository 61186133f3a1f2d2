"""Plain-text views of cases for the terminal: the case list, one case, its history."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from cocdata.errors import NotFound, UsageError
from cocdata.fields import format_time
from cocdata.model import Case
from cocdata.revisions import RevisionMeta
from cocdata.store import Store, StoredCase
from cocdata.team import recusal
from cocdata.vocab import STATUSES, Vocabularies


def check_filters(store: Store, event: str | None = None, status: str | None = None) -> None:
    """Refuse a status or event id the store cannot have, naming it and the valid ones.

    Without this a typo would answer "No cases", which reads as a fact about
    the store.
    """
    if status and status not in STATUSES:
        raise UsageError(
            f"{status!r} is not a status.",
            f"Use one of: {', '.join(STATUSES)}.",
        )
    if event:
        known = sorted(store.events())
        if event not in known:
            some = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
            raise NotFound(
                f"There is no event {event!r} in the store.",
                f"Events in the store: {some}." if known else "The store has no events yet.",
            )


def case_table(
    store: Store, event: str | None = None, status: str | None = None, person: str | None = None
) -> str:
    """The store's cases as an aligned text table, newest report first; ``person``
    keeps the cases naming that person code name.

    An unknown status or event id is refused (:func:`check_filters`).
    """
    check_filters(store, event, status)
    frames = store.frames()
    cases = frames.cases
    if event:
        cases = cases[cases["event_id"] == event]
    if status:
        cases = cases[cases["status"] == status]
    if person:
        people = frames.people
        cases = cases[cases["case_id"].isin(people.loc[people["person"] == person, "case_id"])]
    hidden = int(cases["case_id"].isin(recusal.hidden(store)).sum())
    cases = cases[~cases["case_id"].isin(recusal.hidden(store))]
    if cases.empty:
        where = " matching those filters" if event or status or person else ""
        more = f" (but {hidden} you are recused from)" if hidden else ""
        return f"No cases{where} in {store.root}{more}."
    view = cases.sort_values("made_at", ascending=False).assign(
        received=lambda d: d["made_at"].dt.strftime("%Y-%m-%d %H:%M"),
        categories=lambda d: d["categories"].map(lambda c: ", ".join(c)),
        rev=lambda d: d["rev"].astype(str),
    )[["case_id", "event_id", "status", "received", "categories", "space", "rev"]]
    view.columns = ["case", "event", "status", "received", "categories", "space", "rev"]
    more = f" (and {hidden} you are recused from)" if hidden else ""
    return view.to_string(index=False) + f"\n{len(view)} case(s){more}"


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "—"


def case_text(stored: StoredCase, vocab: Vocabularies, retention: str | None = None) -> str:
    """One case under the guide's headings: Report, When, Where, What happened, Actions taken.

    ``retention`` is the expunge rule in words (``retention.CaseRetention.describe``).
    """
    case: Case = stored.case
    r, o = case.report, case.occurred
    out = [
        f"Case {case.case_id} — {case.event.name} ({case.event.id})",
        f"Status: {case.status}; revision {stored.rev}, saved by {stored.saved_by} "
        f"at {stored.saved_at:%Y-%m-%d %H:%M}",
        "",
        f"Report: {vocab.label('channels', r.channel)} report made by "
        f"{r.made_by or 'an anonymous reporter'} on {format_time(r.made_at)}"
        f"{f' at {r.made_where}' if r.made_where else ''}; received by {_names(r.received_by)}.",
        f"When: {o.describe()}",
        f"Where: {o.where or 'unknown'}"
        + (f" ({vocab.label('spaces', o.space)})" if o.space else ""),
        "",
        "What happened:",
        textwrap.indent(textwrap.fill(case.description or "(not written yet)", 88), "  "),
        "",
        "People involved:",
    ]
    for p in case.people:
        contact = f" <{p.contact}>" if p.contact else ""
        code = f" [{p.person}]" if p.person else ""
        out.append(f"  - {vocab.label('roles', p.role)}: {p.name or '(no name)'}{contact}{code}")
    if not case.people:
        out.append("  (none recorded)")
    out += [
        "",
        f"Categories: {_names([vocab.label('categories', c) for c in case.categories])}",
        f"Safety risk: {'yes' if case.safety_risk else 'no'}; ongoing harassment: {case.ongoing}",
        "",
        "Timeline:",
    ]
    for t in case.timeline:
        extra = []
        if t.with_:
            extra.append(f"with {_names(t.with_)}")
        if t.reaction:
            extra.append(f"reaction: {vocab.label('reactions', t.reaction)}")
        if t.why:
            extra.append(f"why: {t.why}")
        out.append(
            f"  {format_time(t.at)}  {vocab.label('timeline_kinds', t.kind)} by {_names(t.by)}"
            + (f" ({'; '.join(extra)})" if extra else "")
        )
        if t.text:
            out.append(textwrap.indent(textwrap.fill(t.text, 84), "      "))
    if not case.timeline:
        out.append("  (nothing yet)")
    out += ["", "Actions taken:"]
    for a in case.actions:
        when = f" on {format_time(a.at)}" if a.at else ""
        out.append(
            f"  - {vocab.label('actions', a.kind)}{when} by {_names(a.by)}: {a.text or ''}".rstrip(
                ": "
            )
        )
    if not case.actions:
        out.append("  (none yet)")
    out += [
        "",
        f"Reported to: {_names(case.decisions.reported_to)}",
        f"Organisers must: {case.decisions.organisers_must or '—'}",
        f"Forwarded to: {_names(case.forwarded_to)}",
        f"Transparency report: {'included' if case.transparency.include else 'not included'}"
        + (f" — {case.transparency.summary}" if case.transparency.summary else ""),
    ]
    if retention:
        out.append(f"Retention: {retention}")
    if case.evidence:
        out += ["", "Evidence:"]
        out += [
            f"  - {e.name} ({e.media_type}, {e.size} bytes, sha256 {e.sha256})"
            + (f" — {e.note}" if e.note else "")
            for e in case.evidence
        ]
    return "\n".join(out)


def history_text(metas: Sequence[RevisionMeta]) -> str:
    """Every revision of a case: number, when, who, what changed."""
    lines = ["", "History:"]
    for m in metas:
        lines.append(
            f"  rev {m.rev}  {m.saved_at:%Y-%m-%d %H:%M:%S}  {m.saved_by}: {', '.join(m.changes)}"
        )
    return "\n".join(lines)


def subject_access_text(code: str, summary: dict, where: str = "") -> str:
    """What a subject-access export held (``people.write_subject_access``'s summary)."""
    return (
        f"Exported everything held about {code}{where}: {summary['cases']} case(s), "
        f"{summary['revisions']} revision(s), {summary['evidence_naming_them']} evidence "
        f"file(s) naming them, {summary['other_cases_mentioning_them']} other case(s) "
        f"mentioning them, {summary['access_log_entries']} access-log entries. "
        "It holds other people's data too: review it before sending."
    )

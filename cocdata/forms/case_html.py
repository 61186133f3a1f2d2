"""The case at a glance and its timeline as HTML; every piece of record text is escaped."""

from __future__ import annotations

from cocdata.errors import CocdataError
from cocdata.forms import fields as F
from cocdata.forms.evidence import human_size
from cocdata.forms.labels import STATUS_LABELS
from cocdata.forms.templating import render
from cocdata.forms.times import format_when
from cocdata.model import Case
from cocdata.store import Store, StoredCase


def _retention(store: Store, case_id: str) -> str:
    """The case's expunge date and rule in words (``cocdata.retention``)."""
    from cocdata.retention import case_retention

    try:
        return case_retention(store, case_id).describe()
    except CocdataError as exc:
        return f"not known ({exc.message})"


def summary_html(stored: StoredCase, store: Store) -> str:
    """The case at a glance; every piece of record text is escaped."""
    case, v = stored.case, store.vocab
    r, o = case.report, case.occurred

    def item(term: str, value: object) -> tuple[str, str]:
        return term, value if isinstance(value, str) else ("" if value is None else str(value))

    people = "; ".join(
        f"{v.label('roles', p.role).split(' (')[0]}: {p.name or 'no name'}"
        + (f" ({p.contact})" if p.contact else "")
        for p in case.people
    )
    happened = o.describe() + (f", {o.where}" if o.where else "")
    if o.space:
        happened += f" ({v.label('spaces', o.space)})"
    reported = (
        f"{r.made_by or 'anonymous'}, {format_when(r.made_at)}"
        + (f", {r.made_where}" if r.made_where else "")
        + f", {v.label('channels', r.channel)}; received by {F.join_names(r.received_by) or 'nobody named'}"
    )
    parts = [
        item("Event", f"{case.event.name} ({case.event.start} to {case.event.end})"),
        item("Status", STATUS_LABELS.get(case.status, case.status)),
        item("Reported", reported),
        item("Happened", happened),
        item("People", people),
        item("What happened", case.description),
        item("Kind of behaviour", ", ".join(v.label("categories", c) for c in case.categories)),
        item("Safety risk", "yes" if case.safety_risk else "no"),
        item("Ongoing harassment", case.ongoing),
        item("Decided to report it to", F.join_names(case.decisions.reported_to)),
        item("Organisers must", case.decisions.organisers_must),
        item(
            "Transparency report",
            ("included: " + (case.transparency.summary or "(no summary yet)"))
            if case.transparency.include
            else "not included",
        ),
        item("Written report sent to", F.join_names(case.forwarded_to)),
        item(
            "Actions",
            "; ".join(
                f"{v.label('actions', a.kind)}" + (f": {a.text}" if a.text else "")
                for a in case.actions
            ),
        ),
        item(
            "Evidence",
            "; ".join(
                f"{e.name} ({human_size(e.size)})" + (f": {e.note}" if e.note else "")
                for e in case.evidence
            ),
        ),
        item("Retention", _retention(store, stored.case_id)),
    ]
    head = (
        f"Case {stored.case_id}, revision {stored.rev}, saved by {stored.saved_by} "
        f"at {stored.saved_at:%Y-%m-%d %H:%M}"
    )
    return render("case_summary.html.j2", head=head, items=parts)


HEADS = ("When", "What", "By", "With", "Text", "Details")


def timeline_html(case: Case, store: Store) -> str:
    """The timeline as a table, oldest first; every piece of record text is escaped."""
    v = store.vocab
    if not case.timeline:
        return "<p>Nothing on the timeline yet. Add the first entry below.</p>"
    evidence = {e.sha256: e.name for e in case.evidence}
    rows = []
    for entry in sorted(case.timeline, key=lambda e: e.at):
        details = []
        if entry.why:
            details.append(f"Why: {entry.why}")
        if entry.reaction:
            details.append(f"Reaction: {v.label('reactions', entry.reaction)}")
        if entry.evidence:
            details.append(
                "Evidence: " + ", ".join(evidence.get(sha, sha[:12]) for sha in entry.evidence)
            )
        cells = [
            format_when(entry.at),
            v.label("timeline_kinds", entry.kind),
            F.join_names(entry.by),
            F.join_names(entry.with_),
            entry.text or "",
            "; ".join(details),
        ]
        # Each cell names its column, so a phone shows the rows as cards (see the CSS).
        rows.append(
            "<tr>"
            + "".join(
                f"<td data-label='{h}'>{F.esc(c)}</td>" for h, c in zip(HEADS, cells, strict=True)
            )
            + "</tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in HEADS)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

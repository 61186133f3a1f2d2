"""The sections of the per-case internal report, as ``present`` blocks.

Each function takes the :class:`~cocdata.reports.case.CaseView` that
``case.load`` read and returns the blocks of one part of the guide's
template: the CONFIDENTIAL banner, the guide's five sections, people, the
timeline with its chart, decisions, evidence and the revision history.
Every piece of record text goes through :mod:`cocdata.reports.present`,
which escapes it; parts named in ``view.redact`` are left out, saying so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cocdata.model import Occurrence, Person
from cocdata.names import fold_name
from cocdata.reports.present import (
    Block,
    chart,
    field_list,
    heading,
    notice,
    table,
    text,
)

if TYPE_CHECKING:
    from cocdata.reports.case import CaseView


REDACTIONS: dict[str, str] = {
    "names": "names of the people involved, shown by their person code names instead",
    "contacts": "contact details of the people involved",
    "description": "the description of what happened",
    "timeline": "the text of timeline entries",
    "evidence": "the evidence files' names and notes",
    "history": "the revision history",
}
"""What ``redact`` can leave out, by name."""

REDACTED = "[left out of this copy]"


# -- how things read -----------------------------------------------------


def when(value: dt.datetime | None) -> str:
    """A time as the guide writes it: '29 December 2000, 09:00'."""
    if value is None:
        return "unknown"
    return f"{value.day} {value:%B %Y, %H:%M}"


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "—"


class _Namer:
    """Names of the people in a case, or their code names where names are redacted."""

    def __init__(self, view: CaseView) -> None:
        self.hide = "names" in view.redact
        # Keyed by the folded name (cocdata.names), so that "PERSON  B" typed in a
        # timeline entry is the same person as "Person B" in the people list.
        self._folded: dict[str, str] = {}
        spellings: set[str] = set()
        for p in view.case.people:
            if p.name and fold_name(p.name):
                self._folded.setdefault(fold_name(p.name), p.person or "a person involved")
                spellings |= {p.name, fold_name(p.name)}
        # Any spacing, line breaks included, between the words of a name.
        words = [r"\s+".join(map(re.escape, s.split())) for s in spellings]
        pattern = "|".join(sorted(words, key=len, reverse=True))
        self._pattern = re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) if pattern else None

    def person(self, p: Person) -> str:
        if self.hide:
            return p.person or "a person involved"
        return p.name or "(no name recorded)"

    def name(self, name: str | None) -> str | None:
        if name is None or not self.hide:
            return name
        return self._folded.get(fold_name(name), name)

    def names(self, items: Sequence[str]) -> list[str]:
        return [self.name(n) or n for n in items]

    def in_text(self, value: str | None) -> str | None:
        """Free text with the case's people's names replaced by code names, when redacting."""
        if value is None or not self.hide or self._pattern is None:
            return value
        # A match whose folding differs from every known spelling still names
        # someone: leave the name out rather than show it.
        return self._pattern.sub(
            lambda m: self._folded.get(fold_name(m.group(0)), "a person involved"), value
        )


def _redacted(part: str) -> Block:
    return text(f"{REDACTED}: {REDACTIONS[part]}.")


# -- the sections ----------------------------------------------------------


def banner(view: CaseView) -> list[Block]:
    """CONFIDENTIAL, the case code name, when the report was made, and from which revision."""
    s = view.stored
    lines = [
        heading(f"Case {s.case_id}: internal report", 1),
        notice(
            "CONFIDENTIAL — for the Code of Conduct response team only. "
            "It holds information about real people: do not publish or forward it."
            if not view.redact
            else "CONFIDENTIAL — redacted copy for a named recipient; do not pass it on."
        ),
        field_list(
            {
                "Case": s.case_id,
                "Event": f"{view.case.event.name} ({view.case.event.id})",
                "Status": view.case.status,
                "Generated": when(view.generated_at),
                "Case revision": str(s.rev)
                if "history" in view.redact
                else f"{s.rev}, saved by {s.saved_by} on {when(s.saved_at)}",
                "Store state": view.store_state,
            }
        ),
    ]
    if view.redact:
        lines.append(
            text(
                "Left out of this copy: "
                + "; ".join(REDACTIONS[p] for p in REDACTIONS if p in view.redact)
                + "."
            )
        )
    return lines


def guide_sections(view: CaseView) -> list[Block]:
    """The guide's template: Report, When, Where, What happened, Actions taken."""
    case, vocab, namer = view.case, view.vocab, _Namer(view)
    r, o = case.report, case.occurred
    reporter = namer.name(r.made_by) if r.made_by else "an anonymous reporter"
    report_line = (
        f"{vocab.label('channels', r.channel)} report made by {reporter}"
        f" and received by {_names(r.received_by)}"
        f" on {when(r.made_at)}" + (f" in {r.made_where}" if r.made_where else "") + "."
    )
    where = o.where or "unknown"
    if o.space:
        where += f" ({vocab.label('spaces', o.space)})"
    blocks = [
        heading("Report", 2),
        text(report_line),
        field_list(
            {
                "How": vocab.label("channels", r.channel),
                "Made by": reporter,
                "When": when(r.made_at),
                "Where": r.made_where or "—",
                "Received by": _names(r.received_by),
            }
        ),
        heading("When", 2),
        text(_occurred(o)),
        heading("Where", 2),
        text(f"{where} at {case.event.name}"),
        heading("What happened", 2),
    ]
    targets = case.people_in("target")
    blocks.append(
        field_list(
            {
                "Target (the person harmed or made uncomfortable)": ", ".join(
                    namer.person(p) for p in targets
                )
                or "not stated yet",
                "Reported": ", ".join(namer.person(p) for p in case.people_in("reported"))
                or "not stated yet",
                "Categories": _names([vocab.label("categories", c) for c in case.categories]),
                "Safety risk": "yes" if case.safety_risk else "no",
                "Ongoing harassment": case.ongoing,
            }
        )
    )
    if "description" in view.redact:
        blocks.append(_redacted("description"))
    else:
        blocks.append(text(namer.in_text(case.description) or "(not written yet)"))
    blocks.append(heading("Actions taken", 2))
    if case.actions:
        blocks.append(
            table(
                _frame(
                    [
                        {
                            "action": vocab.label("actions", a.kind),
                            "when": when(a.at) if a.at else "—",
                            "by": _names(a.by),
                            "what": namer.in_text(a.text) or "",
                        }
                        for a in case.actions
                    ]
                )
            )
        )
    else:
        blocks.append(text("No action recorded yet."))
    return blocks


def _occurred(o: Occurrence) -> str:
    """When it happened, as precisely as it is known, in the guide's style."""
    if o.at is None:
        return "unknown"
    shown = {
        "minute": when(o.at),
        "hour": f"{o.at.day} {o.at:%B %Y}, around {o.at:%H}:00",
        "day": f"{o.at.day} {o.at:%B %Y}",
        "month": f"{o.at:%B %Y}",
    }[o.precision]
    return f"about {shown} (approximate)" if o.approximate else shown


def people(view: CaseView) -> list[Block]:
    """Everyone involved, with their role and person code name."""
    case, vocab, namer = view.case, view.vocab, _Namer(view)
    blocks = [heading("People and roles", 2)]
    if not case.people:
        return [*blocks, text("No one recorded yet.")]
    rows = []
    for p in case.people:
        row = {
            "role": vocab.label("roles", p.role),
            "name": namer.person(p),
            "person code": p.person or "—",
        }
        if "contacts" in view.redact:
            row["contact"] = REDACTED if p.contact else "—"
        else:
            row["contact"] = p.contact or "—"
        rows.append(row)
    return [*blocks, table(_frame(rows))]


def timeline(view: CaseView) -> list[Block]:
    """Every dated step, oldest first, with who, with whom, the reaction and why; and a chart."""
    case, vocab, namer = view.case, view.vocab, _Namer(view)
    blocks = [heading("Timeline", 2)]
    if not case.timeline:
        return [*blocks, text("Nothing recorded yet.")]
    hide_text = "timeline" in view.redact
    blocks.append(timeline_chart(view))
    for t in sorted(case.timeline, key=lambda t: t.at):
        details = {"By": _names(t.by)}
        if t.with_:
            details["With"] = _names(namer.names(t.with_))
        if t.reaction:
            details["Reaction"] = vocab.label("reactions", t.reaction)
        if t.why:
            details["Why"] = REDACTED if hide_text else namer.in_text(t.why)
        if t.evidence:
            details["Evidence"] = ", ".join(_evidence_names(view, t.evidence))
        blocks += [
            heading(f"{when(t.at)} — {vocab.label('timeline_kinds', t.kind)}", 3),
            field_list(details),
        ]
        if t.text:
            blocks.append(text(REDACTED if hide_text else namer.in_text(t.text)))
    return blocks


def _evidence_names(view: CaseView, digests: Sequence[str]) -> list[str]:
    by_digest = {e.sha256: e.name for e in view.case.evidence}
    hide = "evidence" in view.redact
    return [f"{'item' if hide else by_digest.get(d, 'item')} (SHA-256 {d[:12]}…)" for d in digests]


def timeline_chart(view: CaseView) -> Block:
    """The case on a time axis: the incident, the report, each timeline step and action."""
    import plotly.graph_objects as go

    case, vocab = view.case, view.vocab
    points: list[tuple[dt.datetime, str]] = []
    if case.occurred.at is not None:
        points.append((case.occurred.at, "Incident"))
    points.append((case.report.made_at, "Report received"))
    points += [(t.at, vocab.label("timeline_kinds", t.kind)) for t in case.timeline]
    points += [(a.at, f"Action: {vocab.label('actions', a.kind)}") for a in case.actions if a.at]
    points.sort()
    lanes = list(dict.fromkeys(label for _, label in points))
    fig = go.Figure(
        go.Scatter(
            x=[at for at, _ in points],
            y=[label for _, label in points],
            mode="markers+lines",
            marker={"size": 11},
            line={"color": "#bbbbbb", "width": 1},
            hovertemplate="%{y}<br>%{x|%d %b %Y %H:%M}<extra></extra>",
        )
    )
    fig.update_layout(
        template="simple_white",
        height=max(220, 60 + 34 * len(lanes)),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1], "title": None},
        xaxis={"title": None},
        showlegend=False,
    )
    return chart(fig, alt=f"Timeline of case {view.stored.case_id}", height=fig.layout.height)


def decisions(view: CaseView) -> list[Block]:
    """Decisions about further actions, forwarding and the transparency report."""
    case = view.case
    t = case.transparency
    return [
        heading("Decisions and forwarding", 2),
        field_list(
            {
                "Reported to": _names(case.decisions.reported_to),
                "Organisers or the team must": case.decisions.organisers_must or "—",
                "Forwarded to": _names(case.forwarded_to),
                "Transparency report": "included" if t.include else "not included",
                "Public summary (as it will be published)": t.summary or "—",
            }
        ),
    ]


def evidence(view: CaseView) -> list[Block]:
    """Evidence kept in the store: name, type, size, SHA-256, note."""
    case = view.case
    blocks = [heading("Evidence", 2)]
    if not case.evidence:
        return [*blocks, text("No evidence kept.")]
    hide = "evidence" in view.redact
    rows = [
        {
            "name": REDACTED if hide else e.name,
            "type": e.media_type,
            "bytes": e.size,
            "SHA-256": e.sha256,
            "added": f"{when(e.added_at)} by {e.added_by}" if e.added_at else "—",
            "note": (REDACTED if e.note else "—") if hide else (e.note or "—"),
        }
        for e in case.evidence
    ]
    return [*blocks, table(_frame(rows))]


def history(view: CaseView) -> list[Block]:
    """Every revision: who changed what, when; and who exported, reported or forwarded it."""
    blocks = [heading("Revision history", 2)]
    if "history" in view.redact:
        return [*blocks, _redacted("history")]
    rows = [
        {
            "revision": m.rev,
            "saved": when(m.saved_at),
            "by": m.saved_by,
            "changed": ", ".join(m.changes) or "—",
        }
        for m in view.history
    ]
    blocks += [table(_frame(rows)), heading("Access log", 3)]
    if not view.access:
        return [*blocks, text("Not exported, reported or forwarded before this report.")]
    from cocdata.accesslog import ACTIONS

    access = [
        {
            "when": when(e.at),
            "by": e.by,
            "what": ACTIONS.get(e.action, e.action),
            "detail": e.detail,
            "cases": len(e.cases),
        }
        for e in view.access
    ]
    return [*blocks, table(_frame(access))]


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows)

"""Case work: find a case, read it, and add to it after every meeting, e-mail or decision.

``CaseWorkspace`` is what ``case.ipynb`` shows: a finder (code name, event,
status, person name), the case's summary and timeline (all record text
escaped), and tabs to add a timeline entry of each kind, record an action,
change the status, edit the fields and attach evidence. Every save is a new
revision by the current team member on top of the revision on screen; when
someone else saved meanwhile, the workspace shows what they changed and
offers to put the user's addition on top of the newest revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from cocdata.errors import CocdataError, Conflict, InvalidRecord, Problem
from cocdata.forms import fields as F
from cocdata.forms.drafts import DEFAULT_DELAY_S, DraftKeeper, DraftOffer, drafts_for
from cocdata.forms.evidence import EvidenceUpload, human_size
from cocdata.forms.intake import STATUS_LABELS, CaseForm, FormUnavailable, MemberBar, slugify
from cocdata.forms.merge import edit_between, overlap, reapply
from cocdata.forms.times import format_when, parse_when
from cocdata.model import Case, check_case, validate
from cocdata.store import Store, StoredCase
from cocdata.vocab import STATUSES, status_move_allowed

ALL = "__all__"
MAX_RESULTS = 200

# What each kind of timeline entry asks for: label of each field, or None to hide it.
ENTRY_FIELDS: dict[str, dict[str, str | None]] = {
    "meeting": {
        "with": "Who you met",
        "text": "What was said, and how it went",
        "reaction": "Their reaction",
        "why": None,
    },
    "email-sent": {
        "with": "Sent to",
        "why": "Why it was sent",
        "text": "What it said (paste the e-mail or summarise it)",
        "reaction": None,
    },
    "third-party": {
        "with": "Who was consulted",
        "why": "Why they were consulted",
        "text": "What they advised",
        "reaction": None,
    },
    "decision": {
        "with": None,
        "why": "Why (optional)",
        "text": "What was decided",
        "reaction": None,
    },
    "reaction": {
        "with": "Whose reaction",
        "text": "What they said or did",
        "reaction": "Their reaction",
        "why": None,
    },
    "problem": {
        "with": "Who caused it",
        "text": "What happened (attach evidence below)",
        "reaction": None,
        "why": None,
    },
    "note": {"with": None, "why": None, "text": "Note", "reaction": None},
    "forwarded": {
        "with": "Forwarded to",
        "why": "Why it was forwarded",
        "text": "What was sent (cocdata forward writes this entry itself)",
        "reaction": None,
    },
}
ENTRY_HELP = {
    "meeting": "Document who met whom, what was said and the reaction.",
    "email-sent": "Copy the e-mail into the text or attach it as a file.",
    "third-party": "Who outside the team was asked for advice, and why.",
    "decision": "Decisions of the team, with the reason.",
    "reaction": "How an involved side reacted (an apology, a dispute, silence).",
    "problem": "Problems the reported person caused during the process, with evidence.",
    "note": "Anything else worth writing down now.",
    "forwarded": "The case was passed on to another body, such as a foundation's CoC committee.",
}


def _names(values: list[str]) -> str:
    return ", ".join(values)


class CaseSession:
    """The case on screen and its saves: each a new revision on top of the one shown.

    ``save(edited, what)`` saves; on ``Conflict`` it keeps the user's change,
    shows what someone else changed, and ``reapply`` puts the change on top of
    the newest revision.
    """

    def __init__(self, store: Store, member: Callable[[], str]) -> None:
        self.store = store
        self.member = member
        self.stored: StoredCase | None = None
        self.listeners: list[Callable[[StoredCase], None]] = []
        self.board = F.ProblemBoard()
        self.status = F.Status("cocdata-case-status")
        self.conflict = F.vbox()
        self.conflict.add_class("cocdata-conflict")
        self._pending: tuple[Case, Case, str, Callable[[StoredCase], None] | None] | None = None

    def load(self, case_id: str) -> StoredCase:
        self.stored = self.store.get(case_id)
        self.conflict.children = ()
        self._pending = None
        self._notify()
        return self.stored

    def _notify(self) -> None:
        assert self.stored is not None
        for listener in self.listeners:
            listener(self.stored)

    def save(
        self,
        edited: Case,
        what: str,
        board: F.ProblemBoard | None = None,
        done: Callable[[StoredCase], None] | None = None,
    ) -> StoredCase | None:
        """Save ``edited`` on top of the revision shown; report problems on ``board``."""
        assert self.stored is not None
        board = board or self.board
        board.clear()
        self.status.clear()
        base = self.stored
        try:
            saved = self.store.save(edited, by=self.member(), base_rev=base.rev)
        except Conflict as exc:
            self._pending = (base.case, edited, what, done)
            self._show_conflict(exc, base.case, edited)
            return None
        except InvalidRecord as exc:
            board.show(exc.problems)
            return None
        except CocdataError as exc:
            board.message(str(exc))
            return None
        self._saved(saved, what, done)
        return saved

    def _saved(
        self, saved: StoredCase, what: str, done: Callable[[StoredCase], None] | None
    ) -> None:
        self.stored = saved
        self.conflict.children = ()
        self._pending = None
        if done:
            done(saved)
        self._notify()
        # Last, so that whoever sees the confirmation also sees the case updated.
        self.status.ok(
            f"{what} Saved as revision {saved.rev} of {saved.case_id} by {saved.saved_by} "
            f"at {saved.saved_at:%H:%M:%S}."
        )

    def _show_conflict(self, exc: Conflict, base: Case, edited: Case) -> None:
        edit = edit_between(base, edited)
        theirs = "".join(f"<li>{F.esc(c)}</li>" for c in exc.seen)
        clash = overlap(edit, [f for c in exc.seen for f in c.changed])
        clash_text = (
            f"<p>Both of you changed: {F.esc(', '.join(clash))}; re-applying puts your values there.</p>"
            if clash
            else ""
        )
        note = F.html_widget(
            "<div role='alert'><b>Not saved: someone else saved this case meanwhile.</b>"
            f"<ul>{theirs}</ul><p>Your change: {F.esc(', '.join(edit.describe()) or 'nothing')}.</p>"
            f"{clash_text}</div>"
        )
        apply_button = F.button(
            "Apply my change to the newest version", "cocdata-reapply", "warning"
        )
        reload_button = F.button("Show the newest version", "cocdata-load-newest")
        apply_button.on_click(lambda _: self.reapply())
        reload_button.on_click(lambda _: self.load(exc.case_id))
        box = F.vbox([note, F.row([apply_button, reload_button], "cocdata-buttons")])
        box.add_class("cocdata-notice")
        self.conflict.children = (box,)

    def reapply(self) -> StoredCase | None:
        """Put the refused change on top of the newest revision and save it."""
        if self._pending is None or self.stored is None:
            return None
        base, edited, what, done = self._pending
        newest = self.store.get(self.stored.case_id)
        try:
            merged = reapply(edit_between(base, edited), newest.case)
        except ValueError as exc:
            self.board.message(
                f"Your change no longer fits the newest version ({exc}); show the newest "
                "version and make it again."
            )
            return None
        self.stored = newest
        return self.save(merged, what, done=done)


class CaseFinder:
    """Find a case by code name, event, status or the name of someone involved."""

    def __init__(self, store: Store, on_open: Callable[[str], None]) -> None:
        self.store = store
        self.on_open = on_open
        self.cases: list[StoredCase] = []
        self.query = F.text(
            "find.text",
            "Code name or person",
            "Part of a code name (amber-falcon) or of the name of anyone involved.",
        )
        self.event = F.choice("find.event", "Event", [("All events", ALL)], value=ALL)
        self.status = F.choice(
            "find.status",
            "Status",
            [("Any status", ALL), *[(STATUS_LABELS[s], s) for s in STATUSES]],
            value=ALL,
        )
        self.results = W.Select(
            options=[],
            rows=8,
            description="Cases found",
            layout=F.layout("full"),
            style=F.style("description"),
        )
        self.results.add_class("cocdata-find-results")
        self.count = F.html_widget("")
        self.count.add_class("cocdata-find-count")
        self.open_button = F.button("Open case", "cocdata-open-case", "primary")
        self.open_button.on_click(lambda _: self.open_selected())
        self.refresh_button = F.button(
            "Refresh list", "cocdata-find-refresh", tip="Read the store again"
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        for field in (self.query, self.event, self.status):
            field.observe(lambda _: self.search())
        self.widget = F.vbox(
            [
                F.row([self.query.box, self.event.box, self.status.box]),
                F.Field("find.results", self.results, wide=True).box,
                self.count,
                F.row([self.open_button, self.refresh_button], "cocdata-buttons"),
            ]
        )
        self.widget.add_class("cocdata-finder")
        self.refresh()

    def refresh(self) -> None:
        """Read the store again (new cases, new revisions)."""
        self.cases = self.store.load_all()
        events = self.store.events()
        chosen = self.event.value
        self.event.widget.options = [
            ("All events", ALL),
            *[(e.name, e.id) for e in sorted(events.values(), key=lambda e: e.start, reverse=True)],
        ]
        self.event.value = chosen if chosen in events else ALL
        self.search()

    def update(self, stored: StoredCase) -> None:
        """Show a case's newest revision in the list without reading the whole store."""
        self.cases = [c for c in self.cases if c.case_id != stored.case_id] + [stored]
        chosen = self.results.value
        self.search()
        if chosen in {v for _, v in self.results.options}:
            self.results.value = chosen

    def matches(self) -> list[StoredCase]:
        """The cases that fit the search, newest report first."""
        words = self.query.value.strip().lower()
        found = []
        for stored in self.cases:
            case = stored.case
            if self.event.value != ALL and case.event.id != self.event.value:
                continue
            if self.status.value != ALL and case.status != self.status.value:
                continue
            if words:
                names = [stored.case_id, case.report.made_by or ""]
                names += [p.name or "" for p in case.people]
                names += [p.person or "" for p in case.people]
                if not any(words in n.lower() for n in names):
                    continue
            found.append(stored)
        return sorted(found, key=lambda s: s.case.report.made_at, reverse=True)

    def search(self) -> None:
        found = self.matches()
        shown = found[:MAX_RESULTS]
        self.results.options = [
            (
                f"{s.case_id} · {s.case.event.name} · {s.case.status} · "
                f"reported {s.case.report.made_at:%Y-%m-%d %H:%M}",
                s.case_id,
            )
            for s in shown
        ]
        more = (
            f" (showing the newest {MAX_RESULTS}; narrow the search)"
            if len(found) > len(shown)
            else ""
        )
        self.count.value = F.esc(f"{len(found)} case{'s' if len(found) != 1 else ''} found{more}")
        if len(shown) == 1:
            self.results.value = shown[0].case_id

    def open_selected(self) -> None:
        if self.results.value:
            self.on_open(self.results.value)
        else:
            self.count.value = F.esc("Choose a case in the list first, then open it.")


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

    def item(term: str, value: object) -> str:
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        return f"<dt>{F.esc(term)}</dt><dd>{F.esc(text) or '—'}</dd>"

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
        + f", {v.label('channels', r.channel)}; received by {_names(r.received_by) or 'nobody named'}"
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
        item("Reported onward to", _names(case.decisions.reported_to)),
        item("Organisers must", case.decisions.organisers_must),
        item(
            "Transparency report",
            ("included: " + (case.transparency.summary or "(no summary yet)"))
            if case.transparency.include
            else "not included",
        ),
        item("Forwarded to", _names(case.forwarded_to)),
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
    return f"<h3>{F.esc(head)}</h3><dl>{''.join(parts)}</dl>"


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
            _names(entry.by),
            _names(entry.with_),
            entry.text or "",
            "; ".join(details),
        ]
        rows.append("<tr>" + "".join(f"<td>{F.esc(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("When", "What", "By", "With", "Text", "Details"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class TimelineComposer:
    """Add one timeline entry: a meeting, an e-mail, a consultation, a decision, a problem, a note."""

    def __init__(
        self,
        session: CaseSession,
        now: Callable[[], dt.datetime],
        delay: float | None,
    ) -> None:
        self.session = session
        self.store = session.store
        self.now = now
        v = self.store.vocab
        self.board = F.ProblemBoard()
        self.kind = F.choice(
            "entry.kind", "Kind of entry", v.choices("timeline_kinds"), value="meeting"
        )
        self.at = F.text("entry.at", "When", "Like 2000-12-29 10:00, or 'now'.")
        self.by = F.text("entry.by", "By (team members)", "Separate names with commas.")
        self.with_ = F.text("entry.with", "Who you met", "Separate names with commas.")
        self.why = F.text("entry.why", "Why it was sent", "")
        self.text = F.area("entry.text", "What was said, and how it went", "", rows=5)
        self.reaction = F.choice(
            "entry.reaction", "Their reaction", v.choices("reactions"), blank="Not recorded"
        )
        self.kind_help = F.help_line("")
        self.evidence = EvidenceUpload(
            self.store,
            session.member,
            path="entry.evidence",
            label="Attach evidence",
            on_change=self.touch,
        )
        self.board.register(
            self.kind, self.at, self.by, self.with_, self.why, self.text, self.reaction
        )
        self.board.register(self.evidence.field)
        self.add_button = F.button("Add to timeline", "cocdata-add-entry", "success", icon="plus")
        self.add_button.on_click(lambda _: self.add())
        self.drafts = DraftKeeper(self.store, "entry", self._draft_data, session.member, delay)
        self.offer = F.vbox()
        self.kind.observe(lambda _: self._kind_changed())
        for field in self._fields():
            field.observe(self.touch)
        self.widget = F.vbox(
            [
                self.offer,
                F.row([self.kind.box, self.at.box, self.by.box]),
                self.kind_help,
                F.row([self.with_.box, self.why.box, self.reaction.box]),
                self.text.box,
                self.evidence.widget,
                self.board.summary,
                F.row([self.add_button], "cocdata-buttons"),
                self.drafts.status.widget,
            ]
        )
        self.widget.add_class("cocdata-composer")
        self.clear()

    def _fields(self) -> list[F.Field]:
        return [
            self.kind,
            self.at,
            self.by,
            self.with_,
            self.why,
            self.text,
            self.reaction,
            self.evidence.note,
        ]

    def touch(self, change: object = None) -> None:
        self.drafts.touch(change)

    def _kind_changed(self) -> None:
        labels = ENTRY_FIELDS.get(self.kind.value, ENTRY_FIELDS["note"])
        for key, field in (
            ("with", self.with_),
            ("why", self.why),
            ("text", self.text),
            ("reaction", self.reaction),
        ):
            label = labels.get(key)
            F.hide(field.box, not label)
            if label:
                field.widget.description = label
        self.kind_help.value = F.esc(ENTRY_HELP.get(self.kind.value, ""))

    def opened(self, stored: StoredCase) -> None:
        """A case was opened: drafts of entries for it are offered back."""
        member = self.session.member()
        self.drafts.draft_id = f"case-{stored.case_id}-entry-{slugify(member)}"
        with self.drafts.paused():
            self.clear()
        offered = [
            d
            for d in drafts_for(self.store, "entry", member, case_id=stored.case_id)
            if d["draft_id"] == self.drafts.draft_id
        ]
        offer = DraftOffer(self.store, offered, self.restore, "timeline entry")
        self.offer.children = (offer.widget,)
        self.draft_offer = offer

    def clear(self) -> None:
        with self.drafts.paused():
            self.kind.value = "meeting"
            self.at.value = "now"
            self.by.value = self.session.member()
            for field in (self.with_, self.why, self.text, self.evidence.note):
                field.value = ""
            self.reaction.value = None
            self.evidence.clear()
            self.board.clear()
            self._kind_changed()

    def values(self) -> dict[str, Any]:
        out = {f.path: f.value for f in self._fields()}
        out["evidence"] = self.evidence.values()
        return out

    def load_values(self, values: dict[str, Any]) -> None:
        with self.drafts.paused():
            for field in self._fields():
                if field.path in values:
                    field.value = values[field.path]
            self.evidence.load(values.get("evidence"))
            self._kind_changed()

    def _draft_data(self) -> dict[str, Any] | None:
        stored = self.session.stored
        if stored is None:
            return None
        return {
            "form": "entry",
            "case_id": stored.case_id,
            "base_rev": stored.rev,
            "summary": f"{self.kind.widget.label}: {(self.text.value or '')[:60]}",
            "values": self.values(),
        }

    def restore(self, draft: dict[str, Any]) -> None:
        self.load_values((draft.get("data") or {}).get("values") or {})
        self.touch()

    def build(self) -> tuple[Case | None, list[Problem]]:
        """The case with this entry appended, or the problems with what is typed."""
        stored = self.session.stored
        if stored is None:
            return None, [Problem("case", "open a case first")]
        problems: list[Problem] = []
        at: str | None = None
        try:
            when, _ = parse_when(self.at.value, self.now())
            if when is None:
                problems.append(
                    Problem("entry.at", "write when it happened, like 2000-12-29 10:00")
                )
            else:
                at = format_when(when)
        except ValueError as exc:
            problems.append(Problem("entry.at", str(exc)))
        labels = ENTRY_FIELDS.get(self.kind.value, ENTRY_FIELDS["note"])
        text = (self.text.value or "").strip()
        items = self.evidence.values()
        if not text and not items:
            problems.append(Problem("entry.text", "write what happened, or attach evidence"))
        if (
            self.kind.value in ("meeting", "email-sent", "third-party")
            and not self.with_.value.strip()
        ):
            problems.append(Problem("entry.with", f"write {str(labels['with']).lower()}"))
        entry = {
            "at": at,
            "by": F.split_names(self.by.value),
            "kind": self.kind.value,
            "with": F.split_names(self.with_.value) if labels.get("with") else [],
            "text": text,
            "reaction": self.reaction.value if labels.get("reaction") else None,
            "why": self.why.value if labels.get("why") else None,
            "evidence": [e["sha256"] for e in items],
        }
        data = stored.case.to_dict()
        index = len(data["timeline"])
        data["timeline"].append(entry)
        known = {e["sha256"] for e in data["evidence"]}
        data["evidence"] += [e for e in items if e["sha256"] not in known]
        for sub, field in (
            ("at", self.at),
            ("by", self.by),
            ("with", self.with_),
            ("text", self.text),
            ("reaction", self.reaction),
            ("why", self.why),
            ("kind", self.kind),
            ("evidence", self.evidence.field),
        ):
            self.board.fields[f"timeline.{index}.{sub}"] = field
        self.board.fields[f"timeline.{index}"] = self.text
        if problems:
            return None, problems
        case, found = validate(data, self.store.vocab)
        return case, found

    def add(self) -> StoredCase | None:
        """Append the entry to the case as a new revision."""
        self.board.clear()
        case, problems = self.build()
        if case is None:
            self.board.show(problems)
            return None
        kind = self.kind.widget.label
        saved = self.session.save(
            case, f"{kind} added to the timeline.", self.board, done=self._done
        )
        return saved

    def _done(self, _: StoredCase) -> None:
        self.drafts.discard()
        self.clear()


class ActionComposer:
    """Record an action the team decided on or took (a warning, a ban, ...)."""

    def __init__(self, session: CaseSession, now: Callable[[], dt.datetime]) -> None:
        self.session = session
        self.now = now
        v = session.store.vocab
        self.board = F.ProblemBoard()
        self.kind = F.choice("action.kind", "Action", v.choices("actions"), value="conversation")
        self.text = F.area("action.text", "Details", "What exactly was done or asked.", rows=3)
        self.at = F.text("action.at", "When", "Like 2000-12-29 10:00, or 'now'. Empty if planned.")
        self.by = F.text("action.by", "By (team members)", "Separate names with commas.")
        self.board.register(self.kind, self.text, self.at, self.by)
        self.button = F.button("Record action", "cocdata-add-action", "success", icon="plus")
        self.button.on_click(lambda _: self.add())
        self.widget = F.vbox(
            [
                F.row([self.kind.box, self.at.box, self.by.box]),
                self.text.box,
                self.board.summary,
                F.row([self.button], "cocdata-buttons"),
            ]
        )
        self.widget.add_class("cocdata-action-composer")
        self.clear()

    def clear(self) -> None:
        self.text.value = ""
        self.at.value = "now"
        self.by.value = self.session.member()
        self.board.clear()

    def add(self) -> StoredCase | None:
        stored = self.session.stored
        if stored is None:
            return None
        self.board.clear()
        problems: list[Problem] = []
        at = None
        try:
            when, _ = parse_when(self.at.value, self.now())
            at = format_when(when) if when else None
        except ValueError as exc:
            problems.append(Problem("action.at", str(exc)))
        if problems:
            self.board.show(problems)
            return None
        data = stored.case.to_dict()
        index = len(data["actions"])
        data["actions"].append(
            {
                "kind": self.kind.value,
                "text": self.text.value,
                "at": at,
                "by": F.split_names(self.by.value),
            }
        )
        for sub, field in (
            ("kind", self.kind),
            ("text", self.text),
            ("at", self.at),
            ("by", self.by),
        ):
            self.board.fields[f"actions.{index}.{sub}"] = field
        case = Case.model_validate(data)
        found = check_case(case, self.session.store.vocab)
        if found:
            self.board.show(found)
            return None
        label = self.kind.widget.label
        return self.session.save(
            case, f"Action '{label}' recorded.", self.board, done=lambda _: self.clear()
        )


class StatusChanger:
    """Move the case along (new -> acknowledged -> ... -> closed), or reopen it."""

    def __init__(self, session: CaseSession, now: Callable[[], dt.datetime]) -> None:
        self.session = session
        self.now = now
        self.board = F.ProblemBoard()
        self.status = F.choice(
            "status",
            "New status",
            [(STATUS_LABELS[s], s) for s in STATUSES],
            "Forward moves may skip steps; a decided or closed case can be reopened as investigating.",
            value="new",
        )
        self.note = F.area(
            "status.note",
            "Why (optional)",
            "Goes on the timeline as a note with the change.",
            rows=2,
        )
        self.board.register(self.status, self.note)
        self.button = F.button("Change status", "cocdata-change-status", "warning")
        self.button.on_click(lambda _: self.change())
        self.widget = F.vbox(
            [
                self.status.box,
                self.note.box,
                self.board.summary,
                F.row([self.button], "cocdata-buttons"),
            ]
        )
        self.widget.add_class("cocdata-status-changer")

    def opened(self, stored: StoredCase) -> None:
        current = stored.case.status
        allowed = [s for s in STATUSES if status_move_allowed(current, s)]
        self.status.widget.options = [(STATUS_LABELS[s], s) for s in allowed]
        self.status.value = current
        self.note.value = ""

    def change(self) -> StoredCase | None:
        stored = self.session.stored
        if stored is None:
            return None
        self.board.clear()
        new = self.status.value
        if new == stored.case.status:
            self.board.show(
                [Problem("status", f"the case is already {new}; choose another status")]
            )
            return None
        if not status_move_allowed(stored.case.status, new):
            self.board.show(
                [
                    Problem(
                        "status",
                        f"a case cannot go from {stored.case.status} to {new}; reopen it as investigating",
                    )
                ]
            )
            return None
        data = stored.case.to_dict()
        data["status"] = new
        note = (self.note.value or "").strip()
        if note:
            data["timeline"].append(
                {
                    "at": format_when(self.now()),
                    "by": [self.session.member()],
                    "kind": "note",
                    "text": f"Status changed from {stored.case.status} to {new}: {note}",
                }
            )
        case = Case.model_validate(data)
        return self.session.save(case, f"Status changed to {new}.", self.board)


class EvidenceAdder:
    """Attach evidence to the case itself (not to one timeline entry)."""

    def __init__(self, session: CaseSession) -> None:
        self.session = session
        self.board = F.ProblemBoard()
        self.upload = EvidenceUpload(
            session.store,
            session.member,
            path="case.evidence",
            pending="Chosen, not yet attached: click “Attach to the case” below.",
        )
        self.board.register(self.upload.field)
        self.button = F.button("Attach to the case", "cocdata-attach", "success")
        self.button.on_click(lambda _: self.attach())
        self.widget = F.vbox(
            [self.upload.widget, self.board.summary, F.row([self.button], "cocdata-buttons")]
        )
        self.widget.add_class("cocdata-evidence-adder")

    def attach(self) -> StoredCase | None:
        stored = self.session.stored
        if stored is None:
            return None
        if not self.upload.items:
            self.board.show([Problem("case.evidence", "choose one or more files first")])
            return None
        data = stored.case.to_dict()
        known = {e["sha256"] for e in data["evidence"]}
        data["evidence"] += [e for e in self.upload.values() if e["sha256"] not in known]
        case = Case.model_validate(data)
        count = len(self.upload.items)
        return self.session.save(
            case,
            f"{count} file{'s' if count != 1 else ''} attached.",
            self.board,
            done=lambda _: self.upload.clear(),
        )


class CaseWorkspace:
    """Find a case, see it, and add to it: what ``case.ipynb`` shows."""

    def __init__(
        self,
        store: Store,
        member: str | None = None,
        *,
        now: dt.datetime | None = None,
        autosave_delay: float | None = DEFAULT_DELAY_S,
        case_id: str | None = None,
    ) -> None:
        self.store = store
        self.fixed_now = now
        self.delay = autosave_delay
        self.member_bar = MemberBar(member)
        self.session = CaseSession(store, lambda: self.member_bar.member)
        self.finder = CaseFinder(store, self.open)
        self.summary = F.html_widget("")
        self.summary.add_class("cocdata-summary")
        self.timeline = F.html_widget("")
        self.timeline.add_class("cocdata-timeline")
        self.history = F.html_widget("")
        self.history.add_class("cocdata-history")
        self.composer = TimelineComposer(self.session, self.now, autosave_delay)
        self.actions = ActionComposer(self.session, self.now)
        self.status_changer = StatusChanger(self.session, self.now)
        self.evidence = EvidenceAdder(self.session)
        self.editor_box = F.vbox()
        self.editor: CaseForm | None = None
        self.tabs = W.Tab(
            children=[
                self.composer.widget,
                self.actions.widget,
                self.status_changer.widget,
                self.editor_box,
                self.evidence.widget,
            ],
            titles=(
                "Add to timeline",
                "Record an action",
                "Change status",
                "Edit fields",
                "Attach evidence",
            ),
        )
        self.tabs.add_class("cocdata-case-tabs")
        self.case_box = F.vbox(
            [
                self.summary,
                F.heading("Timeline"),
                self.timeline,
                self.session.conflict,
                self.session.board.summary,
                self.session.status.widget,
                self.tabs,
                F.heading("Revisions"),
                self.history,
            ],
            "cocdata-case",
            hidden=True,
        )
        self.session.listeners.append(self._show)
        self.widget = F.vbox(
            [
                F.style_tag(),
                self.member_bar.widget,
                F.heading("Find a case"),
                self.finder.widget,
                self.case_box,
            ]
        )
        self.widget.add_class("cocdata-form")
        self.widget.add_class("cocdata-workspace")
        if case_id:
            self.open(case_id)

    def now(self) -> dt.datetime:
        return (self.fixed_now or dt.datetime.now()).replace(second=0, microsecond=0)

    def open(self, case_id: str) -> StoredCase | None:
        """Show a case: its summary, timeline, revisions, and the forms to add to it."""
        try:
            stored = self.session.load(case_id)
        except CocdataError as exc:
            self.finder.count.value = F.esc(str(exc))
            return None
        self.composer.opened(stored)
        self.editor = CaseForm(
            self.store,
            stored=stored,
            autosave_delay=self.delay,
            member_bar=self.member_bar,
            on_saved=self._edited,
            now=self.fixed_now,
        )
        self.editor.save_button.description = "Save changes"
        self.editor_box.children = (self.editor.widget,)
        return stored

    def _edited(self, stored: StoredCase) -> None:
        self.session.stored = stored
        self.session._notify()
        self.session.status.ok(
            f"Fields saved as revision {stored.rev} of {stored.case_id} by {stored.saved_by} "
            f"at {stored.saved_at:%H:%M:%S}."
        )

    def _show(self, stored: StoredCase) -> None:
        F.hide(self.case_box, False)
        self.summary.value = summary_html(stored, self.store)
        self.timeline.value = timeline_html(stored.case, self.store)
        self.history.value = self._history_html(stored.case_id)
        self.status_changer.opened(stored)
        editor = self.editor
        if (
            editor is not None
            and editor.stored is not None
            and editor.stored.rev != stored.rev
            and not editor.drafts.dirty
        ):
            editor.reload(stored)
        self.finder.update(stored)

    def _history_html(self, case_id: str) -> str:
        try:
            metas = self.store.history(case_id)
        except CocdataError:
            return ""
        items = "".join(
            f"<li>{F.esc(f'revision {m.rev}, {m.saved_at:%Y-%m-%d %H:%M}, by {m.saved_by}: ' + (', '.join(m.changes) or 'no change'))}</li>"
            for m in reversed(metas)
        )
        return f"<ul>{items}</ul>"


def case_workspace(
    store: Store | str | None = None, member: str | None = None, **options: Any
) -> CaseWorkspace | FormUnavailable:
    """The case-work view on the store at ``store`` (or ``$COCDATA_STORE``).

    When the store cannot be opened, the returned object's ``widget`` says why.
    """
    try:
        if not isinstance(store, Store):
            store = Store.open(store)
        return CaseWorkspace(store, member, **options)
    except CocdataError as exc:
        return FormUnavailable(exc)

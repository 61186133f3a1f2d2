"""Recording what the team did on a case: an action, a change of status, evidence for the case itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cocdata.case_checks import check_case
from cocdata.errors import Problem
from cocdata.forms import fields as F
from cocdata.forms.evidence import EvidenceUpload
from cocdata.forms.labels import STATUS_LABELS
from cocdata.forms.session import CaseSession
from cocdata.forms.times import format_when, parse_when, typed_far_from_event
from cocdata.model import Case
from cocdata.store import StoredCase
from cocdata.vocab import STATUSES, status_move_allowed


class ActionComposer:
    """Record an action the team decided on or took (a warning, a ban, ...)."""

    def __init__(self, session: CaseSession, now: Callable[[], dt.datetime]) -> None:
        self.session = session
        self.now = now
        v = session.store.vocab
        self.board = F.ProblemBoard()
        self.kind = F.choice("action.kind", "Action", v.choices("actions"), value="conversation")
        self.text = F.area(
            "action.text",
            "Details",
            "What exactly was done or asked. “Referred onward” means the team's response was to "
            "hand the matter to another body; the sending of the written report itself goes "
            "under “Written report sent to” in Edit fields.",
            rows=3,
        )
        self.at = F.text("action.at", "When", "Like 2000-12-29 10:00, or 'now'. Empty if planned.")
        self.by = F.text("action.by", "By (team members)", "Separate names with commas.")
        self.board.register(self.kind, self.text, self.at, self.by)
        self.date_notice = F.html_widget("", "cocdata-date-notice")
        self.date_notice.add_class("cocdata-notice")
        self.at.observe(self.check_date)
        self.button = F.button("Record action", "cocdata-add-action", "success", icon="plus")
        self.button.on_click(lambda _: self.add())
        self.widget = F.vbox(
            [
                F.row([self.kind.box, self.at.box, self.by.box]),
                self.date_notice,
                self.text.box,
                self.board.summary,
                F.row([self.button], "cocdata-buttons"),
            ]
        )
        self.widget.add_class("cocdata-action-composer")
        self.clear()

    def clear(self, keep_time: bool = False) -> None:
        """Empty the composer; after a recorded action its time stays (the next is often the same)."""
        self.text.value = ""
        if not keep_time:
            self.at.value = "now"
        self.by.value = self.session.member()
        self.board.clear()
        self.check_date()

    def check_date(self, _: object = None) -> None:
        """Warn (never refuse) when the action's date lies far outside the event's days."""
        stored = self.session.stored
        event = stored.case.event if stored is not None else None
        note = typed_far_from_event("The action's date", self.at.value, event, self.now())
        self.date_notice.value = F.esc(note or "")
        F.hide(self.date_notice, not note)

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
            case,
            f"Action '{label}' recorded.",
            self.board,
            done=lambda _: self.clear(keep_time=True),
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

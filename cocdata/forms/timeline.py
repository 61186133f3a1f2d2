"""Adding to a case's timeline: a meeting, an e-mail, a consultation, a decision, a problem, a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cocdata.case_checks import validate
from cocdata.errors import Problem
from cocdata.forms import fields as F
from cocdata.forms.drafts import DraftKeeper, DraftOffer, drafts_for
from cocdata.forms.events import slugify
from cocdata.forms.evidence import EvidenceUpload
from cocdata.forms.session import CaseSession
from cocdata.forms.times import format_when, parse_when, typed_far_from_event
from cocdata.model import Case
from cocdata.store import StoredCase

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
    "forwarded": (
        "The written report was sent to another body, such as a foundation's CoC committee; "
        "also name it under “Written report sent to” in Edit fields (cocdata forward does both)."
    ),
}


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
        self.date_notice = F.html_widget("", "cocdata-date-notice")
        self.date_notice.add_class("cocdata-notice")
        self.at.observe(self.check_date)
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
                self.date_notice,
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
        if not self.drafts.is_paused:
            self.session.check_newer()

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

    def check_date(self, _: object = None) -> None:
        """Warn (never refuse) when the entry's date lies far outside the event's days."""
        stored = self.session.stored
        event = stored.case.event if stored is not None else None
        note = typed_far_from_event("The entry's date", self.at.value, event, self.now())
        self.date_notice.value = F.esc(note or "")
        F.hide(self.date_notice, not note)

    def clear(self, keep_time: bool = False) -> None:
        """Empty the composer; after an added entry its time stays (the next is often near it)."""
        with self.drafts.paused():
            self.kind.value = "meeting"
            if not keep_time:
                self.at.value = "now"
            self.by.value = self.session.member()
            for field in (self.with_, self.why, self.text, self.evidence.note):
                field.value = ""
            self.reaction.value = None
            self.evidence.clear()
            self.board.clear()
            self._kind_changed()
            self.check_date()

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
        self.clear(keep_time=True)

"""The report form: quick capture of a verbal report in one click, and every field of the guide.

``CaseForm`` is used twice: in ``intake.ipynb`` for a new report (the quick
fields first, the rest under "More details"), and in ``case.ipynb`` to edit a
stored case. Every save is a new revision by the current team member based on
the revision the form loaded; what is typed is kept as a draft within a
second and offered back when the form is opened again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from cocdata.case_checks import check_case, parse_case
from cocdata.errors import Problem
from cocdata.forms import fields as F
from cocdata.forms.conflict import ConflictNotice, NewerWatch
from cocdata.forms.declarations import REPORT_FIELDS, build_all
from cocdata.forms.drafts import DEFAULT_DELAY_S, DraftKeeper, DraftOffer
from cocdata.forms.events import NEW_EVENT, EventPicker, slugify
from cocdata.forms.evidence import EvidenceUpload
from cocdata.forms.labels import STATUS_LABELS
from cocdata.forms.mapping import case_data, form_values
from cocdata.forms.member import MemberBar
from cocdata.forms.merge import Edit
from cocdata.forms.people_rows import PeopleEditor
from cocdata.forms.report_drafts import ReportDrafts
from cocdata.forms.report_layout import ReportLayout
from cocdata.forms.report_saves import ReportSaves
from cocdata.forms.report_times import ReportTimes
from cocdata.forms.times import (
    format_when,
)
from cocdata.forms.unavailable import FormUnavailable, open_form
from cocdata.model import Case, Event
from cocdata.store import Store, StoredCase
from cocdata.vocab import STATUSES, status_move_allowed


class CaseForm(ReportLayout, ReportTimes, ReportDrafts, ReportSaves):
    """A report form: quick capture first, every other item of the guide under "More details".

    ``stored`` opens a saved case for editing (saves go on top of its revision).
    ``save()`` is what the Save button does; it returns the stored case or None
    when nothing was saved (the reasons are shown next to the fields).
    """

    def __init__(
        self,
        store: Store,
        member: str | None = None,
        stored: StoredCase | None = None,
        *,
        now: dt.datetime | None = None,
        autosave_delay: float | None = DEFAULT_DELAY_S,
        offer_drafts: bool = True,
        on_saved: Callable[[StoredCase], None] | None = None,
        draft_id: str | None = None,
        member_bar: MemberBar | None = None,
    ) -> None:
        self.store = store
        self.vocab = store.vocab
        self.stored = stored
        self.now = now
        self.on_saved = on_saved
        self.own_member_bar = member_bar is None
        self.member_bar = member_bar or MemberBar(member, self._member_changed, store.root)
        self.board = F.ProblemBoard()
        self.status = F.Status("cocdata-save-status")
        self.conflict = ConflictNotice()
        self.conflict_box = self.conflict.widget
        self.newer_watch = NewerWatch(store)
        self.pending_edit: tuple[Edit, int] | None = None
        # The reporter's and target's own entries, shown as "Who reported it" and a tick box.
        self._folded: dict[str, Any] = {"reporter": None, "target": None}
        self.mode = "intake" if stored is None else "case"
        default_id = (
            f"intake-{secrets.token_hex(4)}" if stored is None else f"case-{stored.case_id}"
        )
        self.drafts = DraftKeeper(
            store,
            draft_id or (default_id if stored is None else f"{default_id}-{slugify(self.member)}"),
            self._draft_data,
            lambda: self.member,
            autosave_delay,
        )
        self._build_widgets(stored.case.event if stored else None)
        with self.drafts.paused():
            if stored is not None:
                self.load_case(stored.case)
            else:
                self.reset()
        for field in self._simple_fields():
            field.observe(self.drafts_touch)
        self.event.choice.observe(self.drafts_touch)
        for field in self.event.new_fields:
            field.observe(self.drafts_touch)
        offered = self._offerable_drafts() if offer_drafts else []
        self.offer = DraftOffer(
            store, offered, self.restore_draft, "report" if stored is None else "edit of this case"
        )
        self.widget = self._layout()

    # -- who ---------------------------------------------------------------

    @property
    def member(self) -> str:
        return self.member_bar.member

    def _member_changed(self, name: str, old: str | None = None) -> None:
        if self.stored is None and F.split_names(self.received_by.value) in ([], [old]):
            self.received_by.value = name

    # -- widgets -----------------------------------------------------------

    def _build_widgets(self, event: Event | None) -> None:
        v = self.vocab
        today = self._now().date()
        self.event = EventPicker(self.store, today, event, lambda: self.member)
        # Every simple input comes from the one table of declarations.
        for attr, field in build_all(REPORT_FIELDS, v).items():
            setattr(self, attr, field)
        self.people = PeopleEditor(v.choices("roles"), self.drafts_touch)
        self.evidence = EvidenceUpload(self.store, lambda: self.member, on_change=self.drafts_touch)
        self.board.register(
            *self.event.fields,
            *(getattr(self, d.attr) for d in REPORT_FIELDS if not d.on_person),
            self.evidence.field,
        )
        self.board.fields["report"] = self.made_at
        self.board.fields["occurred"] = self.occurred_at
        self.board.fields["event.id_taken"] = self.event.id
        self.save_button = F.button(
            "Save report", "cocdata-save", "success", "Save the report now", "check"
        )
        self.save_button.on_click(lambda _: self.save())
        self.save_bottom = F.button(
            "Save", "cocdata-save-bottom", "success", "Save the report now", "check"
        )
        self.save_bottom.on_click(lambda _: self.save())
        self.new_button = F.button(
            "Start a new report", "cocdata-new-report", tip="Clear the form for the next report"
        )
        F.hide(self.new_button)
        self.new_button.on_click(lambda _: self.start_new())
        # Set only by the user's own choice in the dropdown: then it is respected,
        # otherwise the precision follows whatever the time's text says now.
        self._precision_choice: str | None = None
        self._setting_precision = False
        self.time_notice = F.html_widget("", "cocdata-time-notice")
        self.time_notice.add_class("cocdata-notice")
        F.hide(self.time_notice)
        self._made_at_typed = False
        self._setting_made_at = False
        self._started = False
        self.date_notice = F.html_widget("", "cocdata-date-notice")
        self.date_notice.add_class("cocdata-notice")
        F.hide(self.date_notice)
        for watched in (
            self.made_at,
            self.occurred_at,
            self.event.choice,
            self.event.start,
            self.event.end,
        ):
            watched.observe(self._check_dates)
        self.made_at.observe(self._made_at_changed)
        self.occurred_at.observe(self._time_typed)
        self.precision.observe(self._precision_chosen)
        self.anonymous.observe(self._anonymous_changed)

    def drafts_touch(self, change: object = None) -> None:
        """The user changed something: keep a draft, and date a new report from its first change."""
        if not hasattr(self, "drafts") or self.drafts.is_paused:
            return
        if self.stored is None and not self._started:
            self._started = True
            if not self._made_at_typed:
                # The form may have stood open for hours: "now" is when typing starts.
                self._setting_made_at = True
                try:
                    self.made_at.value = format_when(self._now())
                finally:
                    self._setting_made_at = False
        self.drafts.touch(change)
        self._check_newer()

    def _check_newer(self, force: bool = False) -> None:
        """While the user edits a saved case, say when someone saved a newer revision of it."""
        if self.stored is None or self.pending_edit is not None:
            return
        found = self.newer_watch.newer(self.stored.case_id, self.stored.rev, force)
        if found is not None:
            self.conflict.newer(*found, self.member, self.load_newest)

    def _made_at_changed(self, _: object) -> None:
        if not self._setting_made_at and not self.drafts.is_paused:
            self._made_at_typed = True

    def _ipython_display_(self) -> None:  # pragma: no cover - used in notebooks
        from IPython.display import display

        display(self.widget)

    # -- small behaviours --------------------------------------------------

    def _now(self) -> dt.datetime:
        return (self.now or dt.datetime.now()).replace(second=0, microsecond=0)

    def _anonymous_changed(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.made_by.value = ""
        self.made_by.widget.disabled = bool(change["new"])

    # -- loading -----------------------------------------------------------

    def reset(self) -> None:
        """An empty report: received by me, reported now, target and reported person rows."""
        for field in self._simple_fields():
            if isinstance(field.widget, W.Checkbox):
                field.value = False
            elif isinstance(field, F.MultiChoice):
                field.value = []
            elif isinstance(field.widget, W.Dropdown):
                continue
            else:
                field.value = ""
        self.channel.value = "verbal"
        self.space.value = None
        self.ongoing.value = "no"
        self.status_field.value = "new"
        self._set_precision("unknown")
        self._precision_choice = None
        self._show_time_notice()
        self._made_at_typed = False
        self._started = False
        # Never the computer's account name unless the user confirmed it.
        self.received_by.value = self.member if self.member_bar.confirmed else ""
        self.made_at.value = format_when(self._now())
        self.people.load([{"role": "target"}, {"role": "reported"}])
        self.evidence.clear()
        self.board.clear()

    def load_case(self, case: Case) -> None:
        """Show a saved case in the form."""
        values = form_values(case)
        special = {
            "occurred.at",
            "occurred.precision",
            "report.channel",
            "occurred.space",
            "status",
        }
        for field in self._simple_fields():
            if field.path in values and field.path not in special:
                field.value = values[field.path]
        r, o = case.report, case.occurred
        self.channel.value = r.channel if r.channel in self.vocab.channels else self.channel.value
        self.space.value = o.space if o.space in self.vocab.spaces else None
        self._show_occurred(o.at, o.precision)
        self._folded = values["folded"]
        self.people.load(values["people"])
        allowed = [s for s in STATUSES if status_move_allowed(case.status, s)]
        self.status_field.widget.options = [(STATUS_LABELS[s], s) for s in allowed]
        self.status_field.value = case.status
        self.evidence.clear()
        self.board.clear()

    # -- drafts ------------------------------------------------------------

    # -- saving ------------------------------------------------------------

    def build(self) -> tuple[Case | None, list[Problem]]:
        """The case as the form stands, or every problem with what is typed."""
        problems: list[Problem] = []
        base: dict[str, Any] = self.stored.case.to_dict() if self.stored else {}
        event = self.event.build(problems)
        if (
            event is not None
            and event.pop("id_taken", False)
            and self.event.choice.value == NEW_EVENT
        ):
            problems.append(
                Problem(
                    "event.id",
                    f"there is already an event {event['id']!r}; choose it in the Event list "
                    "above (to correct it, click “Correct this event”) or give the new event "
                    "another id",
                )
            )
        values = {**self.values(), "folded": self._folded}
        mapped = case_data(
            values,
            event=event,
            precision=self.occurred_precision(),
            now=self._now(),
            base=base,
            case_id=self.stored.case_id if self.stored else None,
            evidence=self.evidence.values(),
        )
        problems += mapped.problems
        self._register_people(mapped.sources)
        case, structural = parse_case(mapped.data)
        if self.event.choice.value == NEW_EVENT:
            # Whole-event problems (the dates) belong next to the last day.
            structural = [
                Problem("event.end", p.message) if p.field == "event" else p for p in structural
            ]
        problems += [p for p in structural if not _covered(p, problems)]
        if case is not None:
            problems += [p for p in check_case(case, self.vocab) if not _covered(p, problems)]
        return (case if not problems else None), problems

    def _register_people(self, sources: list[tuple[Any, ...]]) -> None:
        """Problems of person i show next to the inputs that person came from."""
        self.board.unregister_prefix("people")
        for i, source in enumerate(sources):
            if source[0] == "reporter":
                fields = (self.made_by, self.made_by, self.reporter_contact)
            elif source[0] == "target":
                fields = (self.reporter_is_target, self.reporter_is_target, self.reporter_contact)
            else:
                row = self.people.rows[source[1]]
                fields = (row.name, row.role, row.contact)
            self.board.fields[f"people.{i}"] = fields[0]
            self.board.fields[f"people.{i}.role"] = fields[1]
            self.board.fields[f"people.{i}.contact"] = fields[2]

    # -- conflicts ---------------------------------------------------------


def _covered(problem: Problem, known: list[Problem]) -> bool:
    """True when ``known`` already says something about this field (or a parent of it)."""
    for other in known:
        if problem.field == other.field or problem.field.startswith(other.field + "."):
            return True
        if other.field.startswith(problem.field + "."):
            return True
    return False


def intake_form(
    store: Store | str | None = None, member: str | None = None, **options: Any
) -> CaseForm | FormUnavailable:
    """The form for a new report, on the store at ``store`` (or ``$COCDATA_STORE``).

    When the store cannot be opened, the returned object's ``widget`` says why.
    """
    return open_form(CaseForm, store, member, **options)

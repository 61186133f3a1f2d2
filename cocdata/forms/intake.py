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

from cocdata.errors import CocdataError, Conflict, InvalidRecord, Problem
from cocdata.forms import fields as F
from cocdata.forms.conflict import ConflictNotice, NewerWatch
from cocdata.forms.declarations import PASSING_ON, REPORT_FIELDS, build_all
from cocdata.forms.drafts import DEFAULT_DELAY_S, DraftKeeper, DraftOffer, drafts_for
from cocdata.forms.events import NEW_EVENT, EventPicker, slugify
from cocdata.forms.evidence import EvidenceUpload
from cocdata.forms.labels import STATUS_LABELS
from cocdata.forms.mapping import case_data, form_values, row_key
from cocdata.forms.member import MemberBar
from cocdata.forms.merge import Edit, edit_between, reapply
from cocdata.forms.people_rows import PeopleEditor
from cocdata.forms.times import (
    PRECISIONS,
    coarsening,
    far_from_event,
    format_when,
    parse_when,
    settle_precision,
)
from cocdata.forms.unavailable import FormUnavailable
from cocdata.model import Case, Event, check_case, parse_case
from cocdata.store import Store, StoredCase
from cocdata.vocab import STATUSES, status_move_allowed


class CaseForm:
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
        self.member_bar = member_bar or MemberBar(member, self._member_changed)
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
            self.made_by,
            self.anonymous,
            self.received_by,
            self.made_at,
            self.made_where,
            self.channel,
            self.occurred_at,
            self.precision,
            self.approximate,
            self.occurred_where,
            self.space,
            self.description,
            self.categories,
            self.safety_risk,
            self.ongoing,
            self.status_field,
            self.reported_to,
            self.organisers_must,
            self.transparency_include,
            self.public_summary,
            self.forwarded_to,
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

    def _simple_fields(self) -> list[F.Field]:
        return [
            self.made_by,
            self.anonymous,
            self.reporter_contact,
            self.received_by,
            self.made_at,
            self.made_where,
            self.channel,
            self.occurred_at,
            self.precision,
            self.approximate,
            self.occurred_where,
            self.space,
            self.reporter_is_target,
            self.description,
            self.categories,
            self.safety_risk,
            self.ongoing,
            self.status_field,
            self.reported_to,
            self.organisers_must,
            self.transparency_include,
            self.public_summary,
            self.forwarded_to,
            self.evidence.note,
        ]

    def _layout(self) -> W.VBox:
        self.title = F.html_widget("")
        self.title.add_class("cocdata-title")
        self._render_title()
        quick = F.vbox(
            [
                self.event.widget,
                F.heading("The report"),
                F.row([self.made_by.box, self.anonymous.box]),
                F.row([self.received_by.box, self.made_at.box, self.made_where.box]),
                F.heading("The incident"),
                F.row([self.occurred_at.box, self.precision.box, self.approximate.box]),
                self.time_notice,
                self.date_notice,
                self.occurred_where.box,
                F.heading("Who was involved"),
                F.help_line(
                    "Start with the target: the person harmed or made uncomfortable. Then the person "
                    "whose behaviour is reported. Add witnesses with 'Add a person'."
                ),
                self.reporter_is_target.box,
                self.people.widget,
                self.description.box,
            ]
        )
        quick.add_class("cocdata-quick")
        details = F.vbox(
            [
                F.heading("The report"),
                F.row([self.channel.box, self.reporter_contact.box]),
                F.heading("The incident"),
                self.space.box,
                self.categories.box,
                F.row([self.safety_risk.box, self.ongoing.box]),
                F.heading("Decisions"),
                self.status_field.box,
                F.help_line(PASSING_ON, "cocdata-passing-on"),
                self.reported_to.box,
                self.organisers_must.box,
                F.heading("Transparency report"),
                self.transparency_include.box,
                self.public_summary.box,
                self.forwarded_to.box,
                F.heading("Evidence"),
                self.evidence.widget,
                F.row([self.save_bottom], "cocdata-buttons"),
            ]
        )
        details.add_class("cocdata-details")
        self.more = W.Accordion(
            children=[details], titles=("More details (can be filled in later)",)
        )
        self.more.selected_index = None if self.stored is None else 0
        self.more.add_class("cocdata-more")
        buttons = F.row([self.save_button, self.new_button], "cocdata-buttons")
        # Save stays on screen however long the form: the bar is the form's last
        # child and sticks to the window's foot while the form is in view.
        bar = F.vbox([buttons, self.status.widget, self.drafts.status.widget], "cocdata-actionbar")
        form = F.vbox(
            [
                F.style_tag(),
                self.title,
                *([self.member_bar.widget] if self.own_member_bar else []),
                self.offer.widget,
                quick,
                self.board.summary,
                self.conflict_box,
                self.more,
                bar,
            ],
        )
        form.add_class("cocdata-form")
        form.add_class("cocdata-case-form" if self.stored else "cocdata-intake")
        return form

    def _render_title(self) -> None:
        # A new report has its heading in the notebook; a saved one shows its code name.
        if self.stored is None:
            self.title.value = ""
            return
        text = f"Case {self.stored.case_id} (revision {self.stored.rev})"
        self.title.value = f"<h3 style='margin:4px 0'>{F.esc(text)}</h3>"

    def _ipython_display_(self) -> None:  # pragma: no cover - used in notebooks
        from IPython.display import display

        display(self.widget)

    # -- small behaviours --------------------------------------------------

    def _now(self) -> dt.datetime:
        return (self.now or dt.datetime.now()).replace(second=0, microsecond=0)

    def _time_typed(self, _: object = None) -> None:
        # Runs on every keystroke, but reads the whole text each time: what the
        # precision shows depends only on the text as it stands, never on the
        # order in which keystrokes arrived.
        settled = self._settled()
        if settled is not None and settled != self.precision.value:
            self._set_precision(settled)
        self._show_time_notice()

    def _set_precision(self, precision: str) -> None:
        self._setting_precision = True
        try:
            self.precision.value = precision
        finally:
            self._setting_precision = False

    def _precision_chosen(self, _: object) -> None:
        if not self._setting_precision:
            self._precision_choice = self.precision.value
        self._show_time_notice()

    def _show_time_notice(self) -> None:
        """Say before the save when the stored time would differ from the typed one."""
        note = coarsening(self.occurred_at.value, self.precision.value, self._now())
        text_ = F.esc(note) if note else ""
        if self.time_notice.value != text_:
            self.time_notice.value = f"<span role='status'>{text_}</span>" if note else ""
        F.hide(self.time_notice, not note)

    def _event_days(self) -> tuple[dt.date, dt.date] | None:
        chosen = self.event.chosen_event()
        if chosen is not None and not self.event.editing:
            return chosen.start, chosen.end
        try:
            return (
                dt.date.fromisoformat(self.event.start.value.strip()),
                dt.date.fromisoformat(self.event.end.value.strip()),
            )
        except ValueError:
            return None

    def _check_dates(self, _: object = None) -> None:
        """Warn (never refuse) when a date lies far outside the event's days."""
        days = self._event_days()
        notes: list[str] = []
        if days is not None:
            for what, field in (
                ("The report date", self.made_at),
                ("The incident date", self.occurred_at),
            ):
                try:
                    when, _precision = parse_when(field.value, self._now())
                except ValueError:
                    continue
                note = far_from_event(what, when, *days)
                if note:
                    notes.append(note)
        html_ = "<br>".join(F.esc(n) for n in notes)
        if self.date_notice.value != html_:
            self.date_notice.value = html_
        F.hide(self.date_notice, not notes)

    def occurred_precision(self) -> str:
        """The precision the incident time will be stored with (from the final text)."""
        return self._settled() or self.precision.value

    def _settled(self) -> str | None:
        # The user's own choice, not the dropdown's value: the dropdown also shows
        # what intermediate keystrokes implied ('2000-12' on the way to a minute).
        choice = self._precision_choice
        try:
            return settle_precision(self.occurred_at.value, choice or "unknown", choice is not None)
        except ValueError:
            return None

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

    def _show_occurred(self, at: dt.datetime | None, precision: str) -> None:
        """Show a stored incident time; a precision its text cannot say (the hour) counts as chosen."""
        shown = format_when(at, precision)
        self._precision_choice = None
        self.occurred_at.value = shown
        self._precision_choice = None if parse_when(shown)[1] == precision else precision
        self._set_precision(precision)
        self._show_time_notice()

    # -- drafts ------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Everything typed, as it is typed (for drafts)."""
        out = {f.path: f.value for f in self._simple_fields()}
        out["occurred.precision_chosen"] = self._precision_choice
        out["event"] = self.event.values()
        out["people"] = self.people.values()
        out["evidence"] = self.evidence.values()
        return out

    def load_values(self, values: dict[str, Any]) -> None:
        """Put typed values back (from a draft), exactly as they were."""
        with self.drafts.paused():
            self.event.load(values.get("event") or {})
            for field in self._simple_fields():
                if field.path not in values:
                    continue
                value = values[field.path]
                if isinstance(field.widget, W.Dropdown) and value not in {
                    v for _, v in field.widget.options
                }:
                    continue
                field.value = value
            # A draft's precision counts only when the user chose it; otherwise
            # it follows the restored text (older drafts may hold a stale one).
            chosen = values.get("occurred.precision_chosen")
            self._precision_choice = chosen if chosen in PRECISIONS else None
            self._time_typed()
            self.people.load(values.get("people") or [])
            self.evidence.load(values.get("evidence"))

    def _draft_data(self) -> dict[str, Any] | None:
        values = self.values()
        summary = " — ".join(
            x
            for x in (
                values.get("report.made_by"),
                (values.get("description") or "")[:60],
            )
            if x
        )
        return {
            "form": self.mode,
            "case_id": self.stored.case_id if self.stored else None,
            "base_rev": self.stored.rev if self.stored else None,
            "summary": summary,
            "values": values,
        }

    def _offerable_drafts(self) -> list[dict[str, Any]]:
        if self.stored is None:
            return drafts_for(self.store, "intake", self.member)
        return [
            d
            for d in drafts_for(self.store, "case", self.member, case_id=self.stored.case_id)
            if d["draft_id"] == self.drafts.draft_id
        ]

    def restore_draft(self, draft: dict[str, Any]) -> None:
        """Take a kept draft back into the form; it becomes this form's draft."""
        data = draft.get("data") or {}
        self._made_at_typed = self._started = True  # the draft's times are the report's
        case_id, base_rev = data.get("case_id"), data.get("base_rev")
        if case_id and (self.stored is None or self.stored.case_id != case_id):
            try:
                self.stored = self.store.get(case_id, base_rev)
            except CocdataError:
                self.stored = None
        if self.stored is None and case_id is None:
            self.mode = "intake"
        self.drafts.draft_id = draft["draft_id"]
        self.load_values(data.get("values") or {})
        self._render_title()
        self.status.note(
            "Draft restored. Check it and save" + (" the report." if self.stored is None else ".")
        )
        self.drafts.touch()

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

    def save(self) -> StoredCase | None:
        """Save a new revision; show every problem next to its field when there are any."""
        self.board.clear()
        self.status.clear()
        unnamed = self.member_bar.problem()
        if unnamed:
            self.board.message(unnamed)
            return None
        if self.event.edited and self.event.save_edit() is None:
            # A correction of the event is saved first, or nothing is.
            self.board.message(
                "Nothing was saved: the corrected event has problems (shown under the event). "
                "Correct them, or click Cancel there to keep the event as it was."
            )
            return None
        case, problems = self.build()
        if case is None:
            self.board.show(problems)
            return None
        return self._store(case, self.stored.rev if self.stored else None)

    def _store(self, case: Case, base_rev: int | None) -> StoredCase | None:
        try:
            stored = self.store.save(case, by=self.member, base_rev=base_rev)
        except Conflict as exc:
            self._show_conflict(exc, case)
            return None
        except InvalidRecord as exc:
            self.board.show(exc.problems)
            return None
        except CocdataError as exc:
            self.board.message(str(exc))
            return None
        self._saved(stored)
        return stored

    def _saved(self, stored: StoredCase) -> None:
        first = self.stored is None
        merged = self.pending_edit is not None
        self.stored = stored
        self.conflict_box.children = ()
        self.pending_edit = None
        self.drafts.discard()
        with self.drafts.paused():
            if self.event.choice.value != stored.case.event.id:
                self.event.refresh(stored.case.event)
            if merged:
                self.load_case(stored.case)  # the newest revision plus this edit
            else:
                self._sync_saved(stored.case)
        self._render_title()
        F.hide(self.new_button, False)
        what = "Saved as case" if first else "Saved case"
        self.status.ok(
            f"{what} {stored.case_id} (revision {stored.rev}) at {stored.saved_at:%H:%M:%S} "
            f"by {stored.saved_by}. Add details below and save again, or start a new report."
        )
        if self.on_saved:
            self.on_saved(stored)

    def _sync_saved(self, case: Case) -> None:
        """After a save of what is on screen: show times as stored, keep the new person codes.

        Cheaper than ``load_case`` (no rows rebuilt), which keeps a save fast in the browser.
        """
        self.made_at.value = format_when(case.report.made_at)
        self._show_occurred(case.occurred.at, case.occurred.precision)
        codes = {row_key(p.model_dump()): p.person for p in case.people}
        for row in self.people.rows:
            row.code = codes.get(row_key(row.values()), row.code)
        made_by = case.report.made_by
        self._folded = {
            "reporter": next(
                (
                    p.model_dump()
                    for p in case.people
                    if p.role == "reporter" and made_by and p.name == made_by
                ),
                None,
            ),
            "target": next(
                (p.model_dump() for p in case.people if p.role == "target" and p.name == made_by),
                None,
            ),
        }
        allowed = [(STATUS_LABELS[s], s) for s in STATUSES if status_move_allowed(case.status, s)]
        if list(self.status_field.widget.options) != allowed:
            self.status_field.widget.options = allowed
            self.status_field.value = case.status
        self.evidence.clear()
        self.board.clear()

    def start_new(self) -> None:
        """Clear the form for the next report (the saved one stays in the store)."""
        self.drafts.flush()
        self.stored = None
        self.mode = "intake"
        self._folded = {"reporter": None, "target": None}
        self.drafts.draft_id = f"intake-{secrets.token_hex(4)}"
        with self.drafts.paused():
            self.event.refresh(self._last_event(), self._now().date())
            for field in self.event.new_fields:
                field.value = ""
            self.reset()
            self.status_field.widget.options = [(STATUS_LABELS[s], s) for s in STATUSES]
            self.status_field.value = "new"
        F.hide(self.new_button)
        self.conflict_box.children = ()
        self.status.clear()
        self._render_title()

    def _last_event(self) -> Event | None:
        if self.event.choice.value in self.event.known:
            return self.event.known[self.event.choice.value]
        return None

    # -- conflicts ---------------------------------------------------------

    def _show_conflict(self, exc: Conflict, case: Case) -> None:
        base = self.stored.case if self.stored else None
        edit = edit_between(base, case)
        self.pending_edit = (edit, exc.head_rev)
        self.conflict.show(exc, edit, self.member, self.reapply, self.load_newest)
        self.drafts.flush()

    def reapply(self) -> StoredCase | None:
        """Reload the newest revision, put the user's edit on top of it and save."""
        if self.pending_edit is None or self.stored is None:
            return None
        edit, _ = self.pending_edit
        newest = self.store.get(self.stored.case_id)
        try:
            merged = reapply(edit, newest.case)
        except ValueError as exc:
            self.board.message(
                f"Your changes no longer fit the newest version ({exc}); reload and apply them by hand."
            )
            return None
        problems = check_case(merged, self.vocab)
        if problems:
            self.board.show(problems)
            return None
        self.stored = newest
        return self._store(merged, newest.rev)

    def load_newest(self) -> None:
        """Show the newest revision and drop the user's unsaved edit."""
        if self.stored is None:
            return
        newest = self.store.get(self.stored.case_id)
        self.stored = newest
        self.pending_edit = None
        self.conflict_box.children = ()
        self.drafts.discard()
        with self.drafts.paused():
            self.load_case(newest.case)
        self._render_title()
        self.status.note(f"Showing revision {newest.rev}, saved by {newest.saved_by}.")

    def reload(self, stored: StoredCase) -> None:
        """Show another saved revision (after a save elsewhere in the case view)."""
        self.stored = stored
        self.conflict_box.children = ()
        with self.drafts.paused():
            self.load_case(stored.case)
        self._render_title()


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
    try:
        if not isinstance(store, Store):
            store = Store.open(store)
        return CaseForm(store, member, **options)
    except CocdataError as exc:
        return FormUnavailable(exc)

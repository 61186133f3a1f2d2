"""The report form's times: the incident time's precision settled from the final text, and questioned dates.

A part of ``CaseForm`` (``intake.py``), apart because it is the one place where
one input derives another while the user types: the precision dropdown follows
the text of "When it happened" as it stands after each keystroke, never the
order keystrokes arrived in, and a precision chosen by hand is kept and said
aloud when it drops part of the typed time.
"""

from __future__ import annotations

import datetime as dt

from cocdata.forms import fields as F
from cocdata.forms.times import (
    coarsening,
    far_from_event,
    format_when,
    parse_when,
    settle_precision,
)
from cocdata.store import Store, StoredCase


class ReportTimes:
    """Part of ``CaseForm``: see the module's docstring; uses the form's widgets."""

    # Set by CaseForm.
    store: Store
    stored: StoredCase | None

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

    def _show_occurred(self, at: dt.datetime | None, precision: str) -> None:
        """Show a stored incident time; a precision its text cannot say (the hour) counts as chosen."""
        shown = format_when(at, precision)
        self._precision_choice = None
        self.occurred_at.value = shown
        self._precision_choice = None if parse_when(shown)[1] == precision else precision
        self._set_precision(precision)
        self._show_time_notice()

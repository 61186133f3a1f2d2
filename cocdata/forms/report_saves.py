"""The report form's saves: a new revision on top of the one loaded, conflicts, starting anew.

A part of ``CaseForm`` (``intake.py``).
"""

from __future__ import annotations

import secrets

from cocdata.case_checks import check_case
from cocdata.errors import CocdataError, Conflict, InvalidRecord
from cocdata.forms import fields as F
from cocdata.forms.labels import STATUS_LABELS
from cocdata.forms.mapping import row_key
from cocdata.forms.merge import edit_between, reapply
from cocdata.forms.times import (
    format_when,
)
from cocdata.model import Case, Event
from cocdata.store import Store, StoredCase
from cocdata.vocab import STATUSES, status_move_allowed


class ReportSaves:
    """Part of ``CaseForm``: see the module's docstring; uses the form's widgets."""

    # Set by CaseForm.
    store: Store
    stored: StoredCase | None

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

"""The report form's drafts: what is typed, kept as it is typed, and taken back.

A part of ``CaseForm`` (``intake.py``).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from cocdata.errors import CocdataError
from cocdata.forms.drafts import drafts_for
from cocdata.forms.times import (
    PRECISIONS,
)
from cocdata.store import Store, StoredCase


class ReportDrafts:
    """Part of ``CaseForm``: see the module's docstring; uses the form's widgets."""

    # Set by CaseForm.
    store: Store
    stored: StoredCase | None

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

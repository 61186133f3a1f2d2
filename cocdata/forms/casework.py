"""Case work: find a case, read it, and add to it after every meeting, e-mail or decision.

``CaseWorkspace`` is what ``case.ipynb`` shows: a finder (code name, event,
status, person name), the case's summary and timeline (all record text
escaped), and tabs to add a timeline entry of each kind, record an action,
change the status, edit the fields, attach evidence and forward the case to
another body (``forwarding.py``). Every save is a new
revision by the current team member on top of the revision on screen; when
someone else saved meanwhile, the workspace shows what they changed and
offers to put the user's addition on top of the newest revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as W

from cocdata.errors import CocdataError
from cocdata.forms import fields as F
from cocdata.forms.actions import ActionComposer, EvidenceAdder, StatusChanger
from cocdata.forms.case_html import summary_html, timeline_html
from cocdata.forms.drafts import DEFAULT_DELAY_S
from cocdata.forms.finder import CaseFinder
from cocdata.forms.forwarding import CaseForwarder
from cocdata.forms.intake import CaseForm
from cocdata.forms.member import MemberBar
from cocdata.forms.recusal import RecusalPanel
from cocdata.forms.session import CaseSession
from cocdata.forms.timeline import TimelineComposer
from cocdata.forms.unavailable import FormUnavailable, open_form
from cocdata.store import Store, StoredCase

# The position of "Edit fields" among the tabs.
EDIT_TAB = 3


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
        self.member_bar = MemberBar(member, self._member_changed, store.root)
        self.session = CaseSession(store, lambda: self.member_bar.member, self.member_bar.problem)
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
        self.recusal = RecusalPanel(self.session, lambda: F.hide(self.case_box))
        self.forwarder = CaseForwarder(self.session)
        self.editor_box = F.vbox()
        self.editor: CaseForm | None = None
        self.tabs = W.Tab(
            children=[
                self.composer.widget,
                self.actions.widget,
                self.status_changer.widget,
                self.editor_box,
                self.evidence.widget,
                self.forwarder.widget,
            ],
            titles=(
                "Add to timeline",
                "Record an action",
                "Change status",
                "Edit fields",
                "Attach evidence",
                "Forward to…",
            ),
        )
        self.tabs.add_class("cocdata-case-tabs")
        self.waiting_note = F.html_widget("")
        self.waiting_go = F.button("Go to Edit fields", "cocdata-edit-waiting-go")
        self.waiting_go.on_click(lambda _: setattr(self.tabs, "selected_index", EDIT_TAB))
        self.waiting = F.row([self.waiting_note, self.waiting_go], "cocdata-edit-waiting")
        self.waiting.add_class("cocdata-notice")
        F.hide(self.waiting)
        self.case_box = F.vbox(
            [
                self.summary,
                F.heading("Timeline"),
                self.timeline,
                self.session.conflict,
                self.session.board.summary,
                self.session.status.widget,
                self.waiting,
                self.tabs,
                F.heading("Revisions"),
                self.history,
                self.recusal.widget,
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

    def _member_changed(self, name: str, old: str) -> None:
        # "By" fields that still hold the old name (the account name) follow.
        for field in (self.composer.by, self.actions.by):
            if F.split_names(field.value) in ([], [old]):
                field.value = name

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
        self.forwarder.opened(stored)
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
        self.show_waiting()
        return stored

    def show_waiting(self) -> None:
        """Say, outside the Edit fields tab, that an unsaved edit of the fields waits there."""
        editor = self.editor
        waits = editor is not None and (bool(editor.offer.pending) or editor.drafts.dirty)
        if waits:
            self.waiting_note.value = F.esc(
                "An unsaved edit of this case's fields waits in the Edit fields tab: "
                "restore and save it there, or discard it."
            )
        F.hide(self.waiting, not waits)

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
        self.actions.check_date()
        editor = self.editor
        if (
            editor is not None
            and editor.stored is not None
            and editor.stored.rev != stored.rev
            and not editor.drafts.dirty
        ):
            editor.reload(stored)
        self.finder.update(stored)
        self.show_waiting()

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
    return open_form(CaseWorkspace, store, member, **options)

"""Recusing a member from the case on screen (a conflict of interest): the case view's lead action.

Shown in a team store only. A lead chooses any member; anyone else can
recuse only themselves. After recusing yourself the case leaves the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from cocdata.errors import CocdataError
from cocdata.forms import fields as F
from cocdata.forms.session import CaseSession
from cocdata.store import StoredCase
from cocdata.team import admin, current_member, load_team
from cocdata.team.permissions import may


class RecusalPanel:
    """Recuse a member from the case on screen; hidden outside a team store."""

    def __init__(self, session: CaseSession, on_self_recused: Callable[[], None]) -> None:
        self.session = session
        self.on_self_recused = on_self_recused
        self.who = F.choice("recusal.user", "Member", [], "They will no longer see this case.")
        self.why = F.text("recusal.why", "Why", "For the team; no names of people involved.")
        self.button = F.button("Recuse from this case", "cocdata-recuse", "warning")
        self.button.on_click(lambda _: self.recuse())
        self.status = F.Status("cocdata-recusal-status")
        self.widget = F.vbox(
            [
                F.heading("Conflict of interest"),
                F.row([self.who.box, self.why.box]),
                F.row([self.button], "cocdata-buttons"),
                self.status.widget,
            ],
            "cocdata-recusal",
            hidden=True,
        )
        session.listeners.append(self.opened)

    def opened(self, stored: StoredCase) -> None:
        """Offer the members this member may recuse from the case now on screen."""
        team = load_team(self.session.store.root)
        me = current_member()
        if team is None or (me not in team.members and not may(team, me, "recuse")):
            F.hide(self.widget)
            return
        if may(team, me, "recuse"):
            users = [u for u in team.members if not team.is_recused(u, stored.case_id)]
        else:
            users = [me] if not team.is_recused(me, stored.case_id) else []
        self.who.widget.options = [(u if u != me else f"{u} (you)", u) for u in users]
        self.who.widget.value = users[0] if users else None
        F.hide(self.widget, not users)

    def recuse(self) -> None:
        stored = self.session.stored
        user = self.who.widget.value
        if stored is None or not user:
            return
        try:
            admin.recuse(self.session.store, user, stored.case_id, self.why.value)
        except CocdataError as exc:
            self.status.note(str(exc))
            return
        self.why.value = ""
        self.status.ok(f"{user} is recused from {stored.case_id}.")
        if user == current_member():
            self.on_self_recused()
        else:
            self.opened(stored)

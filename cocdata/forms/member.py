"""Who is recording: the team member's name on every form, asked for where no login gives it.

In a team store the login names the member (``team.current_member``): the
form shows who you are and your role, with no way to record as anyone
else, and the store records the same name whatever a form passes. Inside
JupyterHub the login names the member too. Elsewhere the name comes from
the form's caller, ``$COCDATA_MEMBER`` or the name remembered on this
computer; when none of them gives one, the only name left is the computer's
account (``root``, ``jovyan``), which names no team member. Then the form
asks for the name before the first save, and records the account name only
when the user confirms it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path

import ipywidgets as W

from cocdata import config
from cocdata.forms import fields as F
from cocdata.team import current_member, load_team


def _remembered() -> str | None:
    try:
        value = tomllib.loads(config.config_file().read_text(encoding="utf-8")).get("member")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def name_is_known(explicit: str | None = None) -> bool:
    """True when a person gave the name (caller, environment, login, remembered), not the OS."""
    given = (
        explicit,
        os.environ.get(config.MEMBER_ENV),
        os.environ.get("JUPYTERHUB_USER"),
        _remembered(),
    )
    return any(isinstance(g, str) and g.strip() for g in given)


class MemberBar:
    """Who is recording: shown on every form, changeable where there is no JupyterHub login."""

    def __init__(
        self,
        member: str | None,
        on_change: Callable[[str, str], None] | None = None,
        store_root: Path | None = None,
    ) -> None:
        team = load_team(store_root) if store_root is not None else None
        self.role = team.role_of(current_member()) if team is not None else None
        self.member = current_member() if team is not None else config.team_member(member)
        self.confirmed = team is not None or name_is_known(member)
        self.on_change = on_change
        self.shown = F.html_widget("")
        self.shown.add_class("cocdata-member")
        self.name = F.text(
            "member",
            "Your name as a team member",
            "Recorded on every save and timeline entry. Remembered on this computer.",
        )
        self.use = F.button("Use this name", "cocdata-member-use", "primary")
        self.use.on_click(self._use)
        self.keep = F.button(
            f"Record as “{self.member}” anyway",
            "cocdata-member-keep",
            tip="Only if the team knows you by this account name",
        )
        self.keep.on_click(self._keep)
        F.hide(self.keep, self.confirmed)
        self.editor = F.vbox(
            [self.name.box, F.row([self.use, self.keep], "cocdata-buttons")],
            "cocdata-member-editor",
            hidden=self.confirmed,
        )
        self.toggle = F.button("Not you?", "cocdata-member-toggle", tip="Change who is recording")
        self.toggle.on_click(self._toggle)
        hub = team is not None or bool(os.environ.get("JUPYTERHUB_USER"))
        parts: list[W.Widget] = [self.shown] + ([] if hub else [self.toggle])
        self.widget = F.vbox([F.row(parts), self.editor])
        self.widget.add_class("cocdata-member-bar")
        self._render()

    def _render(self) -> None:
        if self.confirmed:
            role = f" ({F.esc(self.role)})" if self.role else ""
            if self.role == "observer":
                role += ": you can read cases and run analyses; saving needs a member"
            self.shown.value = f"Recording as <b>{F.esc(self.member)}</b>{role}"
            return
        self.shown.value = (
            "<span role='alert'><b>Who is recording?</b> Write your name as the team knows you "
            f"before saving. This computer's account is “{F.esc(self.member)}”, which names "
            "no team member.</span>"
        )

    def problem(self) -> str | None:
        """Why nothing may be saved yet (no team member named), or None."""
        if self.confirmed:
            return None
        F.hide(self.editor, False)
        self.name.show(["write your name here first"])
        self.name.focus()
        return (
            "Nothing was saved yet: write your name as a team member at the top of the form "
            f"and click “Use this name” (or “Record as “{self.member}” anyway”), then save again. "
            "What you typed is still here."
        )

    def _toggle(self, _: object) -> None:
        F.hide(self.editor, not F.is_hidden(self.editor))
        self.name.value = self.member if self.confirmed else ""

    def _keep(self, _: object) -> None:
        self.confirmed = True
        self.name.clear()
        F.hide(self.editor)
        F.hide(self.keep)
        self._render()

    def _use(self, _: object) -> None:
        name = self.name.value.strip()
        if not name:
            self.name.show(["write your name, as the team knows you"])
            return
        self.name.clear()
        try:
            config.remember_team_member(name)
        except OSError as exc:
            self.name.show(
                [f"could not remember the name on this computer ({exc}); it is used for now"]
            )
        old, self.member = self.member, name
        self.confirmed = True
        F.hide(self.keep)
        F.hide(self.editor)
        self._render()
        if self.on_change and old != name:
            self.on_change(name, old)

"""Fixtures for the hub tests: a machine with accounts and a team store (see ``machine.py``)."""

from __future__ import annotations

import grp
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.hub.machine import (
    LOGIN_TIMEOUT_MS,
    Accounts,
    Hub,
    make_team_store,
    members_can_run_python,
    require_hub_machine,
    running_hub,
    shared_folder,
    sign_in,
    wait_for_form,
)
from tests.pages import record_events

PHONE = {"width": 390, "height": 844}


@dataclass
class TeamMachine:
    """Accounts (``lead``, ``member``, ``recused`` on the team; ``outsider`` not), a team store."""

    accounts: Accounts
    group: str
    base: Path
    store: Path
    lead: str
    member: str
    recused: str
    outsider: str

    def password(self, user: str) -> str:
        return self.accounts.passwords[user]


@contextmanager
def _team_machine(key_file: bool) -> Iterator[TeamMachine]:
    require_hub_machine()
    tag = secrets.token_hex(3)
    accounts = Accounts()
    group = f"coct{tag}"
    base = shared_folder("cocdata-hub-")
    try:
        with members_can_run_python():
            names = {
                role: accounts.make(f"c{tag}{role[:3]}")
                for role in ("lead", "member", "recused", "outsider")
            }
            store = base / "store"
            make_team_store(
                store,
                group,
                {names["lead"]: "lead", names["member"]: "member", names["recused"]: "member"},
                key_file=base / "store.key" if key_file else None,
            )
            yield TeamMachine(accounts, group, base, store, **names)
    finally:
        accounts.remove()
        shutil.rmtree(base, ignore_errors=True)
        try:
            grp.getgrnam(group)
        except KeyError:
            pass
        else:
            subprocess.run(["groupdel", group], check=False, capture_output=True)


@pytest.fixture(scope="module")
def team_machine() -> Iterator[TeamMachine]:
    """Four fresh Unix accounts, three of them on a fresh team store's team."""
    with _team_machine(key_file=False) as machine:
        yield machine


@pytest.fixture(scope="module")
def encrypted_team_machine() -> Iterator[TeamMachine]:
    """The same with an encrypted team store, its key in ``base / "store.key"`` (root's)."""
    with _team_machine(key_file=True) as machine:
        yield machine


@pytest.fixture(scope="module")
def hub(team_machine: TeamMachine) -> Iterator[Hub]:
    """``cocdata hub`` on the team machine's store (a module may seed the store first)."""
    with running_hub(team_machine.store, team_machine.base) as running:
        yield running


def browser_window(chromium, viewport: dict[str, int], hosts: set[str] | None = None):
    """A new browser window recording its events: (context, page). With ``hosts``, the host
    of every request it makes goes there."""
    context = chromium.new_context(viewport=viewport)
    if hosts is not None:
        context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page = context.new_page()
    record_events(page)
    page.set_default_timeout(LOGIN_TIMEOUT_MS)
    return context, page


def signed_in(chromium, hub: Hub, machine: TeamMachine, user: str, viewport=PHONE):
    """A new browser window where ``user`` signed in and has the report form: (context, page)."""
    context, page = browser_window(chromium, viewport)
    sign_in(page, hub, user, machine.password(user))
    wait_for_form(page, hub, f"{user} after signing in")
    return context, page

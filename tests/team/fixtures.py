"""Fixtures of team mode: real Unix accounts and a group, a team store, acting as a member.

The accounts are made once per test session with ``useradd`` and removed at
its end (the tests run as root, as CI does). Other accounts must reach the
interpreter under /root/.pyenv, so /root gets the search bit (o+x: no
listing, no reading) if it lacks it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cocdata.store import Store
from cocdata.team import Role, admin

GROUP = "cdtteam"
LEAD, MEMBER, OBSERVER, STRANGER = "cdtlead", "cdtmember", "cdtobserver", "cdtstranger"
ROLES = {LEAD: Role.LEAD, MEMBER: Role.MEMBER, OBSERVER: Role.OBSERVER}
WORKTREE = Path(__file__).resolve().parents[2]


def _reach(path: Path) -> None:
    """Let every account pass through the folders above ``path`` (search bit only)."""
    for folder in reversed(path.resolve().parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)


@pytest.fixture(scope="session")
def accounts() -> Iterator[dict[str, str]]:
    """The Unix group and four accounts: a lead, a member, an observer and a stranger."""
    if os.geteuid() != 0:
        pytest.skip("team-mode accounts need root (CI runs as root)")
    made = []
    for user in (*ROLES, STRANGER):
        if subprocess.run(["id", user], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--create-home", user], check=True)
            made.append(user)
    _reach(Path(sys.executable))
    yield {"lead": LEAD, "member": MEMBER, "observer": OBSERVER, "stranger": STRANGER}
    for user in made:
        subprocess.run(["userdel", "--remove", user], capture_output=True)
    subprocess.run(["groupdel", GROUP], capture_output=True)


@pytest.fixture
def shared_dir(accounts) -> Iterator[Path]:
    """A folder every account can pass through (pytest's own tmp folder is root's only);
    the stranger starts outside the team's group (a test may have added them)."""
    subprocess.run(["gpasswd", "--delete", STRANGER, GROUP], capture_output=True)
    folder = Path(tempfile.mkdtemp(prefix="cocdata-team-", dir="/tmp"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def act_as(monkeypatch):
    """Act as a member in this process, as a JupyterHub server of theirs would."""

    def act(user: str) -> None:
        monkeypatch.setenv("JUPYTERHUB_USER", user)

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("COCDATA_MEMBER", raising=False)
    return act


@pytest.fixture
def team_store(accounts, shared_dir, act_as) -> Store:
    """A team store with a lead, a member and an observer; this process acts as root."""
    store = Store.init(shared_dir / "store")
    admin.init_team(store, GROUP)
    for user, role in ROLES.items():
        admin.add_member(store, user, role)
    return store


def as_user(user: str, *command: str, env: dict[str, str] | None = None, **kwargs):
    """Run ``command`` as the Unix account ``user`` with this worktree's cocdata."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(WORKTREE),
        "HOME": f"/home/{user}",
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        ["runuser", "-u", user, "--", *command],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )

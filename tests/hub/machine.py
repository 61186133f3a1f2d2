"""A machine set up for a team hub, for tests and the benchmark: accounts, a team store, the hub.

Everything here is real: Unix accounts made with ``useradd`` and ``chpasswd``,
a team store made with ``cocdata team init`` and ``team add``, and ``cocdata
hub`` started as a user would, stopped with SIGTERM. It needs root (PAM
logins, servers as other accounts), ``configurable-http-proxy`` and the
members' accounts able to run this Python: on a machine where the
interpreter sits under a closed folder (pyenv in ``/root``) the folders on
the way are opened for the run (``chmod o+x``) and closed again after.
Under ``CI=true`` a missing prerequisite fails the tests instead of skipping.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cocdata.forms.serve import wait_for_port
from cocdata.hub import reach
from cocdata.hub.launch import free_port
from tests.pages import page_events

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90
LOGIN_TIMEOUT_MS = 120_000


def require_hub_machine() -> None:
    """Skip (or, under CI, fail) unless this machine can run a team hub."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (PAM logins and servers as other accounts)")
    for tool in ("configurable-http-proxy", "useradd", "chpasswd", "runuser"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if missing:
        message = "a team hub needs " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Accounts:
    """Unix accounts made for a test run: name -> password; removed by ``remove``."""

    passwords: dict[str, str] = field(default_factory=dict)

    def make(self, name: str) -> str:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
        password = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
        self.passwords[name] = password
        return name

    def remove(self) -> None:
        for name in self.passwords:
            for pid in processes_of(name):  # what the tests left running as that account
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


@contextlib.contextmanager
def members_can_run_python() -> Iterator[None]:
    """Open the closed folders on the way to this Python for the run (as the README says)."""
    opened = [p for p in reach.unreachable() if p.is_dir()]
    modes = {p: p.stat().st_mode for p in opened}
    for path in opened:
        os.chmod(path, modes[path] | 0o001)
    try:
        yield
    finally:
        for path, mode in modes.items():
            with contextlib.suppress(OSError):
                os.chmod(path, mode & 0o7777)


def shared_folder(prefix: str) -> Path:
    """A new folder every account can pass through (``tmp_path`` is root's alone)."""
    base = Path(tempfile.mkdtemp(prefix=prefix, dir="/var/tmp"))
    os.chmod(base, 0o755)
    return base


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COCDATA"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def cocdata(store: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the ``cocdata`` command on ``store`` as root, as an administrator would."""
    command = [sys.executable, "-m", "cocdata.cli", "--store", str(store), *args]
    return subprocess.run(command, env=cli_env(), text=True, capture_output=True, check=check)


def make_team_store(
    store: Path, group: str, members: dict[str, str], key_file: Path | None = None
) -> None:
    """``cocdata team init --group GROUP`` and ``team add USER --role ROLE`` for each member;
    with ``key_file``, the store is encrypted first (``init --encrypt --key-file``)."""
    cocdata(store, "init", *(["--encrypt", "--key-file", str(key_file)] if key_file else []))
    key = ["--key-file", str(key_file)] if key_file else []
    cocdata(store, *key, "team", "init", "--group", group)
    for user, role in members.items():
        cocdata(store, *key, "team", "add", user, "--role", role)


def as_user(user: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as ``user`` (``runuser``), with a login's fresh groups."""
    return subprocess.run(
        ["runuser", "-u", user, "--", *command], text=True, capture_output=True, check=False
    )


@dataclass
class Hub:
    """A running ``cocdata hub``: its address, process, log and state folder."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    state: Path
    store: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def descendants(self) -> list[int]:
        """Every process started by the hub's command, however far down (kernels included)."""
        return descendants(self.process.pid)


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def descendants(pid: int) -> list[int]:
    parents = _parents()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found += children
        todo += children
    return found


def processes_of(user: str) -> list[int]:
    """The running processes of ``user``. A zombie (exited, waiting for a parent, or for
    PID 1, to collect its status) runs nothing and holds nothing: it is not counted."""
    uid = pwd.getpwnam(user).pw_uid
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        found.append(int(entry.name))
    return found


@contextlib.contextmanager
def running_hub(
    store: Path, base: Path, cull_idle_s: int = 1800, extra: tuple[str, ...] = ()
) -> Iterator[Hub]:
    """``cocdata hub`` on a free port of localhost; stopped with SIGTERM on leaving."""
    port = free_port()
    state = base / "hub-state"
    log = base / "hub.log"
    env = cli_env({"COCDATA_CULL_IDLE_SECONDS": str(cull_idle_s)})
    command = [sys.executable, "-m", "cocdata.cli", "--store", str(store), "hub"]
    command += ["--port", str(port), "--state", str(state), *extra]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", process, log, state, store)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if wait_for_port(port, 1) and "JupyterHub is now running" in hub.log_tail(200):
                break
        else:
            raise RuntimeError(f"cocdata hub did not start:\n{hub.log_tail()}")
        yield hub
    finally:
        stop(hub)


def stop(hub: Hub, timeout: float = 60) -> None:
    """SIGTERM, as systemd sends it; then wait for the command to end."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(timeout=10)


# -- steps in the browser --------------------------------------------------------


def fill_login(page, hub: Hub, user: str, password: str) -> None:
    """Open the hub's login page and type the name and password (not signed in yet)."""
    page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(password)


def sign_in(page, hub: Hub, user: str, password: str) -> None:
    """Type the name and password on the hub's login page and click Sign in."""
    fill_login(page, hub, user, password)
    page.locator("#login_submit").click()


def wait_for_form(page, hub: Hub, what: str) -> None:
    try:
        page.locator(".cocdata-save").first.wait_for(state="visible", timeout=LOGIN_TIMEOUT_MS)
    except Exception as exc:
        body = ""
        with contextlib.suppress(Exception):
            body = page.locator("body").inner_text()[:2000]
        raise AssertionError(
            f"{what}: no report form at {page.url}.\nPage says:\n{body}\n"
            f"Browser console:\n{page_events(page)}\nHub log:\n{hub.log_tail()}"
        ) from exc

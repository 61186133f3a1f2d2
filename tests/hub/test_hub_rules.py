"""The hub's rules without a running hub: where it listens, its folder, who can run it, its config."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cocdata import crypto
from cocdata.errors import HubRefused
from cocdata.hub import hubconfig, keys, reach, state, workspace
from cocdata.hub.listen import checked_listen, is_local
from tests.hub.machine import Accounts, cli_env, require_hub_machine, shared_folder


@pytest.mark.parametrize(
    ("ip", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("team.example.org", False),
    ],
)
def test_only_loopback_is_local(ip: str, local: bool) -> None:
    assert is_local(ip) is local


@pytest.fixture
def cert(tmp_path: Path) -> tuple[Path, Path]:
    pem, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    pem.write_text("certificate")
    key.write_text("key")
    return pem, key


@pytest.mark.parametrize(
    ("ip", "tls", "insecure", "refused"),
    [
        ("127.0.0.1", False, False, None),
        ("0.0.0.0", False, False, "in the clear"),
        ("0.0.0.0", False, True, None),
        ("0.0.0.0", True, False, None),
        ("192.168.1.20", False, False, "--ssl-cert FILE --ssl-key FILE"),
    ],
)
def test_beyond_localhost_needs_tls_or_insecure(
    cert: tuple[Path, Path], ip: str, tls: bool, insecure: bool, refused: str | None
) -> None:
    pem, key = cert if tls else (None, None)
    if refused:
        with pytest.raises(HubRefused, match=refused.replace("-", r"\-")):
            checked_listen(ip, 8000, pem, key, insecure)
        return
    listen = checked_listen(ip, 8000, pem, key, insecure)
    assert listen.bind_url.startswith("https://" if tls else "http://")


@pytest.mark.parametrize(
    ("which", "message"),
    [("cert", "--ssl-cert was given without --ssl-key"), ("key", "--ssl-key was given")],
)
def test_a_certificate_needs_its_key(cert: tuple[Path, Path], which: str, message: str) -> None:
    pem, key = cert
    with pytest.raises(HubRefused, match=message):
        checked_listen(
            "0.0.0.0", 443, pem if which == "cert" else None, key if which == "key" else None
        )


def test_a_missing_certificate_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(HubRefused, match="no such file"):
        checked_listen("0.0.0.0", 443, tmp_path / "nope.pem", tmp_path / "nope.key")


@pytest.mark.parametrize("port", [0, 70000])
def test_a_port_out_of_range_is_refused(port: int) -> None:
    with pytest.raises(HubRefused, match="not a port number"):
        checked_listen("127.0.0.1", port)


def test_the_state_folder_is_private_and_apart_from_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    folder = tmp_path / "hub"
    folder.mkdir(mode=0o755)
    made = state.state_folder(folder, store)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    with pytest.raises(HubRefused, match="inside the store"):
        state.state_folder(store / "hub", store)
    with pytest.raises(HubRefused, match="inside the store"):
        state.state_folder(store, store)


def test_a_python_under_a_closed_folder_is_refused_with_what_to_do(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    (closed / "bin").mkdir(parents=True)
    python = closed / "bin" / "python3"
    python.write_text("")
    python.chmod(0o755)
    closed.chmod(0o700)
    with pytest.raises(HubRefused) as refused:
        reach.check_members_can_run([python])
    assert str(closed) in str(refused.value)
    assert "/opt/cocdata" in str(refused.value) and "chmod o+x" in str(refused.value)
    closed.chmod(0o755)
    tmp_path.chmod(0o755)
    closed_parents = [p for p in reach.unreachable([python]) if p in python.parents]
    modes = {p: p.stat().st_mode for p in closed_parents}  # pytest's own private folders
    try:
        for folder, mode in modes.items():
            folder.chmod(mode | 0o001)
        assert reach.unreachable([python]) == []
    finally:
        for folder, mode in modes.items():
            folder.chmod(stat.S_IMODE(mode))


def test_a_store_under_a_closed_folder_is_refused_with_what_to_do() -> None:
    base = shared_folder("cocdata-reach-")
    try:
        closed = base / "coc"
        (closed / "store").mkdir(parents=True)
        closed.chmod(0o700)  # what a store made in a new /srv/coc leaves
        with pytest.raises(HubRefused) as refused:
            reach.check_members_can_reach_store(closed / "store", "no-such-group-here")
        assert f"chmod o+x {closed}" in str(refused.value)
        closed.chmod(0o711)
        reach.check_members_can_reach_store(closed / "store", "no-such-group-here")
    finally:
        shutil.rmtree(base)


def test_the_config_lets_in_the_team_and_keeps_state_in_its_folder(tmp_path: Path) -> None:
    settings = hubconfig.HubSettings(
        store=str(tmp_path / "store"),
        state=str(tmp_path),
        bind_url="https://0.0.0.0:443/",
        hub_port=18081,
        proxy_api_port=18082,
        cull_idle_s=600,
        ssl_cert="/etc/cert.pem",
        ssl_key="/etc/key.pem",
        key_file="/dev/shm/cocdata-team-key-x/keys",
    )
    path = hubconfig.write_config(settings)
    assert json.loads((tmp_path / hubconfig.SETTINGS).read_text())["cull_idle_s"] == 600
    # The config file as JupyterHub runs it, read back from the traits it sets.
    script = (
        "from traitlets.config import Config\n"
        "from unittest import mock\n"
        "c = Config()\n"
        "with mock.patch('cocdata.hub.membership.team_members', return_value={'alice'}):\n"
        f"    exec(open({str(path)!r}).read())\n"
        "import json\n"
        "print(json.dumps({'db': c.JupyterHub.db_url, 'secret': c.JupyterHub.cookie_secret_file,"
        " 'allowed': sorted(c.Authenticator.allowed_users), 'url': c.Spawner.default_url,"
        " 'env': c.Spawner.environment, 'args': c.Spawner.args, 'cert': c.JupyterHub.ssl_cert,"
        " 'services': [s['name'] for s in c.JupyterHub.services], 'admin': c.JupyterHub.admin_access}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=cli_env(), capture_output=True, text=True, check=True
    )
    seen = json.loads(out.stdout)
    assert seen["db"] == f"sqlite:///{tmp_path}/jupyterhub.sqlite"
    assert seen["secret"] == f"{tmp_path}/jupyterhub_cookie_secret"
    assert seen["allowed"] == ["alice"]
    assert seen["url"] == "/voila/render/intake.ipynb"
    assert seen["env"]["COCDATA_STORE"] == str(tmp_path / "store")
    assert seen["env"]["COCDATA_KEY_FILE"] == "/dev/shm/cocdata-team-key-x/keys"
    assert "--MappingKernelManager.cull_idle_timeout=600" in seen["args"]
    assert seen["cert"] == "/etc/cert.pem"
    assert seen["services"] == ["idle-culler", "team-removal"]
    assert seen["admin"] is False
    # Nothing from another host: cocdata's Voilà template, found through JUPYTER_PATH.
    assert "--VoilaConfiguration.template=cocdata" in seen["args"]
    data = Path(seen["env"]["JUPYTER_PATH"].split(os.pathsep)[-1])
    assert (data / "voila" / "templates" / "cocdata" / "index.html.j2").is_file()
    assert any("'mathjax_url': None" in a for a in seen["args"])


def test_no_culling_means_no_culler(tmp_path: Path) -> None:
    settings = hubconfig.HubSettings("s", str(tmp_path), "http://127.0.0.1:8000/", 1, 2, 0)
    assert hubconfig.culler_service(settings) == ([], [])
    assert not any("cull" in a for a in hubconfig.server_args(settings))


def test_the_form_notebooks_link_the_case_view_and_jupyterlab() -> None:
    text = workspace.hub_notebook_text("intake.ipynb")
    assert "[Case work](./case.ipynb)" in text
    assert "../../lab/tree/intake.ipynb" in text
    assert "intake_form()" in text


@pytest.fixture
def account() -> str:
    require_hub_machine()
    accounts = Accounts()
    name = accounts.make(f"c{os.getpid() % 100000}ws")
    try:
        yield name
    finally:
        accounts.remove()


@pytest.mark.hub
def test_a_members_folder_gets_fresh_notebooks_they_own(account: str) -> None:
    folder = workspace.prepare(account)
    owner = folder.stat().st_uid
    assert folder.name == "cocdata" and stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("intake.ipynb", "case.ipynb"):
        assert (folder / name).stat().st_uid == owner
    overrides = workspace.lab_settings_folder(folder) / "overrides.json"
    assert overrides.stat().st_uid == owner
    assert '"checkForUpdates": false' in overrides.read_text()
    (folder / "intake.ipynb").write_text("changed")
    workspace.prepare(account)
    assert "intake_form()" in (folder / "intake.ipynb").read_text()


@pytest.mark.hub
def test_a_state_folder_of_another_account_is_refused(account: str, tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, pwd.getpwnam(account).pw_uid, -1)
    with pytest.raises(HubRefused, match="not this account's own folder"):
        state.state_folder(theirs, tmp_path / "store")


@pytest.mark.hub
def test_a_linked_members_folder_is_not_followed(account: str, tmp_path: Path) -> None:
    home = Path(os.path.expanduser(f"~{account}"))
    target = tmp_path / "root-only"
    target.mkdir()
    (home / "cocdata").symlink_to(target)
    with pytest.raises(HubRefused, match="not a folder cocdata can use"):
        workspace.prepare(account)
    assert list(target.iterdir()) == []


def test_unknown_account_is_named() -> None:
    with pytest.raises(HubRefused, match="has no Unix account"):
        workspace.prepare("no-such-member-here")


@pytest.mark.hub
def test_the_team_key_file_is_for_the_group_only_and_goes_when_done() -> None:
    require_hub_machine()
    group = grp.getgrgid(os.getgid()).gr_name
    key = crypto.StoreKey.new()
    with keys.team_key_file(key, group) as path:
        assert path is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
        assert path.stat().st_gid == grp.getgrnam(group).gr_gid
        assert [k.key_id for k in crypto.read_key_file(path)] == [key.key_id]
    assert not path.exists() and not path.parent.exists()
    with keys.team_key_file(None, group) as nothing:
        assert nothing is None


def test_a_key_folder_a_killed_hub_left_is_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"{keys.PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{keys.PREFIX}{os.getpid()}-abc"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "keys").write_text("cocdata-key")
    assert keys.remove_stale(tmp_path) == [stale]
    assert live.exists() and not stale.exists()


class _Spawner:
    active = True


class _User:
    def __init__(self, name: str) -> None:
        self.name = name
        self.spawners = {"": _Spawner()}
        self.stopped: list[str] = []

    async def stop(self, server_name: str) -> None:
        self.stopped.append(server_name)


def _run_apart(coroutine: object) -> object:
    """Run a coroutine on a loop of its own thread (a browser test may hold this thread's)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.mark.parametrize(("name", "kept"), [("alice", True), ("mallory", False)])
def test_a_login_is_checked_again_and_a_removed_members_server_stopped(
    monkeypatch: pytest.MonkeyPatch, name: str, kept: bool
) -> None:
    from cocdata.hub import membership

    monkeypatch.setattr(membership, "team_members", lambda store: {"alice"})
    auth = membership.TeamAuthenticator(store="/srv/coc/store")
    user = _User(name)
    assert _run_apart(auth.refresh_user(user)) is kept
    assert _run_apart(auth.check_allowed(name)) is kept
    assert user.stopped == ([] if kept else [""])

"""``cocdata team``: init, add, remove, show and recuse, as a real command."""

from __future__ import annotations

import grp
import os
import stat
import sys

import pytest

from cocdata.errors import EXIT_CODES, NotPermitted
from cocdata.store import Store
from tests.team import fixtures
from tests.team.fixtures import GROUP, LEAD, MEMBER, OBSERVER, STRANGER, as_user

accounts = fixtures.accounts
shared_dir = fixtures.shared_dir


@pytest.fixture
def cli_env(accounts, shared_dir):
    env = {**os.environ, "COCDATA_STORE": str(shared_dir / "store")}
    env.pop("JUPYTERHUB_USER", None)
    env.pop("COCDATA_MEMBER", None)
    return env


def cocdata(*args, env, user=None):
    if user is None:
        import subprocess

        return subprocess.run(
            [sys.executable, "-m", "cocdata.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    return as_user(
        user,
        sys.executable,
        "-m",
        "cocdata.cli",
        *args,
        env={"COCDATA_STORE": env["COCDATA_STORE"]},
    )


def test_init_add_show_remove(cli_env, shared_dir):
    store = shared_dir / "store"
    assert cocdata("init", env=cli_env).returncode == 0
    done = cocdata("team", "init", "--group", GROUP, env=cli_env)
    assert done.returncode == 0, done.stderr
    info = os.stat(store)
    assert grp.getgrgid(info.st_gid).gr_name == GROUP
    assert stat.S_IMODE(info.st_mode) == 0o2770
    for user, role in ((LEAD, "lead"), (MEMBER, "member"), (OBSERVER, "observer")):
        added = cocdata("team", "add", user, "--role", role, env=cli_env)
        assert added.returncode == 0, added.stderr
        assert user in grp.getgrnam(GROUP).gr_mem
    shown = cocdata("team", "show", env=cli_env)
    assert f"leads: {LEAD}" in shown.stdout and f"observers: {OBSERVER}" in shown.stdout
    toml = (store / "cocdata.toml").read_text()
    assert f'{MEMBER} = "member"' in toml and 'admins = ["root"]' in toml

    # A member may not change the team: refused in words, naming the lead.
    refused = cocdata("team", "add", STRANGER, "--role", "lead", env=cli_env, user=MEMBER)
    assert refused.returncode == EXIT_CODES[NotPermitted], refused.stderr
    assert "needs a team lead" in refused.stderr and LEAD in refused.stderr
    assert STRANGER not in (store / "cocdata.toml").read_text()

    # The lead may; run as the lead's own account.
    removed = cocdata("team", "remove", OBSERVER, env=cli_env, user=LEAD)
    assert removed.returncode == 0, removed.stderr
    assert OBSERVER not in (store / "cocdata.toml").read_text()
    assert "gpasswd" in removed.stderr  # not root: says what the administrator must run


def test_recuse_command(cli_env, shared_dir, tmp_path):
    from tests.cli.running import guide_file

    assert cocdata("init", env=cli_env).returncode == 0
    assert cocdata("import", str(guide_file(tmp_path)), env=cli_env).returncode == 0
    case_id = Store.open(shared_dir / "store").case_ids()[0]
    cocdata("team", "init", "--group", GROUP, env=cli_env)
    for user, role in ((LEAD, "lead"), (MEMBER, "member")):
        cocdata("team", "add", user, "--role", role, env=cli_env)
    refused = cocdata("team", "recuse", LEAD, case_id, env=cli_env, user=MEMBER)
    assert refused.returncode == EXIT_CODES[NotPermitted], refused.stderr
    done = cocdata(
        "team", "recuse", MEMBER, case_id, "--why", "knows the reporter", env=cli_env, user=LEAD
    )
    assert done.returncode == 0, done.stderr
    shown = cocdata("team", "show", env=cli_env)
    assert f"{MEMBER} from {case_id} (knows the reporter), by {LEAD}" in shown.stdout
    log = cocdata("access", env=cli_env)
    assert f"recused — {MEMBER} recused by {LEAD}" in log.stdout, log.stdout

    # The recused member: refused the case, and it is left out of lists and exports.
    shown = cocdata("show", case_id, env=cli_env, user=MEMBER)
    assert shown.returncode == EXIT_CODES[NotPermitted] and "recused" in shown.stderr
    listed = cocdata("cases", env=cli_env, user=MEMBER)
    assert case_id not in listed.stdout and "but 1 you are recused from" in listed.stdout
    exported = cocdata("export", env=cli_env, user=MEMBER)
    assert exported.returncode == 0 and case_id not in exported.stdout
    refused = cocdata("export", "--case", case_id, env=cli_env, user=MEMBER)
    assert refused.returncode == EXIT_CODES[NotPermitted]
    assert case_id in cocdata("show", case_id, env=cli_env, user=LEAD).stdout
    log = cocdata("access", "--case", case_id, env=cli_env, user=LEAD).stdout
    assert f"{MEMBER}: refused" in log, log


def test_an_observer_saves_nothing_from_the_command_line(cli_env, shared_dir, tmp_path):
    from tests.cli.running import guide_file

    cocdata("init", env=cli_env)
    cocdata("team", "init", "--group", GROUP, env=cli_env)
    cocdata("team", "add", LEAD, "--role", "lead", env=cli_env)
    cocdata("team", "add", OBSERVER, "--role", "observer", env=cli_env)
    source = guide_file(shared_dir)  # a file the observer can read
    done = cocdata("import", str(source), env=cli_env, user=OBSERVER)
    assert done.returncode == EXIT_CODES[NotPermitted], done.stderr
    assert "needs a team member" in done.stderr and LEAD in done.stderr
    assert Store.open(shared_dir / "store").case_ids() == []


@pytest.mark.parametrize(
    "args, words",
    [
        (("team", "show"), "not a team store"),
        (("team", "add", "Bad Name", "--role", "member"), "cannot be an account name"),
    ],
)
def test_team_mistakes(cli_env, args, words):
    cocdata("init", env=cli_env)
    if "add" in args:
        cocdata("team", "init", "--group", GROUP, env=cli_env)
    done = cocdata(*args, env=cli_env)
    assert done.returncode != 0 and words in done.stderr, done.stderr

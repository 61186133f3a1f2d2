"""A team store's files across real Unix accounts: modes whatever the umask, one lock for
all, no reading by outsiders, concurrent saves from two accounts, a killed save."""

from __future__ import annotations

import grp
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cocdata.store import Store
from tests.helpers import new_case
from tests.team.fixtures import GROUP, LEAD, MEMBER, STRANGER, WORKTREE, as_user

pytestmark = pytest.mark.slow

WRITERS = r"""
import os, sys
os.umask(int(sys.argv[2], 8))
from pathlib import Path
from cocdata import exporting, retention
from cocdata.store import Store
from tests.helpers import new_case
store = Store.open(sys.argv[1])
what = sys.argv[3]
if what == "member":
    saved = store.save(new_case())
    store.put_blob(b"a screenshot", "shot.png", "image/png")
    store.save_draft("half-typed", {"description": "typed so far"})
    store.save(new_case())
    store.compact()
    exporting.export_file(store, Path.home() / "out.jsonl")
elif what == "form":
    import datetime as dt
    from cocdata.forms.intake import CaseForm
    from tests.forms.test_forms_intake import type_guide_report
    form = CaseForm(store, None, now=dt.datetime(2000, 12, 29, 9), autosave_delay=None)
    type_guide_report(form)
    form.event.choice.value = "djangocon-2000"  # saved with the member's cases above
    form.save_button.click()
    assert form.board.text == "", form.board.text
elif what == "lead":
    closed = [s.case.case_id for s in store.load_all() if s.case.status != "new"]
    retention.expunge(store, case_ids=closed[:1])
    store.encrypt(key_file=Path.home() / "team.key")
    store.save(new_case())
print("ok")
"""


def _shared_everywhere(root: Path) -> list[str]:
    """Every folder and file under ``root`` that is not the team's 2770 / 0660."""
    gid = grp.getgrnam(GROUP).gr_gid
    wrong = []
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        want = 0o2770 if stat.S_ISDIR(info.st_mode) else 0o660
        if stat.S_IMODE(info.st_mode) != want or info.st_gid != gid:
            wrong.append(
                f"{path.relative_to(root)}: {stat.S_IMODE(info.st_mode):o} gid {info.st_gid}"
            )
    return wrong


def _run_as(user: str, store: Store, umask: str, what: str) -> None:
    done = as_user(user, sys.executable, "-c", WRITERS, str(store.root), umask, what, cwd=WORKTREE)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]


@pytest.mark.parametrize("umask", ["022", "077"])
def test_every_writer_leaves_team_modes(team_store, umask, tmp_path):
    (team_store.root / ".lock").unlink()  # made again by the first writer
    _run_as(MEMBER, team_store, umask, "member")
    _run_as(MEMBER, team_store, umask, "form")
    cli = as_user(
        MEMBER,
        "sh",
        "-c",
        f"umask {umask}; exec {sys.executable} -m cocdata.cli init --store {team_store.root}"
        f" && {sys.executable} -m cocdata.cli access --store {team_store.root}",
    )
    assert cli.returncode == 0, cli.stderr
    _run_as(LEAD, team_store, umask, "lead")
    assert list((team_store.root / "blobs").rglob("*")), "evidence was written"
    assert list((team_store.root / "drafts").iterdir()), "a draft was written"
    assert _shared_everywhere(team_store.root) == []
    assert stat.S_IMODE(Path(f"/home/{MEMBER}/out.jsonl").stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(f"/home/{LEAD}/team.key").stat().st_mode) == 0o600
    Path(f"/home/{LEAD}/team.key").unlink()


def test_someone_outside_the_team_reads_nothing(team_store):
    team_store.save(new_case())
    for path in [team_store.root, *team_store.root.rglob("*")]:
        if path.is_file():
            done = as_user(STRANGER, "cat", str(path))
        else:
            done = as_user(STRANGER, "ls", str(path))
        assert done.returncode != 0 and "Permission denied" in done.stderr, path
    member = as_user(MEMBER, "cat", str(team_store.root / "cocdata.toml"))
    assert member.returncode == 0


SAVER = r"""
import json, os, sys, time
from cocdata.errors import Conflict
from cocdata.store import Store
store = Store.open(sys.argv[1])
case_id, go = sys.argv[2], sys.argv[3]
shown = store.get(case_id)
edited = shown.case.model_copy(update={"description": shown.case.description + " " + sys.argv[4]})
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
try:
    saved = store.save(edited, base_rev=shown.rev)
    print(json.dumps({"saved": saved.rev}))
except Conflict as exc:
    newest = store.get(case_id)
    again = newest.case.model_copy(update={"description": newest.case.description + " " + sys.argv[4]})
    print(json.dumps({"conflict": str(exc), "then": store.save(again, base_rev=newest.rev).rev}))
"""


def test_two_members_saving_the_same_case_at_once_lose_nothing(team_store, shared_dir):
    case_id = team_store.save(new_case()).case.case_id
    go = shared_dir / "go"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(WORKTREE), "LANG": "C.UTF-8"}
    procs = [
        subprocess.Popen(
            [
                "runuser",
                "-u",
                user,
                "--",
                sys.executable,
                "-c",
                SAVER,
                str(team_store.root),
                case_id,
                str(go),
                f"[added by {user}]",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "HOME": f"/home/{user}"},
        )
        for user in (LEAD, MEMBER)
    ]
    for proc in procs:  # both have read revision 1
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    conflicts = [r for r in results if "conflict" in r]
    assert len(conflicts) == 1, results
    winner = (LEAD, MEMBER)[["saved" in r for r in results].index(True)]
    assert f"by {winner}" in conflicts[0]["conflict"]  # told who changed what
    final = Store.open(team_store.root).get(case_id)
    assert final.rev == 3
    assert f"[added by {LEAD}]" in final.case.description
    assert f"[added by {MEMBER}]" in final.case.description
    assert {m.saved_by for m in team_store.history(case_id)[1:]} == {LEAD, MEMBER}


KILLED = r"""
import os, sys, time
from cocdata.store import Store, files
from tests.helpers import new_case
real = files.os.rename
def stuck(src, dst):
    print("mid-save", os.getpid(), flush=True)
    time.sleep(60)
files.os.rename = stuck
Store.open(sys.argv[1]).save(new_case())
"""


def test_a_member_process_killed_mid_save_loses_nothing(team_store):
    first = team_store.save(new_case())
    proc = subprocess.Popen(
        ["runuser", "-u", MEMBER, "--", sys.executable, "-c", KILLED, str(team_store.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=WORKTREE,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(WORKTREE), "HOME": f"/home/{MEMBER}"},
    )
    said, pid = proc.stdout.readline().split()
    assert said == "mid-save", proc.stderr.read()
    os.kill(int(pid), signal.SIGKILL)  # the member's python itself, under runuser
    proc.wait(timeout=30)
    # The lock died with the process: another member saves at once, and nothing is lost.
    lead = as_user(
        LEAD,
        sys.executable,
        "-c",
        "import sys; from cocdata.store import Store; from tests.helpers import new_case;"
        "print(Store.open(sys.argv[1]).save(new_case()).rev)",
        str(team_store.root),
        cwd=WORKTREE,
    )
    assert lead.returncode == 0, lead.stderr
    store = Store.open(team_store.root)
    assert store.get(first.case.case_id).case == first.case
    assert len(store.case_ids()) == 2
    assert store.verify(quarantine=False).ok

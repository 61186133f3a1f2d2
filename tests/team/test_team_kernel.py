"""A form saved in a real Jupyter kernel with umask 077, as a member's server starts it."""

from __future__ import annotations

import grp
import os
import stat

import pytest

from cocdata.store import Store
from tests.team.fixtures import GROUP, MEMBER, WORKTREE

pytestmark = pytest.mark.slow

FORM_SAVE = """
import datetime as dt
from cocdata.forms.intake import intake_form
from tests.forms.test_forms_intake import type_guide_report
form = intake_form({store!r}, "Someone Else", now=dt.datetime(2000, 12, 29, 9), autosave_delay=None)
type_guide_report(form)
form.store.save_draft("typed-in-a-kernel", {{"description": "so far"}})
form.save_button.click()
print("board:", form.board.text, "saved by:", form.store.get(form.store.case_ids()[0]).saved_by)
"""


def test_a_kernel_with_umask_077_writes_team_files(team_store, tmp_path):
    from jupyter_client.manager import start_new_kernel

    env = {
        **os.environ,
        "PYTHONPATH": str(WORKTREE),
        "JUPYTERHUB_USER": MEMBER,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("COCDATA_MEMBER", None)
    old = os.umask(0o077)  # what the kernel inherits
    try:
        manager, client = start_new_kernel(kernel_name="python3", env=env, startup_timeout=120)
    finally:
        os.umask(old)
    said: list[str] = []
    try:
        reply = client.execute_interactive(
            FORM_SAVE.format(store=str(team_store.root)),
            timeout=120,
            output_hook=lambda msg: said.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert f"board:  saved by: {MEMBER}" in "".join(said)
    gid = grp.getgrnam(GROUP).gr_gid
    for path in team_store.root.rglob("*"):
        info = path.lstat()
        want = 0o2770 if stat.S_ISDIR(info.st_mode) else 0o660
        assert (stat.S_IMODE(info.st_mode), info.st_gid) == (want, gid), path
    assert Store.open(team_store.root).drafts()[0]["by"] == MEMBER

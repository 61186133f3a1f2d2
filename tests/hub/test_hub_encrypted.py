"""An encrypted team store on the hub: members' kernels get the key, no one else does.

The hub is started with the store's key file (root's); each member's server
is handed a key file in memory that the team's group can read and no one
else, named by ``COCDATA_KEY_FILE``. A member records a report (their
kernel read and wrote the encrypted store); the key is in no notebook; an
outsider cannot read the key file; it is gone once the hub stops.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cocdata.hub import hubconfig
from cocdata.store import Store
from tests.forms.servers import click_save, fill_quick_capture
from tests.hub.conftest import PHONE, TeamMachine, browser_window
from tests.hub.machine import as_user, running_hub, sign_in, wait_for_form

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]


def test_members_kernels_get_the_key_and_outsiders_do_not(
    chromium, encrypted_team_machine: TeamMachine
) -> None:
    machine = encrypted_team_machine
    key_file = machine.base / "store.key"
    member, outsider = machine.member, machine.outsider
    with running_hub(machine.store, machine.base, extra=("--key-file", str(key_file))) as hub:
        settings = json.loads((hub.state / hubconfig.SETTINGS).read_text())
        team_key = Path(settings["key_file"])
        assert team_key.parent.parent == Path("/dev/shm")
        assert as_user(member, "cat", str(team_key)).returncode == 0
        assert as_user(outsider, "cat", str(team_key)).returncode != 0
        assert as_user(outsider, "cat", str(key_file)).returncode != 0
        context, page = browser_window(chromium, PHONE)
        try:
            sign_in(page, hub, member, machine.password(member))
            wait_for_form(page, hub, f"{member} on an encrypted store")
            fill_quick_capture(page)
            click_save(page, hub)
        finally:
            context.close()
        secret = team_key.read_text().split()[-1]
        for notebook in Path(f"~{member}/cocdata").expanduser().glob("*.ipynb"):
            assert secret not in notebook.read_text()
    assert not team_key.exists() and not team_key.parent.exists()
    store = Store.open(machine.store)
    store.unlock(key_file=key_file)
    assert [s.saved_by for s in store.load_all()] == [member]

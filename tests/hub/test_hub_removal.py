"""A member removed while the hub runs is out at once: their server and kernels stop.

Two members have the report form open through a real hub in Chromium; a
lead's ``cocdata team remove`` takes one of them off the team. Within
seconds that member's processes are gone and their open page no longer
reaches a server (a reload lands on a page of the hub, not the form),
while the other member's form goes on saving.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from cocdata.store import Store
from tests.forms.servers import click_save, fill_quick_capture
from tests.hub.conftest import TeamMachine, signed_in
from tests.hub.machine import Hub, cocdata, processes_of

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

OUT_WITHIN_S = 15


def test_a_removed_member_loses_their_running_server_at_once(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    lead, gone = team_machine.lead, team_machine.member
    contexts = []
    try:
        lead_context, lead_page = signed_in(chromium, hub, team_machine, lead)
        gone_context, gone_page = signed_in(chromium, hub, team_machine, gone)
        contexts = [lead_context, gone_context]
        assert processes_of(gone), "the member's server and kernel run"

        cocdata(team_machine.store, "team", "remove", gone)
        removed_at = time.monotonic()
        while processes_of(gone) and time.monotonic() - removed_at < OUT_WITHIN_S:
            time.sleep(0.2)
        assert not processes_of(gone), f"{gone}'s processes still run:\n{hub.log_tail()}"
        # The service says so once the hub has answered its stop request, which the hub
        # sends after it has seen the server's process gone.
        said = f"{gone} is no longer on the team"
        while said not in hub.log_tail(20_000) and time.monotonic() - removed_at < 2 * OUT_WITHIN_S:
            time.sleep(0.2)
        assert said in hub.log_tail(20_000)

        # The open page reaches no server of theirs any more.
        gone_page.reload(wait_until="domcontentloaded")
        assert gone_page.locator(".cocdata-save").count() == 0
        assert urlsplit(gone_page.url).path.startswith("/hub/"), gone_page.url

        # The other member is untouched.
        fill_quick_capture(lead_page)
        click_save(lead_page, hub)
    finally:
        for context in contexts:
            context.close()
    saved_by = [s.saved_by for s in Store.open(team_machine.store).load_all()]
    assert saved_by == [lead]

"""A member's server killed in the middle of a save, on a real team hub: nothing is lost.

Two members are signed in through the hub's login page. One types a report
and clicks Save while the store's lock is held (as another writer would hold
it), so the save is under way and waiting to write (its kernel is seen in
the lock's retry sleep); then every process of
that member, their single-user server and its kernel, is killed with
SIGKILL. The store still verifies, the other member's saves are intact and
they keep saving, nothing half-written is stored, and when the crashed
member signs in again their report is offered back whole and saves.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

import pytest

from cocdata.store import Store
from tests.forms.servers import (
    QUICK_EXAMPLE,
    click_save,
    field_input,
    fill,
    fill_quick_capture,
    new_report,
)
from tests.hub.conftest import TeamMachine, signed_in
from tests.hub.machine import (
    LOGIN_TIMEOUT_MS,
    Hub,
    cocdata,
    processes_of,
)

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

TYPED = {
    **QUICK_EXAMPLE,
    "cocdata-f-report-made-by": "Person C",
    "cocdata-f-description": "Typed on the phone; the member's server died while saving it.",
}
WAIT_S = 60


def _wait_until(what: str, done, hub: Hub) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {WAIT_S} s.\nHub log:\n{hub.log_tail()}")
        time.sleep(0.2)


def _waiting_for_the_lock(user: str) -> bool:
    """True while a kernel of ``user`` sits in the store lock's retry sleep (a save in flight):
    an idle kernel waits in epoll, one retrying the lock in nanosleep."""
    for pid in processes_of(user):
        with contextlib.suppress(OSError):
            # A kernel forked from the member's fork server carries the server's command line.
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"ipykernel" in cmdline or b"forkserver.py" in cmdline:
                wchan = Path(f"/proc/{pid}/wchan")
                if any("nanosleep" in wchan.read_text() for _ in range(20)):
                    return True
    return False


def _drafts_of(store: Store, user: str) -> list[str]:
    return [json.dumps(d, ensure_ascii=False) for d in store.drafts() if d.get("by") == user]


def test_a_member_server_killed_mid_save_loses_nothing(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    lead, member = team_machine.lead, team_machine.member
    store = Store.open(team_machine.store)
    description = TYPED["cocdata-f-description"]
    contexts = []
    try:
        lead_context, lead_page = signed_in(chromium, hub, team_machine, lead)
        contexts = [lead_context]
        fill_quick_capture(lead_page)  # the event is new: this save records it
        click_save(lead_page, hub)
        member_context, member_page = signed_in(chromium, hub, team_machine, member)
        contexts.append(member_context)

        fill_quick_capture(member_page, TYPED)
        _wait_until(
            "no draft of what the member typed",
            lambda: any(description in d for d in _drafts_of(store, member)),
            hub,
        )
        with store.lock():  # another writer holds the store: the save starts and waits
            member_page.locator("button.cocdata-save").first.click()
            _wait_until(
                "the member's kernel never started waiting for the store's lock",
                lambda: _waiting_for_the_lock(member),
                hub,
            )
            victims = processes_of(member)
            assert victims, "the member's server and kernel were running"
            for pid in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            _wait_until(
                "the member's processes still running", lambda: not processes_of(member), hub
            )
        member_context.close()

        # The other member's server never noticed: they keep saving.
        new_report(lead_page)
        fill(lead_page, "cocdata-f-report-made-by", "Person D")
        fill(lead_page, "cocdata-f-description", "Saved after the other server died.")
        click_save(lead_page, hub)
    finally:
        for context in contexts:
            context.close()

    assert cocdata(team_machine.store, "verify").returncode == 0
    store = Store.open(team_machine.store)
    saved = store.load_all()
    by_lead = sorted(s.case.report.made_by for s in saved if s.saved_by == lead)
    assert by_lead == ["Person A", "Person D"]
    assert not [s for s in saved if s.saved_by == member], "nothing of the crashed save is stored"
    assert any(description in d for d in _drafts_of(store, member)), "the draft is kept whole"

    # The hub sees the server gone; the member signs in again and gets the report back.
    _wait_until(
        "the hub did not see the server stop", lambda: "server stopped" in hub.log_tail(400), hub
    )
    context, page = signed_in(chromium, hub, team_machine, member)
    try:
        offer = page.locator(".cocdata-notice", has_text="Person C").first
        offer.wait_for(timeout=LOGIN_TIMEOUT_MS)
        assert "You have an unsaved report from" in offer.inner_text()
        offer.locator("button.cocdata-draft-restore").click()
        page.locator(".cocdata-save-status", has_text="Draft restored").wait_for()
        for css, value in TYPED.items():
            assert field_input(page, css).input_value() == value, css
        click_save(page, hub)
    finally:
        context.close()
    store = Store.open(team_machine.store)
    mine = [s for s in store.load_all() if s.saved_by == member]
    assert len(mine) == 1
    assert mine[0].case.report.made_by == "Person C"
    assert mine[0].case.description == description
    assert _drafts_of(store, member) == [], "saving cleared the draft"
    assert cocdata(team_machine.store, "verify").returncode == 0

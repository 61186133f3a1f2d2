"""A real team hub in Chromium: members sign in as themselves, outsiders do not get in.

``cocdata hub`` runs as root with real Unix accounts (PAM), the proxy from
npm and each member's server as that member. Two members record a report
each (one on a 390×844 phone) and then save the same case at once: one
conflict, nothing lost, every revision names its member. An account not on
the team is refused at the login page and by the file system; a recused
member does not find the case; SIGTERM leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cocdata.examples import guide_example
from cocdata.model import Case
from cocdata.store import Store
from tests.forms.servers import SAVE_TIMEOUT_MS, click_save, fill, fill_quick_capture
from tests.hub.conftest import PHONE, TeamMachine, browser_window
from tests.hub.machine import (
    LOGIN_TIMEOUT_MS,
    Hub,
    as_user,
    cocdata,
    processes_of,
    running_hub,
    sign_in,
    stop,
    wait_for_form,
)

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1200, "height": 900}
SHARED = "shared-case"
SECRET = "recused-case"
CASE_FORM = ".cocdata-case-form"
HUMAN_MS = 150


def _seed(store: Store, case_id: str) -> None:
    data = guide_example().to_dict()
    data.update(case_id=case_id, timeline=[], actions=[], status="new", forwarded_to=[])
    store.save(Case.model_validate(data))  # as root: in a team store, the account saves


@pytest.fixture(scope="module")
def hub(team_machine: TeamMachine) -> Iterator[Hub]:
    store = Store.open(team_machine.store)
    _seed(store, SHARED)
    _seed(store, SECRET)
    cocdata(team_machine.store, "team", "recuse", team_machine.recused, SECRET, "--why", "a friend")
    with running_hub(team_machine.store, team_machine.base) as running:
        yield running


def _refused_at_login(chromium, hub: Hub, user: str, password: str) -> None:
    """Sign in with a right password: the login page again, and no page of the user's."""
    context, page = browser_window(chromium, DESKTOP)
    try:
        sign_in(page, hub, user, password)
        page.locator("#login_submit").wait_for()
        assert "/hub/login" in page.url
        assert "Invalid username or password" in page.locator("body").inner_text()
        page.goto(f"{hub.url}/user/{user}/voila/render/intake.ipynb")
        assert "/hub/login" in page.url
    finally:
        context.close()


def _open_case(page, case_id: str) -> None:
    fill(page, "cocdata-f-find-text", case_id, scope="body")
    page.locator(".cocdata-find-count", has_text="1 case found").wait_for(timeout=30_000)
    page.locator("button.cocdata-open-case").first.click()
    page.locator(".cocdata-case-tabs .lm-TabBar-tab", has_text="Edit fields").click()


def _type_over(page, css: str, text: str) -> None:
    selector = f"{CASE_FORM} .{css} input, {CASE_FORM} .{css} textarea"
    page.locator(selector).first.click()
    page.keyboard.press("Control+A")
    page.type(selector, text, delay=HUMAN_MS)


def test_two_members_record_reports_and_save_the_same_case(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    lead, member = team_machine.lead, team_machine.member
    store = Store.open(team_machine.store)
    before = {s.case_id for s in store.load_all()}
    contexts = []
    hosts: set[str] = set()
    try:
        phone_context, phone = browser_window(chromium, PHONE, hosts)
        desk_context, desk = browser_window(chromium, DESKTOP, hosts)
        contexts = [phone_context, desk_context]
        for page, user in ((phone, lead), (desk, member)):
            sign_in(page, hub, user, team_machine.password(user))
        for page, user in ((phone, lead), (desk, member)):
            wait_for_form(page, hub, f"{user} after signing in")
            assert f"/user/{user}/voila/render/intake.ipynb" in page.url
            assert page.locator(".cocdata-member-bar").inner_text().count(user) >= 1
            assert page.locator("button.cocdata-member-toggle").count() == 0, "no 'Not you?'"
            fill_quick_capture(page)
            click_save(page, hub)

        new = [s for s in store.load_all() if s.case_id not in before]
        assert sorted(s.saved_by for s in new) == sorted([lead, member])

        # Both open the same case from the report form's link and change it at once.
        for page in (phone, desk):
            page.get_by_role("link", name="Case work").click()
            page.locator(".cocdata-f-find-text input").first.wait_for(timeout=LOGIN_TIMEOUT_MS)
            _open_case(page, SHARED)
        _type_over(phone, "cocdata-f-occurred-where", "Conference party, upstairs bar")
        _type_over(desk, "cocdata-f-report-made-where", "hallway by the registration desk")
        phone.locator(f"{CASE_FORM} button.cocdata-save").click()
        phone.locator(".cocdata-case-status", has_text="Fields saved as revision 2").wait_for(
            timeout=SAVE_TIMEOUT_MS
        )
        desk.locator(f"{CASE_FORM} button.cocdata-save").click()
        notice = desk.locator(".cocdata-conflict", has_text="Not saved")
        notice.wait_for(timeout=SAVE_TIMEOUT_MS)
        assert lead in notice.inner_text()
        desk.locator("button.cocdata-reapply").click()
        desk.locator(".cocdata-case-status", has_text="revision 3").wait_for(
            timeout=SAVE_TIMEOUT_MS
        )
        # JupyterLab is one click away, and asks nothing of any other host either.
        desk.get_by_role("link", name="JupyterLab (notebooks)").click()
        desk.locator(".jp-Notebook").first.wait_for(timeout=LOGIN_TIMEOUT_MS)
        desk.wait_for_load_state("networkidle")
    finally:
        for context in contexts:
            context.close()
    # No page of the hub, the forms or the lab asked another host for anything (a CDN
    # would learn who opened the team's forms, and when).
    assert hosts == {urlsplit(hub.url).netloc}, hosts

    store = Store.open(team_machine.store)
    case = store.get(SHARED).case
    assert case.occurred.where == "Conference party, upstairs bar"
    assert case.report.made_where == "hallway by the registration desk"
    history = store.history(SHARED)
    # Revision 1 was seeded by root (an administrator of the team) from the command line.
    assert [(m.rev, m.saved_by) for m in history] == [(1, "root"), (2, lead), (3, member)]


def test_an_account_not_on_the_team_is_refused_by_the_hub_and_the_files(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    outsider = team_machine.outsider
    _refused_at_login(chromium, hub, outsider, team_machine.password(outsider))
    assert not processes_of(outsider), "no server was started for the outsider"
    # A member's picture is not served to anyone without a login (Voilà's files route).
    picture = Path(os.path.expanduser(f"~{team_machine.lead}")) / "cocdata" / "evidence.png"
    picture.write_bytes(b"\x89PNG not really")
    for user in (team_machine.lead, outsider):
        url = f"{hub.url}/user/{user}/voila/files/evidence.png"
        with (
            contextlib.suppress(urllib.error.HTTPError),
            urllib.request.urlopen(url, timeout=30) as answer,
        ):
            assert b"PNG" not in answer.read(), url
    store = team_machine.store
    for command in (
        ["cat", str(store / "cocdata.toml")],
        ["ls", str(store / "cases")],
        ["sh", "-c", f"cat {store}/cases/*"],
    ):
        result = as_user(outsider, *command)
        assert result.returncode != 0, f"{outsider} could run {command}: {result.stdout[:200]}"
    assert as_user(team_machine.member, "cat", str(store / "cocdata.toml")).returncode == 0


def test_a_recused_member_does_not_find_the_case(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    recused = team_machine.recused
    context, page = browser_window(chromium, PHONE)
    try:
        sign_in(page, hub, recused, team_machine.password(recused))
        wait_for_form(page, hub, f"{recused} after signing in")
        page.get_by_role("link", name="Case work").click()
        page.locator(".cocdata-f-find-text input").first.wait_for(timeout=LOGIN_TIMEOUT_MS)
        fill(page, "cocdata-f-find-text", SECRET, scope="body")
        page.locator(".cocdata-find-count", has_text="0 cases found").wait_for(timeout=30_000)
        assert SECRET not in page.locator("body").inner_text()
        fill(page, "cocdata-f-find-text", SHARED, scope="body")
        page.locator(".cocdata-find-count", has_text="1 case found").wait_for(timeout=30_000)
    finally:
        context.close()


def test_a_removed_member_cannot_sign_in_again(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    gone = team_machine.recused
    cocdata(team_machine.store, "team", "remove", gone)
    _refused_at_login(chromium, hub, gone, team_machine.password(gone))
    assert "not a member of the team" in hub.log_tail(400)


def test_sigterm_stops_the_hub_the_proxy_every_server_and_kernel(
    chromium, hub: Hub, team_machine: TeamMachine
) -> None:
    stop(hub)  # the module's hub first: this test starts its own and stops it
    member = team_machine.member
    with running_hub(team_machine.store, team_machine.base) as own:
        context, page = browser_window(chromium, DESKTOP)
        try:
            sign_in(page, own, member, team_machine.password(member))
            wait_for_form(page, own, f"{member} after signing in")
        finally:
            context.close()
        started = own.descendants()
        names = {_name(pid) for pid in started}
        assert {"configurable-http-proxy"} & names or "node" in names, names
        # The member's kernels are forked from their fork server, and carry its command line.
        assert any("forkserver.py" in _cmdline(pid) for pid in started), "a kernel ran"
        assert any("cocdata.hub.singleuser" in _cmdline(pid) for pid in started)
        stop(own)
        assert own.process.returncode is not None
    time.sleep(1)
    left = [pid for pid in started if _alive(pid)]
    assert not left, [(pid, _cmdline(pid)) for pid in left]
    assert not processes_of(member), [(pid, _cmdline(pid)) for pid in processes_of(member)]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

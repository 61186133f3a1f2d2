"""Roles through the Python API: who may do what, refusals in words, logged, nothing written."""

from __future__ import annotations

import os

import pytest

from cocdata import accesslog, people, retention
from cocdata.errors import NotPermitted
from cocdata.reports.forward import forward
from cocdata.reports.publish import publish_transparency
from cocdata.reports.yearly_publish import publish_yearly
from cocdata.store import Store
from cocdata.team import Role, admin, current_member, load_team
from tests.helpers import new_case
from tests.team.fixtures import LEAD, MEMBER, OBSERVER, STRANGER

ACTIONS = {
    "save": lambda s, cid: s.save(new_case()),
    "event": lambda s, cid: s.save_event(s.get(cid).case.event),
    "evidence": lambda s, cid: s.put_blob(b"a note", "note.txt", "text/plain"),
    "draft": lambda s, cid: s.save_draft("a-draft", {"what": "typed"}),
    "compact": lambda s, cid: s.compact(),
    "expunge": lambda s, cid: retention.expunge(s, case_ids=[cid]),
    "person": lambda s, cid: people.merge(s, "no-such-a", "no-such-b"),
    "publish": lambda s, cid: publish_transparency(s, event_ids=["no-such-event"]),
    "yearly": lambda s, cid: publish_yearly(s, year=1900),
    "forward": lambda s, cid: forward(s, "no-such-case", to="Foundation"),
    "key": lambda s, cid: s.write_key_file(s.root / "key"),
    "team": lambda s, cid: admin.add_member(s, STRANGER, Role.OBSERVER),
}
ALLOWED = {
    LEAD: set(ACTIONS),
    MEMBER: {"save", "event", "evidence", "draft", "compact"},
    OBSERVER: set(),
    STRANGER: set(),
}
CASES = [(user, action) for user in ALLOWED for action in ACTIONS]


@pytest.fixture
def with_case(team_store):
    return team_store, team_store.save(new_case()).case.case_id


def _store_files(store: Store) -> set[str]:
    return {
        str(p.relative_to(store.root))
        for p in store.root.rglob("*")
        if p.is_file() and "access" not in p.parts and p.name != ".lock"
    }


@pytest.mark.parametrize("user, action", CASES)
def test_each_role_may_do_what_it_may(with_case, act_as, user, action):
    store, case_id = with_case
    act_as(user)
    before = _store_files(store)
    try:
        ACTIONS[action](store, case_id)
    except NotPermitted as exc:
        assert action not in ALLOWED[user], f"{user} was refused {action}: {exc}"
        assert "Nothing was written" in exc.message
        assert LEAD in str(exc)  # who to ask
        assert _store_files(store) == before
        if action != "draft":  # a form keeps drafts by itself: not an attempt to log
            last = accesslog.entries(store)[-1]
            assert (last.by, last.action) == (user, "refused")
        return
    except Exception:  # past the check: the action's own answer to its bad input
        pass
    assert action in ALLOWED[user], f"{user} was allowed {action}"


@pytest.mark.parametrize(
    "user, words",
    [
        (OBSERVER, f"Saving a case needs a team member; {OBSERVER} is a observer"),
        (STRANGER, f"{STRANGER} is not on the team of the store"),
    ],
)
def test_a_refusal_says_what_is_needed_and_who_leads(team_store, act_as, user, words):
    act_as(user)
    with pytest.raises(NotPermitted) as caught:
        team_store.save(new_case())
    assert words in caught.value.message
    assert caught.value.leads == [LEAD]
    assert caught.value.exit_code == 18


def test_the_login_is_recorded_whatever_name_is_passed(team_store, act_as, monkeypatch):
    act_as(MEMBER)
    monkeypatch.setenv("COCDATA_MEMBER", "Someone Else")
    saved = team_store.save(new_case(), by="Someone Else")
    assert saved.saved_by == MEMBER
    draft = team_store.save_draft("d", {"x": 1}, by="Someone Else")
    assert draft.exists() and team_store.load_draft("d")["by"] == MEMBER
    assert team_store.put_blob(b"x", "x.txt", "text/plain", by="Someone Else").added_by == MEMBER


def test_an_ordinary_account_cannot_claim_another_login(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", LEAD)
    monkeypatch.setattr(os, "geteuid", lambda: 4242)
    from cocdata.team import identity

    monkeypatch.setattr(identity, "_account_of", lambda uid: "someone")
    assert current_member() == "someone"
    monkeypatch.setenv("JUPYTERHUB_USER", "someone")
    assert current_member() == "someone"


def test_removal_takes_effect_at_the_next_action(team_store, act_as):
    act_as(MEMBER)
    server = Store.open(team_store.root)  # the member's running server
    server.save(new_case())
    act_as("root")
    admin.remove_member(Store.open(team_store.root), MEMBER)
    act_as(MEMBER)
    with pytest.raises(NotPermitted, match="not on the team"):
        server.save(new_case())
    assert load_team(team_store.root).role_of(MEMBER) is None


def test_the_last_lead_stays(team_store, act_as):
    act_as(LEAD)
    with pytest.raises(Exception, match="only lead"):
        admin.remove_member(team_store, LEAD)


def test_a_single_user_store_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("COCDATA_MEMBER", "Test Member")
    store = Store.init(tmp_path / "store")
    saved = store.save(new_case(), by="Robin")
    assert saved.saved_by == "Robin"
    assert retention.expunge(store, case_ids=[saved.case.case_id]).case_ids == [saved.case.case_id]
    mode = (store.root / "cases" / store.list_files("cases")[0]).stat().st_mode
    assert mode & 0o777 == 0o600

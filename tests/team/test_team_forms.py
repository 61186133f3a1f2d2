"""Team mode in the forms, widget by widget: who you are, roles, recusal in the case view."""

from __future__ import annotations

import datetime as dt

import pytest

from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.fields import is_hidden
from cocdata.forms.intake import CaseForm
from cocdata.team import load_team
from tests.forms.test_forms_intake import type_guide_report
from tests.helpers import new_case
from tests.team.fixtures import LEAD, MEMBER, OBSERVER

NOW = dt.datetime(2000, 12, 29, 9, 0)


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def _form(store, typed_name="Someone Else"):
    return CaseForm(store, typed_name, now=NOW, autosave_delay=None)


def _workspace(store):
    return CaseWorkspace(store, "Someone Else", now=NOW, autosave_delay=None)


def test_the_form_shows_the_login_and_offers_no_other_name(team_store, act_as):
    act_as(MEMBER)
    form = _form(team_store)
    bar = form.member_bar
    assert bar.member == MEMBER and bar.confirmed
    assert f"Recording as <b>{MEMBER}</b> (member)" in bar.shown.value
    assert bar.toggle not in bar.widget.children[0].children  # no "Not you?"
    type_guide_report(form)
    form.save_button.click()
    assert form.board.text == "", form.board.text
    saved = team_store.get(team_store.case_ids()[0])
    assert saved.saved_by == MEMBER
    assert saved.case.report.received_by == [MEMBER]


def test_an_observer_sees_the_refusal_and_nothing_is_saved(team_store, act_as):
    act_as(OBSERVER)
    form = _form(team_store)
    type_guide_report(form)
    form.save_button.click()
    assert "needs a team member" in form.board.text and LEAD in form.board.text
    assert team_store.case_ids() == []
    assert "What you typed is still here" in form.board.text or form.description.value


def test_a_recused_member_cannot_find_or_open_the_case(team_store, act_as):
    act_as(LEAD)
    mine = team_store.save(new_case()).case.case_id
    other = team_store.save(new_case()).case.case_id
    lead_view = _workspace(team_store)
    lead_view.open(mine)
    panel = lead_view.recusal
    assert not is_hidden(panel.widget)
    panel.who.widget.value = MEMBER
    panel.why.value = "knows the reporter"
    panel.button.click()
    assert f"{MEMBER} is recused from {mine}" in panel.status.text
    assert load_team(team_store.root).is_recused(MEMBER, mine)

    act_as(MEMBER)
    work = _workspace(team_store)
    work.finder.query.value = ""
    work.finder.search()
    listed = [value for _, value in work.finder.results.options]
    assert other in listed and mine not in listed
    assert work.open(mine) is None
    assert "recused" in work.finder.count.value
    assert is_hidden(work.case_box)


def test_a_member_can_recuse_only_themselves(team_store, act_as):
    act_as(MEMBER)
    case_id = team_store.save(new_case()).case.case_id
    work = _workspace(team_store)
    work.open(case_id)
    assert [v for _, v in work.recusal.who.widget.options] == [MEMBER]
    work.recusal.button.click()
    assert is_hidden(work.case_box)
    assert load_team(team_store.root).is_recused(MEMBER, case_id)


def test_outside_a_team_store_nothing_changes(tmp_path, monkeypatch):
    from cocdata.store import Store

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    store = Store.init(tmp_path / "store")
    form = _form(store, "Response Team Member A")
    assert form.member_bar.member == "Response Team Member A"
    assert form.member_bar.toggle in form.member_bar.widget.children[0].children
    work = _workspace(store)
    assert is_hidden(work.recusal.widget)


def test_an_observer_is_told_before_typing(team_store, act_as):
    act_as(OBSERVER)
    assert "saving needs a member" in _form(team_store).member_bar.shown.value

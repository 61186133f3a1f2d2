"""Recusal: the recused member sees nothing identifying of the case anywhere, and cannot save it."""

from __future__ import annotations

import pytest

from cocdata import accesslog, exporting, people, summary
from cocdata.analysis.selection import load_frames
from cocdata.errors import NotFound, NotPermitted
from cocdata.reports import case as case_report
from cocdata.team import admin, load_team
from tests.helpers import new_case
from tests.team.fixtures import LEAD, MEMBER, OBSERVER

SECRET = "Quentin Zephyrine"  # a synthetic name that must not reach the recused member


@pytest.fixture
def recused(team_store, act_as):
    """Two cases; the member is recused from the first (a lead did it)."""
    act_as(LEAD)
    mine = team_store.save(new_case(people__0__name=SECRET)).case.case_id
    other = team_store.save(new_case()).case.case_id
    admin.recuse(team_store, MEMBER, mine, "knows the reporter")
    act_as(MEMBER)
    return team_store, mine, other


def test_the_case_view_show_and_report_are_refused_and_logged(recused):
    store, mine, other = recused
    assert store.get(other).case.case_id == other
    with pytest.raises(NotPermitted, match="recused from case"):
        store.get(mine)
    with pytest.raises(NotPermitted):
        case_report.load(store.root, mine)  # what the report's kernel reads
    with pytest.raises(NotPermitted):
        case_report.case_jobs(store, [mine])  # refused before any kernel starts
    refused = [e for e in accesslog.entries(store, mine) if e.action == "refused"]
    assert refused and all(e.by == MEMBER for e in refused)
    assert any(e.action == "recuse" and e.by == LEAD for e in accesslog.entries(store, mine))


def test_the_case_cannot_be_saved(recused):
    store, mine, _ = recused
    with pytest.raises(NotPermitted):
        store.save(new_case().model_copy(update={"case_id": mine}), base_rev=1)
    assert store.head_rev(mine) == 1


def test_lists_exports_and_subject_access_leave_it_out(recused, act_as, tmp_path):
    store, mine, other = recused
    assert [s.case.case_id for s in store.load_all()] == [other]
    listing = summary.case_table(store)
    assert mine not in listing and "1 you are recused from" in listing
    out = tmp_path / "all.jsonl"
    assert exporting.export_file(store, out) == 1
    assert SECRET not in out.read_text() and mine not in out.read_text()
    with pytest.raises(NotPermitted):
        exporting.export_file(store, tmp_path / "one.jsonl", [mine])
    act_as(LEAD)
    code = store.get(mine).case.people[0].person
    act_as(MEMBER)
    with pytest.raises(NotFound):
        people.subject_access(store, code)


def test_analysis_frames_count_it_with_identity_empty(recused):
    store, mine, other = recused
    frames = load_frames(store.root)
    assert set(frames.cases["case_id"]) == {mine, other}  # it still counts
    row = frames.cases.set_index("case_id").loc[mine]
    assert row["description"] is None or row["description"] != row["description"]
    names = frames.people.loc[frames.people["case_id"] == mine, "name"]
    assert names.isna().all()
    assert SECRET not in frames.people.to_string() + frames.cases.to_string()
    assert frames.cases.set_index("case_id").loc[other, "description"]


def test_who_may_recuse(team_store, act_as):
    act_as(LEAD)
    case_id = team_store.save(new_case()).case.case_id
    act_as(OBSERVER)
    with pytest.raises(NotPermitted, match="needs a team lead"):
        admin.recuse(team_store, MEMBER, case_id)
    admin.recuse(team_store, OBSERVER, case_id)  # oneself: any member
    assert load_team(team_store.root).is_recused(OBSERVER, case_id)
    with pytest.raises(NotPermitted):
        team_store.get(case_id)
    act_as(LEAD)
    assert team_store.get(case_id)  # the others still see it


def test_drafts_of_the_case_are_not_offered(recused, act_as):
    from cocdata.forms.drafts import drafts_for

    store, mine, other = recused
    act_as(LEAD)
    store.save_draft(f"case-{mine}", {"form": "report", "case_id": mine, "description": SECRET})
    store.save_draft(f"case-{other}", {"form": "report", "case_id": other})
    assert len(drafts_for(store, "report")) == 2
    act_as(MEMBER)
    assert [d["draft_id"] for d in drafts_for(store, "report")] == [f"case-{other}"]

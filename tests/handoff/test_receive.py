"""Receiving packages: three teams and a foundation, linkage, idempotence, the body's edits."""

from __future__ import annotations

import json

import pytest

from cocdata import accesslog
from cocdata.analysis.repeats import repeat_people
from cocdata.errors import InvalidRecord
from cocdata.handoff import linkage
from cocdata.handoff.package import PackageError
from cocdata.handoff.provenance import parse_mark
from cocdata.handoff.receive import receive
from cocdata.summary import case_table
from tests.handoff.conftest import DSF, package_file, team_case
from tests.helpers import make_store

JOSE = {"name": "José Núñez", "contact": "jose@example.org", "role": "reported"}
JOSE_SHOUTED = {"name": "JOSE  NUNEZ", "contact": "<Jose@Example.org>", "role": "reported"}
OTHER = {"name": "Wilhelmina Tarrant", "contact": "wt@example.net", "role": "reported"}


def reporter(n: int) -> dict:
    return {"name": f"Reporter Number{n}", "role": "reporter"}


def _team(tmp_path, name, organiser, event_id, case_id, people):
    store = make_store("plain", tmp_path / name)
    case = team_case(
        case_id,
        organiser,
        people,
        event__id=event_id,
        event__name=f"{organiser} 2000",
    )
    store.save(case, by=f"{name} member")
    return store


@pytest.fixture
def teams(tmp_path):
    """Three event teams, two of them with a case about the same person, spelled differently."""
    return {
        "a": _team(tmp_path, "a", "Django* conference organisers", "djangocon-2000", "amber-falcon", [reporter(1), JOSE]),
        "b": _team(tmp_path, "b", "PyCon Kiwi team", "pycon-kiwi-2000", "amber-falcon", [reporter(2), JOSE_SHOUTED]),
        "c": _team(tmp_path, "c", "DjangoGirls Oslo", "djangogirls-oslo-2000", "quiet-otter", [reporter(3), OTHER]),
    }  # fmt: skip


def _reported_codes(store) -> dict[str, str]:
    people = store.frames().people
    rows = people[people["role"] == "reported"]
    return dict(zip(rows["case_id"], rows["person"], strict=True))


def _files(store) -> list[str]:
    return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_the_same_person_from_two_teams_shares_a_code_and_shows_as_a_repeat(
    teams, tmp_path, key, kind
):
    foundation = make_store(kind, tmp_path / "dsf")
    files = [package_file(s, s.case_ids()[0], tmp_path / n, key) for n, s in teams.items()]
    report = receive(foundation, files, DSF, key, by="DSF member")
    assert [r.outcome for r in report.received] == ["imported"] * 3
    # Both teams call their case amber-falcon: the foundation gives its own code names.
    ids = [r.case_id for r in report.received]
    assert len(set(ids)) == 3 and "amber-falcon" not in ids
    codes = _reported_codes(foundation)
    assert codes[ids[0]] == codes[ids[1]] != codes[ids[2]]
    assert report.received[1].linked == (codes[ids[0]],)
    listed = case_table(foundation, person=codes[ids[0]])
    assert ids[0] in listed and ids[1] in listed and ids[2] not in listed
    repeats = repeat_people(foundation.frames(), foundation.vocab)
    row = repeats[repeats["person"] == codes[ids[0]]].iloc[0]
    assert (row["cases"], row["events"]) == (2, 2)
    assert list(repeats["person"]) == [codes[ids[0]]]


def test_with_a_wrong_key_nothing_links(teams, tmp_path, foundation, key):
    wrong = linkage.new_key()
    files = [
        package_file(teams["a"], "amber-falcon", tmp_path / "a", key),
        package_file(teams["b"], "amber-falcon", tmp_path / "b", wrong),
    ]
    report = receive(foundation, files, DSF, key)
    codes = _reported_codes(foundation)
    assert len(set(codes.values())) == 2
    assert any("not this store's key" in n for n in report.notes)


def test_people_entered_here_link_through_the_foundations_own_key(teams, tmp_path, foundation, key):
    native = team_case("silver-heron", "DSF", [reporter(9), {**JOSE, "name": "Jose Nunez"}])
    here = foundation.save(native, by="DSF member")
    code = here.case.people[1].person
    receive(foundation, [package_file(teams["b"], "amber-falcon", tmp_path / "b", key)], DSF, key)
    assert sorted(_reported_codes(foundation).values()) == [code, code]
    # Without the foundation's key the native person cannot be matched.
    other = make_store("plain", tmp_path / "dsf2")
    other.save(native, by="DSF member")
    receive(other, [package_file(teams["b"], "amber-falcon", tmp_path / "b2", key)], DSF, None)
    assert len(set(_reported_codes(other).values())) == 2


def test_a_package_received_twice_is_imported_once(teams, tmp_path, foundation, key):
    path = package_file(teams["a"], "amber-falcon", tmp_path, key)
    first = receive(foundation, [path], DSF, key).received[0]
    again = receive(foundation, [path, path], DSF, key).received
    assert [r.outcome for r in again] == ["already received", "already received"]
    assert foundation.case_ids() == [first.case_id]
    assert foundation.head_rev(first.case_id) == 1
    logged = [e for e in accesslog.entries(foundation) if e.action == "receive"]
    assert len(logged) == 2 and logged[0].cases == (first.case_id,)


def _newer(store, case_id, **update):
    current = store.get(case_id)
    store.save(current.case.model_copy(update=update), by="team member", base_rev=current.rev)


def test_a_newer_revision_updates_the_case(teams, tmp_path, foundation, key):
    first = receive(
        foundation, [package_file(teams["a"], "amber-falcon", tmp_path / "1", key)], DSF, key
    )
    cid = first.received[0].case_id
    _newer(teams["a"], "amber-falcon", categories=["inappropriate-language", "harassment"])
    newer = package_file(teams["a"], "amber-falcon", tmp_path / "2", key)
    old = tmp_path / "1" / "amber-falcon-r1.cocpkg.json"
    report = receive(foundation, [old, newer], DSF, key)
    assert [r.outcome for r in report.received] == ["already received", "updated"]
    case = foundation.get(cid).case
    assert foundation.head_rev(cid) == 2
    assert case.categories == ["inappropriate-language", "harassment"]
    marks = [parse_mark(t.text) for t in case.timeline if parse_mark(t.text)]
    assert [(m.rev, m.as_rev, m.applied) for m in marks] == [(1, 1, True), (2, 2, True)]
    assert _reported_codes(foundation)[cid] == first.received[0].people[1]


def test_the_foundations_edits_win_and_the_newer_package_is_kept_as_a_note(
    teams, tmp_path, foundation, key
):
    first = receive(
        foundation, [package_file(teams["a"], "amber-falcon", tmp_path / "1", key)], DSF, key
    )
    cid = first.received[0].case_id
    _newer(foundation, cid, safety_risk=True)  # the foundation's own judgement
    _newer(teams["a"], "amber-falcon", categories=["harassment"])
    report = receive(
        foundation, [package_file(teams["a"], "amber-falcon", tmp_path / "2", key)], DSF, key
    )
    done = report.received[0]
    assert done.outcome == "kept as a note" and "categories" in done.differs
    case = foundation.get(cid).case
    assert case.safety_risk is True and case.categories == ["inappropriate-language"]
    note = case.timeline[-1].text
    assert "Not applied" in note and "categories" in note and "revision 2" in note
    # The same newer package again changes nothing more; a later one is kept aside too.
    again = receive(
        foundation, [package_file(teams["a"], "amber-falcon", tmp_path / "3", key)], DSF, key
    )
    assert again.received[0].outcome == "already received"
    assert foundation.get(cid).case.safety_risk is True


def test_one_bad_file_means_nothing_is_written(teams, tmp_path, foundation, key):
    good = package_file(teams["a"], "amber-falcon", tmp_path / "a", key)
    bad = package_file(teams["c"], "quiet-otter", tmp_path / "c", key)
    data = json.loads(bad.read_text())
    data["content"]["case"]["safety_risk"] = True
    bad.write_text(json.dumps(data))
    before = _files(foundation)
    with pytest.raises(PackageError) as err:
        receive(foundation, [good, bad], DSF, key)
    assert "quiet-otter-r1.cocpkg.json" in err.value.message
    assert "changed after it was made" in err.value.message
    assert _files(foundation) == before


def test_a_package_for_another_body_writes_nothing(teams, tmp_path, foundation, key):
    path = package_file(teams["a"], "amber-falcon", tmp_path, key, to="PSF Conduct WG")
    before = _files(foundation)
    with pytest.raises(PackageError, match="meant for 'PSF Conduct WG'"):
        receive(foundation, [path], DSF, key)
    assert _files(foundation) == before


def test_a_case_outside_the_stores_vocabulary_is_named_and_nothing_written(
    teams, tmp_path, foundation, key
):
    path = package_file(teams["a"], "amber-falcon", tmp_path, key)
    data = json.loads(path.read_text())
    data["content"]["case"]["categories"] = ["made-up-category"]
    from cocdata.handoff.package import digest

    data["sha256"] = digest(data["content"])
    path.write_text(json.dumps(data))
    before = _files(foundation)
    with pytest.raises(InvalidRecord, match="made-up-category") as err:
        receive(foundation, [path], DSF, key)
    assert "vocabulary differs" in str(err.value)
    assert _files(foundation) == before


def test_provenance_and_who_decided_are_kept(teams, tmp_path, foundation, key):
    done = receive(foundation, [package_file(teams["a"], "amber-falcon", tmp_path, key)], DSF, key)
    case = foundation.get(done.received[0].case_id).case
    note = case.timeline[-1]
    assert "Received from Django* conference organisers" in note.text
    assert "their case amber-falcon, revision 1" in note.text
    assert note.with_ == ["Django* conference organisers"]
    assert case.actions[0].by == [
        "Django* conference organisers: Response Team Member A",
        "Django* conference organisers: Response Team Member B",
    ]
    assert case.event.id == "djangocon-2000"


def test_a_newer_revision_that_would_move_the_status_back_is_kept_as_a_note(
    teams, tmp_path, foundation, key
):
    from cocdata.handoff.package import digest

    first = package_file(teams["a"], "amber-falcon", tmp_path / "1", key)
    cid = receive(foundation, [first], DSF, key).received[0].case_id
    data = json.loads(first.read_text())
    data["content"]["sender"]["rev"] = 2
    data["content"]["case"]["status"] = "new"
    data["sha256"] = digest(data["content"])
    later = tmp_path / "later.cocpkg.json"
    later.write_text(json.dumps(data))
    done = receive(foundation, [later], DSF, key).received[0]
    assert done.outcome == "kept as a note" and "status" in done.differs
    case = foundation.get(cid).case
    assert case.status == "closed"
    assert "would move this case back" in case.timeline[-1].text

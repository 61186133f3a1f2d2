"""Person code names: merge and split identities, and subject access."""

from __future__ import annotations

import base64
import json

import pytest

from cocdata import accesslog, interchange, people, retention
from cocdata.errors import CocdataError, Conflict, NotFound
from cocdata.model import Case, TimelineEntry
from cocdata.store import Store
from tests.helpers import guide_data, make_store


@pytest.fixture(params=["plain", "encrypted"])
def store(request, tmp_path):
    return make_store(request.param, tmp_path / "store")


def case_with(*persons, **changes) -> Case:
    """A case naming ``persons`` ((name, role) or (name, role, contact))."""
    data = guide_data(case_id=None, **changes)
    data["people"] = [
        {"name": p[0], "role": p[1], **({"contact": p[2]} if len(p) > 2 else {})} for p in persons
    ]
    data["timeline"][1]["with"] = []
    return Case.model_validate(data)


def codes(store: Store, case_id: str) -> dict[str, str]:
    return {p.name: p.person for p in store.get(case_id).case.people}


# -- merge and split ---------------------------------------------------------------


def test_merge_recodes_every_case_as_new_revisions_and_keeps_history(store):
    a = store.save(case_with(("Sam Doe", "reported", "sam@example.org")), by="a").case_id
    b = store.save(case_with(("S. Doe", "reported", "sdoe@work.example")), by="a").case_id
    c = store.save(case_with(("S. Doe", "witness")), by="a").case_id
    keep, other = codes(store, a)["Sam Doe"], codes(store, b)["S. Doe"]
    assert keep != other and codes(store, c)["S. Doe"] == other

    result = people.merge(store, keep, other, by="Lead Member")

    assert sorted(result.changed) == sorted([b, c]) and result.expunged == []
    assert codes(store, b)["S. Doe"] == codes(store, c)["S. Doe"] == keep
    for cid in (b, c):
        [_, second] = store.history(cid)
        assert (second.rev, second.saved_by, second.changes) == (2, "Lead Member", ("people",))
        assert store.get(cid, rev=1).case.people[0].person == other  # history kept
    assert store.history(a)[-1].rev == 1  # the kept code's case is not touched
    # New reports by either name or contact now get the merged code.
    for name, contact in (("S. Doe", None), ("Someone", "sdoe@work.example")):
        new = store.save(case_with((name, "reported", contact) if contact else (name, "target")))
        assert new.case.people[0].person == keep
    assert Store.open(store.root).verify().ok


def test_merge_is_all_or_nothing_when_someone_saves_meanwhile(store, monkeypatch):
    b = store.save(case_with(("Kim Roe", "reported")), by="a").case_id
    c = store.save(case_with(("Kim Roe", "witness")), by="a").case_id
    keep = store.save(case_with(("Kim R.", "target")), by="a").case.people[0].person
    other = codes(store, b)["Kim Roe"]
    real = Store.save_many

    def someone_saves_first(self, items, by=None, **kw):
        monkeypatch.setattr(Store, "save_many", real)
        stored = self.get(c)
        entry = TimelineEntry(at="2000-12-30T10:00", kind="note", text="meanwhile")
        self.save(stored.case.model_copy(update={"timeline": [entry]}), by="b", base_rev=1)
        return real(self, items, by=by, **kw)

    monkeypatch.setattr(Store, "save_many", someone_saves_first)
    with pytest.raises(Conflict, match="was changed by someone else"):
        people.merge(store, keep, other)
    assert [m.rev for m in store.history(b)] == [1]  # nothing half-done
    assert codes(store, b)["Kim Roe"] == codes(store, c)["Kim Roe"] == other


def test_split_gives_the_wrongly_joined_person_a_new_code(store):
    first = store.save(case_with(("Alex Smith", "reported")), by="a").case_id
    second = store.save(case_with(("Alex Smith", "reported"), ("Pat", "target")), by="a").case_id
    code = codes(store, first)["Alex Smith"]
    assert codes(store, second)["Alex Smith"] == code

    result = people.split(store, code, [second], by="Lead Member")

    assert result.changed == [second] and result.code not in (code, codes(store, second)["Pat"])
    assert codes(store, second)["Alex Smith"] == result.code
    assert codes(store, first)["Alex Smith"] == code
    assert store.history(second)[-1].saved_by == "Lead Member"
    assert store.get(second, rev=1).case.people[0].person == code


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda s, c, k: people.merge(s, c["Sam"], c["Sam"]), CocdataError, "nothing to merge"),
        (lambda s, c, k: people.merge(s, c["Sam"], "no-such-code"), NotFound, "no-such-code"),
        (lambda s, c, k: people.merge(s, "no-such-code", c["Sam"]), NotFound, "check the spelling"),
        (lambda s, c, k: people.merge(s, k, c["Sam"]), NotFound, "is a case code name"),
        (lambda s, c, k: people.split(s, c["Sam"], []), CocdataError, "Name the cases"),
        (lambda s, c, k: people.split(s, c["Sam"], ["amber-falcon"]), CocdataError, "named in"),
        (lambda s, c, k: people.split(s, "no-such-code", [k]), NotFound, "no-such-code"),
    ],
)
def test_merge_and_split_mistakes_are_refused_in_words(store, call, error, words):
    case_id = store.save(case_with(("Sam", "reported"), ("Ann", "target")), by="a").case_id
    before = [m.rev for m in store.history(case_id)]
    with pytest.raises(error, match=words):
        call(store, {p.name: p.person for p in store.get(case_id).case.people}, case_id)
    assert [m.rev for m in store.history(case_id)] == before


def test_merge_leaves_expunged_cases_as_they_are(store):
    old = store.save(case_with(("Lee", "reported")), by="a").case_id
    keep = store.save(case_with(("Lee Q.", "reported")), by="a").case.people[0].person
    other = codes(store, old)["Lee"]
    retention.expunge(store, case_ids=[old])
    result = people.merge(store, keep, other)
    assert result.changed == [] and result.expunged == [old]
    assert "keep the old code" in result.text("merged")


# -- subject access -----------------------------------------------------------------


@pytest.fixture
def subject(store):
    """Nia Okafor is reported in one case (two revisions), a witness in another, named in
    the text of a third; evidence names her or not; one case was exported before."""
    mail = store.put_blob(
        b"From: nia.okafor@example.org\n\nYou will regret this.", "mail.eml", "message/rfc822"
    )
    photo = store.put_blob(b"\x89PNG not her", "room.png", "image/png")
    met = store.put_blob(b"minutes of the meeting", "minutes.txt", "text/plain")
    first = store.save(
        case_with(
            ("Nia Okafor", "reported", "nia.okafor@example.org"),
            ("Ben", "target"),
            evidence=[e.model_dump(mode="json") for e in (mail, photo, met)],
        ),
        by="a",
    )
    stored = first.case
    entry = TimelineEntry(
        at="2000-12-30T10:00",
        kind="meeting",
        with_=["Nia Okafor"],
        text="met",
        evidence=[met.sha256],
    )
    store.save(
        stored.model_copy(update={"timeline": [*stored.timeline, entry]}), by="b", base_rev=1
    )
    second = store.save(case_with(("N. Okafor", "witness", "nia.okafor@example.org")), by="a")
    third = store.save(
        case_with(
            ("Someone", "reported"), description="Someone shouted at Nia Okafor in the hall."
        ),
        by="a",
    )
    unrelated = store.save(case_with(("Zed", "reported")), by="a")
    interchange.write_export(store, __import__("io").StringIO(), [first.case_id], by="Ann")
    code = first.case.people[0].person
    return store, code, first.case_id, second.case_id, third.case_id, unrelated.case_id


def test_subject_access_export_is_complete(subject):
    store, code, first, second, third, unrelated = subject
    data = people.subject_access(store, code, by="DPO Member")
    assert data["person"] == code
    assert data["names"] == ["N. Okafor", "Nia Okafor"]
    assert data["contacts"] == ["nia.okafor@example.org"]
    by_case = {c["case_id"]: c for c in data["cases"]}
    assert sorted(by_case) == sorted([first, second])
    assert by_case[first]["roles"] == ["reported"] and by_case[second]["roles"] == ["witness"]
    assert [r["rev"] for r in by_case[first]["revisions"]] == [1, 2]
    assert by_case[first]["revisions"][1]["saved_by"] == "b"
    assert by_case[first]["revisions"][0]["named_as"] == [
        {"role": "reported", "name": "Nia Okafor", "contact": "nia.okafor@example.org"}
    ]
    assert by_case[first]["revisions"][1]["record"]["timeline"][-1]["text"] == "met"
    evidence = {e["name"]: e for e in by_case[first]["evidence"]}
    assert (
        evidence["mail.eml"]["names_them"] and "its text names them" in evidence["mail.eml"]["why"]
    )
    assert base64.b64decode(evidence["mail.eml"]["content_base64"]).startswith(b"From: nia")
    assert evidence["minutes.txt"]["names_them"]  # attached to a meeting with her
    assert not evidence["room.png"]["names_them"] and "content_base64" not in evidence["room.png"]
    [mention] = data["mentioned_in"]
    assert mention["case_id"] == third and mention["revisions"] == [
        {"rev": 1, "where": ["description"]}
    ]
    actions = [(e["action"], e["by"]) for e in data["access_log"]]
    assert ("export", "Ann") in actions and ("subject-access", "DPO Member") in actions
    assert unrelated not in json.dumps(data)
    assert data["summary"] == {
        "cases": 2,
        "revisions": 3,
        "evidence_naming_them": 2,
        "other_cases_mentioning_them": 1,
        "access_log_entries": 2,
    }
    [logged] = accesslog.entries(store, person=code)
    assert logged.action == "subject-access" and logged.by == "DPO Member"


def test_subject_access_after_an_expunge_says_what_is_left(subject):
    store, code, first, *_ = subject
    retention.expunge(store, case_ids=[first])
    data = people.subject_access(store, code)
    by_case = {c["case_id"]: c for c in data["cases"]}
    assert by_case[first]["expunged"] and by_case[first]["evidence"] == []
    assert all(
        r["named_as"] == [{"role": "reported", "name": None, "contact": None}]
        for r in by_case[first]["revisions"]
    )
    assert "You will regret" not in json.dumps(data)


def test_subject_access_of_an_unknown_code_says_how_to_find_one(subject):
    store, *_ = subject
    with pytest.raises(NotFound, match=r"No one in the store .* 'quiet-otter-99'"):
        people.subject_access(store, "quiet-otter-99")
    assert accesslog.entries(store, person="quiet-otter-99") == []


def test_an_export_to_share_carries_code_names_only(subject):
    store, code, first, *_ = subject
    out = __import__("io").StringIO()
    interchange.write_export(store, out, [first], by="Ann", code_names=True)
    text = out.getvalue()
    for identifying in ("Nia Okafor", "nia.okafor@example.org", "Ben", "mail.eml"):
        assert identifying not in text
    [line] = text.splitlines()
    shared = Case.model_validate_json(line)
    assert [p.name for p in shared.people] == [p.person for p in shared.people]
    assert shared.people[0].person == code and shared.timeline[-1].with_ == [code]
    assert shared.categories == store.get(first).case.categories
    assert "code names only" in accesslog.entries(store, first)[-1].detail


def test_code_names_replace_names_in_free_text_whatever_their_case_and_spacing(store):
    saved = store.save(
        case_with(
            ("Nia Okafor", "reported", "nia@example.org"),
            description="NIA  OKAFOR wrote from nia@example.org; Nia Okaforville is a town.",
        )
    )
    shared = people.with_code_names(saved.case)
    code = saved.case.people[0].person
    assert shared.description == f"{code} wrote from {code}; Nia Okaforville is a town."

import os
import random
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cocdata.errors import (
    AlreadyExists,
    Conflict,
    CorruptStore,
    InvalidRecord,
    NotFound,
    StoreError,
)
from cocdata.examples import guide_example
from cocdata.model import TimelineEntry
from cocdata.store import Store
from tests import store_workers
from tests.helpers import new_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    return Store.init(tmp_path / "store")


def add_note(stored, text, by="member"):
    entry = TimelineEntry(at=stored.case.report.made_at, by=[by], kind="note", text=text)
    return stored.case.model_copy(update={"timeline": [*stored.case.timeline, entry]})


def test_new_case_gets_a_two_word_code_name(store):
    saved = store.save(new_case(), by="alice")
    assert saved.rev == 1
    assert len(saved.case_id.split("-")) == 2
    assert store.get(saved.case_id).case == saved.case


def test_every_save_is_a_new_revision_with_who_and_what(store):
    first = store.save(new_case(), by="alice")
    second = store.save(add_note(first, "called the venue"), by="bob", base_rev=1)
    history = store.history(first.case_id)
    assert [(m.rev, m.saved_by) for m in history] == [(1, "alice"), (2, "bob")]
    assert history[1].changes == ("timeline (+1)",)
    assert history[1].prev_hash == history[0].hash
    assert store.get(first.case_id, rev=1).case == first.case
    assert store.get(first.case_id).rev == second.rev == 2


def test_outdated_save_is_refused_and_says_who_changed_what(store):
    first = store.save(new_case(), by="alice")
    store.save(
        first.case.model_copy(update={"status": "closed", "safety_risk": True}),
        by="bob",
        base_rev=1,
    )
    with pytest.raises(Conflict) as err:
        store.save(add_note(first, "mine"), by="carol", base_rev=1)
    message = str(err.value)
    assert "revision 2 by bob" in message and "safety_risk" in message and "not saved" in message
    assert store.get(first.case_id).rev == 2


def test_existing_case_id_is_not_overwritten_by_a_new_case(store):
    store.save(guide_example(), by="alice")
    with pytest.raises(AlreadyExists):
        store.save(guide_example(), by="bob")


def test_invalid_case_writes_nothing(store):
    bad = new_case().model_copy(update={"categories": ["rudeness"]})
    with pytest.raises(InvalidRecord) as err:
        store.save(bad, by="alice")
    assert "categories.0" in str(err.value)
    assert store.case_ids() == []
    assert list((store.root / "cases").iterdir()) == []


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("new", "closed", True),
        ("closed", "investigating", True),
        ("closed", "new", False),
        ("decided", "acknowledged", False),
        ("investigating", "decided", True),
    ],
)
def test_status_moves(store, old, new, allowed):
    saved = store.save(new_case(status=old, transparency__include=False), by="a")
    edited = saved.case.model_copy(update={"status": new})
    if allowed:
        assert store.save(edited, by="a", base_rev=1).case.status == new
    else:
        with pytest.raises(InvalidRecord, match="cannot go from"):
            store.save(edited, by="a", base_rev=1)


def test_saving_an_unchanged_case_adds_no_revision(store):
    saved = store.save(new_case(), by="a")
    again = store.save(saved.case, by="a", base_rev=1)
    assert again.rev == 1 and len(store.history(saved.case_id)) == 1


def test_files_and_folders_are_private(store):
    store.save(new_case(), by="a")
    store.save_draft("d1", {"x": 1})
    for path in [store.root, *store.root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is readable by others ({oct(mode)})"


def test_same_person_gets_the_same_code_across_cases(store):
    a = store.save(new_case(), by="a")
    b = store.save(new_case(people=[{"name": "  PERSON b ", "role": "reported"}]), by="a")
    code_b = {p.name: p.person for p in a.case.people}["Person B"]
    assert b.case.people[0].person == code_b
    c = store.save(new_case(people=[{"name": "Someone Else", "role": "witness"}]), by="a")
    assert c.case.people[0].person not in {p.person for p in a.case.people}


def test_person_matched_by_contact_folding_accents(store):
    a = store.save(
        new_case(people=[{"name": "José Núñez", "contact": "J@Example.org", "role": "reported"}]),
        by="a",
    )
    b = store.save(
        new_case(people=[{"name": "J. Nunez", "contact": "j@example.org", "role": "reported"}]),
        by="a",
    )
    c = store.save(new_case(people=[{"name": "jose nunez", "role": "witness"}]), by="a")
    assert a.case.people[0].person == b.case.people[0].person == c.case.people[0].person


def test_evidence_is_kept_by_sha256(store):
    evidence = store.put_blob(
        b"From: someone\n\nangry words", "email.eml", "message/rfc822", note="copied"
    )
    assert store.read_blob(evidence.sha256) == b"From: someone\n\nangry words"
    saved = store.save(new_case().model_copy(update={"evidence": [evidence]}), by="a")
    assert store.get(saved.case_id).case.evidence[0].sha256 == evidence.sha256
    assert store.verify().ok


def test_evidence_over_the_limit_is_refused_with_sizes(store):
    with pytest.raises(InvalidRecord, match="over the limit of 1 MB"):
        store.put_blob(b"x" * 2_000_000, "video.mp4", "video/mp4", limit=1_000_000)


def test_drafts_survive_and_can_be_discarded(store):
    store.save_draft("intake-1", {"description": "half written"}, by="alice")
    reopened = Store.open(store.root)
    assert reopened.load_draft("intake-1")["data"] == {"description": "half written"}
    assert [d["draft_id"] for d in reopened.drafts()] == ["intake-1"]
    reopened.discard_draft("intake-1")
    assert reopened.load_draft("intake-1") is None


def test_frames_are_flat_and_keyed_by_case(store):
    saved = store.save(guide_example(), by="a")
    frames = store.frames()
    assert list(frames.cases["case_id"]) == [saved.case_id]
    assert frames.people[["pos", "role", "name"]].values.tolist() == [
        [0, "reporter", "Person A"],
        [1, "target", "Person A"],
        [2, "reported", "Person B"],
    ]
    assert frames.timeline["kind"].tolist() == ["decision", "meeting", "decision"]
    assert list(frames.timeline.loc[1, "with"]) == ["Person B"]
    assert frames.actions["kind"].tolist() == ["conversation"]
    assert frames.events["id"].tolist() == ["djangocon-2000"]
    assert frames.revisions["rev"].tolist() == [1]


def test_frames_show_only_the_newest_revision(store):
    saved = store.save(new_case(), by="a")
    store.save(add_note(saved, "second"), by="a", base_rev=1)
    frames = store.frames()
    assert frames.cases["rev"].tolist() == [2]
    assert frames.timeline["text"].iloc[-1] == "second"
    assert len(frames.revisions) == 2


def test_unknown_case_is_not_found(store):
    with pytest.raises(NotFound, match="cocdata cases"):
        store.get("amber-falcon")


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    with pytest.raises(StoreError, match="not a cocdata store"):
        Store.open(tmp_path / "photos")


# -- integrity --------------------------------------------------------------


def test_verify_detects_an_altered_revision(store):
    saved = store.save(guide_example(), by="a")
    store.save(add_note(saved, "x"), by="a", base_rev=1)
    [first, *_] = sorted((store.root / "cases").iterdir())
    table = pq.read_table(first).to_pylist()
    table[0]["identity"]["description"] = "rewritten later"
    first.unlink()
    pq.write_table(
        __import__("pyarrow").Table.from_pylist(
            table, schema=pq.read_schema(sorted((store.root / "cases").iterdir())[0])
        ),
        first,
    )
    report = Store.open(store.root).verify()
    assert any("revision 1 was altered" in p for p in report.problems), report.problems


def test_verify_detects_a_lost_revision(store):
    saved = store.save(new_case(), by="a")
    second = store.save(add_note(saved, "x"), by="a", base_rev=1)
    store.save(add_note(second, "y"), by="a", base_rev=2)
    files = sorted((store.root / "cases").iterdir())
    files[1].unlink()
    report = Store.open(store.root).verify()
    assert any("revision 2 is missing" in p for p in report.problems), report.problems


def test_truncated_file_is_quarantined_and_the_rest_loads(store):
    ids = [store.save(new_case(), by="a").case_id for _ in range(5)]
    victim = sorted((store.root / "cases").iterdir())[2]
    victim.write_bytes(victim.read_bytes()[:100])
    reopened = Store.open(store.root)
    with pytest.raises(CorruptStore, match="cocdata verify"):
        reopened.frames()  # never loads around the damage: a case would silently be missing
    report = reopened.verify()
    assert report.quarantined == [f"cases/{victim.name}"]
    assert (store.root / "quarantine" / victim.name).exists()
    survivors = Store.open(store.root).case_ids()
    assert len(survivors) == 4 and set(survivors) <= set(ids)
    for cid in survivors:
        Store.open(store.root).get(cid)


def test_compact_keeps_every_revision_once(store):
    saved = store.save(new_case(), by="a")
    for n in range(5):
        saved = store.save(add_note(saved, f"n{n}"), by="a", base_rev=saved.rev)
    others = [store.save(new_case(), by="b").case_id for _ in range(3)]
    before = store.frames()
    report = store.compact()
    assert (report.files_before, report.files_after, report.revisions) == (9, 1, 9)
    after = Store.open(store.root).frames()
    assert after.revisions.equals(before.revisions)
    assert after.cases.drop(columns=[]).equals(before.cases)
    assert Store.open(store.root).verify().ok
    assert set(others) <= set(Store.open(store.root).case_ids())
    saved = Store.open(store.root).save(add_note(saved, "after"), by="a", base_rev=6)
    assert saved.rev == 7


def test_interrupted_compaction_leaves_no_duplicates(store):
    for _ in range(3):
        store.save(new_case(), by="a")
    files = sorted((store.root / "cases").iterdir())
    # As if compaction wrote its merged file and died before removing the old ones.
    merged = __import__("pyarrow").concat_tables([pq.read_table(f) for f in files])
    pq.write_table(merged, store.root / "cases" / "99999999999999999999-1-abcd-compact.parquet")
    reopened = Store.open(store.root)
    assert len(reopened.frames().cases) == 3
    assert len(reopened.frames().revisions) == 3
    assert reopened.verify().ok
    assert reopened.compact().duplicates_dropped == 3


def test_duckdb_reads_the_layout_directly(store):
    duckdb = pytest.importorskip("duckdb")
    store.save(guide_example(), by="a")
    store.save(new_case(), by="a")
    rows = duckdb.sql(
        f"select event_id, count(*) as n, max(rev) as rev from read_parquet('{store.root}/cases/*.parquet') "
        "group by event_id"
    ).fetchall()
    assert rows == [("djangocon-2000", 2, 1)]
    names = duckdb.sql(
        f"select p.name from read_parquet('{store.root}/cases/*.parquet') c, "
        "unnest(c.identity.people) as t(p) order by 1"
    ).fetchall()
    assert ("Person B",) in names


# -- several writers and crashes ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "saves"), [("store", 250), ("sealed", 40)])
def test_four_writers_lose_nothing(request, kind, saves):
    """4 processes save notes at once (plain store: 4 x 250; encrypted: 4 x 40)."""
    store = request.getfixturevalue(kind)
    ids = [store.save(new_case(), by="setup").case_id for _ in range(4)]
    with ProcessPoolExecutor(4) as pool:
        futures = [
            pool.submit(store_workers.append_notes, str(store.root), w, saves, ids)
            for w in range(4)
        ]
        conflicts = sum(f.result(timeout=600) for f in futures)
    reopened = Store.open(store.root)
    frames = reopened.frames()
    texts = frames.timeline.loc[frames.timeline["kind"] == "note", "text"].tolist()
    expected = {f"w{w}-n{n}" for w in range(4) for n in range(saves)}
    assert len(texts) == 4 * saves and set(texts) == expected
    assert len(frames.revisions) == 4 + 4 * saves
    report = reopened.verify()
    assert report.ok, report.problems
    print(f"conflicts re-applied: {conflicts}")


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_only_the_save_in_flight(store):
    case_id = store.save(new_case(), by="setup").case_id
    rng = random.Random(7)
    confirmed = 1
    for _ in range(12):
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "store_workers.py"), str(store.root), case_id],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        time.sleep(rng.uniform(1.0, 2.0))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        revs = [int(x) for x in out.split()]
        if revs:
            confirmed = revs[-1]
        reopened = Store.open(store.root)
        head = reopened.get(case_id).rev
        assert head in (confirmed, confirmed + 1), (head, confirmed)
        confirmed = head
        report = reopened.verify()
        assert report.ok, report.problems
    assert confirmed > 12


# -- encrypted stores keep the same promises ------------------------------------


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    """An encrypted store whose key reaches other processes through a key file."""
    from cocdata import crypto

    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    monkeypatch.setenv(crypto.KEY_FILE_ENV, str(tmp_path / "team.key"))
    crypto.forget_all()
    store = Store.init(tmp_path / "sealed", encrypt=True, key_file=tmp_path / "team.key")
    yield store
    crypto.forget_all()


def test_an_encrypted_store_saves_and_loads_like_a_plain_one(tmp_path, sealed):
    plain = Store.init(tmp_path / "plain")
    for target in (plain, sealed):
        first = target.save(guide_example(), by="a")
        second = target.save(add_note(first, "called the venue"), by="b", base_rev=1)
        with pytest.raises(Conflict):
            target.save(add_note(first, "mine"), by="c", base_rev=1)
        target.save(guide_example().model_copy(update={"case_id": "other-case"}), by="a")
        target.save(add_note(second, "again"), by="a", base_rev=2)

    def content(target):  # person code names are drawn at random per store
        data = target.get("guide-example", rev=2).case.model_dump()
        return data | {"people": [p | {"person": None} for p in data["people"]]}

    assert content(sealed) == content(plain)
    for name in ("cases", "people", "timeline", "actions", "evidence", "events"):
        mine, theirs = getattr(sealed.frames(), name), getattr(plain.frames(), name)
        keep = [c for c in mine.columns if c not in ("case_id", "saved_at", "person")]
        assert mine[keep].equals(theirs[keep]), name
    report = sealed.compact()
    assert (report.files_before, report.revisions) == (4, 4)
    assert Store.open(sealed.root).verify().ok


def test_an_altered_encrypted_file_is_found_and_set_aside(sealed):
    ids = [sealed.save(new_case(), by="a").case_id for _ in range(3)]
    victim = sorted((sealed.root / "cases").iterdir())[1]
    raw = bytearray(victim.read_bytes())
    middle = len(raw) // 2  # inside the encrypted identity pages
    raw[middle : middle + 8] = bytes(b ^ 0xFF for b in raw[middle : middle + 8])
    victim.write_bytes(bytes(raw))
    report = Store.open(sealed.root).verify()
    assert report.quarantined == [f"cases/{victim.name}"], report.problems
    assert set(Store.open(sealed.root).case_ids()) < set(ids)

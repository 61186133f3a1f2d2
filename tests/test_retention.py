"""Retention dates and ``expunge``: identifying data gone from every file, statistics unchanged."""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from cocdata import accesslog, retention
from cocdata.analysis import yearly_statistics
from cocdata.errors import CocdataError, Expunged, NotFound, StoreError
from cocdata.model import Case, TimelineEntry
from cocdata.revisions import expunged_hash, is_expunged
from cocdata.settings import Retention
from cocdata.store import Store, read_file
from cocdata.store import expunge as rewriting
from cocdata.store.files import write_parquet
from tests import store_workers
from tests.helpers import guide_data, make_store

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(params=["plain", "encrypted"])
def store(request, tmp_path):
    return make_store(request.param, tmp_path / "store")


def minor(**changes) -> Case:
    """The guide's example as a minor closed case: nothing reported onward."""
    data = guide_data(case_id=None, **changes)
    data["decisions"]["reported_to"] = []
    data["forwarded_to"] = []
    return Case.model_validate(data)


def add_note(store: Store, case_id: str, text: str, at: str = "2001-01-05T10:00") -> None:
    stored = store.get(case_id)
    entry = TimelineEntry(at=at, by=["Response Team Member A"], kind="note", text=text)
    edited = stored.case.model_copy(update={"timeline": [*stored.case.timeline, entry]})
    store.save(edited, by="Response Team Member A", base_rev=stored.rev)


# -- expunge dates ---------------------------------------------------------------

# The guide's example: closed, entered already closed, last dated step 2000-12-29.
ACTION = {"kind": "conversation", "at": "2000-12-29T10:10", "by": ["Response Team Member A"]}


@pytest.mark.parametrize(
    ("changes", "rules", "state", "on", "words"),
    [
        ({}, Retention(), "date", dt.date(2001, 12, 29), "12 months after closure on 2000-12-29"),
        ({}, Retention(months=9), "date", dt.date(2001, 9, 29), "9 months after closure"),
        (
            {"actions": [{**ACTION, "kind": "no-action"}]},
            Retention(),
            "date",
            dt.date(2001, 6, 29),
            "closed with no action",
        ),
        ({"actions": []}, Retention(), "date", dt.date(2001, 6, 29), "closed with no action"),
        (
            {"actions": [{**ACTION, "kind": "not-a-violation"}]},
            Retention(months_no_action=3),
            "date",
            dt.date(2001, 3, 29),
            "3 months",
        ),
        ({"safety_risk": True}, Retention(), "never", None, "safety risk"),
        (
            {"safety_risk": True},
            Retention(never_if_safety_risk=False),
            "date",
            dt.date(2001, 12, 29),
            "12 months",
        ),
        ({"actions": [{**ACTION, "kind": "ban"}]}, Retention(), "never", None, "Ban"),
        ({"actions": [{**ACTION, "kind": "suspension"}]}, Retention(), "never", None, "Suspension"),
        (
            {"actions": [{**ACTION, "kind": "removed-from-event"}]},
            Retention(),
            "never",
            None,
            "Removed from the event",
        ),
        (
            {"actions": [{**ACTION, "kind": "ban"}]},
            Retention(never_actions=("suspension",)),
            "date",
            dt.date(2001, 12, 29),
            "12 months",
        ),
        ({"forwarded_to": ["DSF CoC committee"]}, Retention(), "never", None, "DSF CoC"),
        ({"decisions__reported_to": ["Local police"]}, Retention(), "never", None, "Local police"),
        (
            {"forwarded_to": ["DSF CoC committee"]},
            Retention(never_if_forwarded=False),
            "date",
            dt.date(2001, 12, 29),
            "12 months",
        ),
        ({"status": "investigating"}, Retention(), "open", None, "kept while the case is open"),
    ],
)
def test_retention_defaults(store, changes, rules, state, on, words):
    data = guide_data(case_id=None, **changes)
    if "decisions__reported_to" not in changes:
        data["decisions"]["reported_to"] = []
    data.setdefault("forwarded_to", [])
    if "forwarded_to" not in changes:
        data["forwarded_to"] = []
    saved = store.save(Case.model_validate(data), by="a")
    plan = retention.schedule(store.frames(), rules, store.vocab.actions)
    item = plan[saved.case_id]
    assert (item.state, item.expunge_on) == (state, on)
    assert words in item.describe()
    assert item.due(TODAY) == (state == "date")


def test_closure_is_when_the_status_was_saved_as_closed(store):
    saved = store.save(minor(status="investigating"), by="a")
    store.save(saved.case.model_copy(update={"status": "closed"}), by="a", base_rev=1)
    item = retention.case_retention(store, saved.case_id)
    assert item.expunge_on == retention.add_months(dt.date.today(), 12)
    assert not item.due()


@pytest.mark.parametrize(
    ("later", "role", "state", "on", "held"),
    [
        # A later minor report naming the same reported person restarts the clock.
        ({"status": "closed"}, "reported", "date", dt.date(2002, 6, 2), True),
        # ... while it is open, the earlier case waits for it.
        ({"status": "investigating"}, "reported", "open", None, True),
        # ... and a serious later case keeps the earlier one too.
        ({"safety_risk": True}, "reported", "never", None, True),
        # Named again as a witness only: no reset (a witness is not kept longer for it).
        ({"status": "closed"}, "witness", "date", dt.date(2001, 12, 29), False),
    ],
)
def test_a_later_report_naming_the_same_person_resets(store, later, role, state, on, held):
    first = store.save(minor(), by="a")
    data = guide_data(
        case_id=None,
        report__made_at="2001-06-01T09:00",
        occurred__at="2001-05-31T22:00",
        people=[{"name": "Person B", "role": role}],
        timeline=[],
        actions=[{**ACTION, "at": "2001-06-02T10:00"}],
        **later,
    )
    data["decisions"]["reported_to"], data["forwarded_to"] = [], []
    second = store.save(Case.model_validate(data), by="a")
    assert first.case.people[2].person == second.case.people[0].person
    item = retention.case_retention(store, first.case_id)
    assert (item.state, item.expunge_on) == (state, on)
    assert (item.held_by == second.case_id) == held
    if held:
        assert f"case {second.case_id}, a later report naming the same person" in item.describe()
    # An earlier case never holds a later one.
    assert retention.case_retention(store, second.case_id).held_by is None
    assert retention.store_schedule(store)[first.case_id] == item


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2001, 1, 31), 1, dt.date(2001, 2, 28)),
        (dt.date(2000, 12, 29), 12, dt.date(2001, 12, 29)),
        (dt.date(2000, 8, 31), 6, dt.date(2001, 2, 28)),
        (dt.date(2003, 11, 30), 3, dt.date(2004, 2, 29)),
    ],
)
def test_add_months(day, months, expected):
    assert retention.add_months(day, months) == expected


# -- expunge ---------------------------------------------------------------------


def planted(tag: str, store: Store, shared: bytes, **changes) -> Case:
    """A case whose every identifying piece carries ``tag``, with evidence naming it."""
    own = store.put_blob(
        f"chat log: Reported {tag} wrote to Target {tag}: {tag}-SECRET".encode(),
        f"{tag}-chat.txt",
        "text/plain",
        note=f"note about {tag}",
    )
    both = store.put_blob(shared, "shared.txt", "text/plain")
    data = guide_data(
        case_id=None,
        report__made_by=f"Reporter {tag}",
        report__made_where=f"Room {tag}",
        occurred__where=f"Bar {tag}",
        description=f"Reporter {tag} saw Reported {tag} near the purple umbrella {tag}.",
        people=[
            {
                "name": f"Reporter {tag}",
                "contact": f"{tag}.rep@example.invalid",
                "role": "reporter",
            },
            {"name": f"Target {tag}", "role": "target"},
            {"name": f"Reported {tag}", "contact": f"{tag}@example.invalid", "role": "reported"},
            {"name": f"Witness {tag}", "role": "witness"},
        ],
        timeline=[
            {
                "at": "2000-12-29T10:00",
                "by": ["Response Team Member A"],
                "kind": "meeting",
                "with": [f"Reported {tag}"],
                "text": f"met Reported {tag} at the marmalade stand",
                "reaction": "apologised",
                "evidence": [own.sha256],
            }
        ],
        actions=[{**ACTION, "text": f"talked to {tag}"}],
        decisions={"reported_to": [], "organisers_must": f"keep {tag} away from the bar"},
        transparency={"include": True, "summary": f"summary {tag}"},
        forwarded_to=[],
        evidence=[own.model_dump(mode="json"), both.model_dump(mode="json")],
        **changes,
    )
    return Case.model_validate(data)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def raw_hits(root: Path, needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in the raw bytes of any file under ``root``."""
    found = []
    for name, content in snapshot(root).items():
        for needle in needles:
            if needle.encode() in content:
                found.append((name, needle))
    return found


def decoded_hits(root: Path, needles: list[str]) -> list[tuple[str, str]]:
    """The same through a parquet reader, so that compression cannot hide a name."""
    found = []
    for path in root.rglob("*.parquet"):
        try:
            text = str(read_file(path).to_pylist())
        except (OSError, pa.ArrowException):
            continue
        found += [(str(path.relative_to(root)), n) for n in needles if n in text]
    return found


@pytest.fixture
def planted_store(store):
    """Due cases (old, minor, closed) and kept ones (open, serious), spread over a
    compacted file and later segments, with drafts, a quarantined copy and a stale
    temporary file."""
    shared = b"shared evidence KEEPSHARED"
    due_tags = ["Zorblaxone", "Quixwerty", "Vambrosio"]
    kept_tags = ["Keeperopen", "Keeperrisk"]
    due = [store.save(planted(t, store, shared), by="Member M").case_id for t in due_tags]
    kept = [
        store.save(planted("Keeperopen", store, shared, status="investigating"), by="M").case_id,
        store.save(planted("Keeperrisk", store, shared, safety_risk=True), by="M").case_id,
    ]
    for cid, tag in zip(due, due_tags, strict=True):
        add_note(store, cid, f"second note on {tag}")
    # Copies of a due and a kept case set aside by an earlier verify, still readable.
    copies = pa.concat_tables(
        [read_file(p) for p in sorted((store.root / "cases").iterdir())[:5]]
    ).filter(pc.field("rev") == 1)
    pq.write_table(copies, store.root / "quarantine" / "00000-1-copy.parquet")
    (store.root / "quarantine" / "00000-1-broken.parquet").write_bytes(b"PAR1 Zorblaxone torn")
    store.compact()
    for cid, tag in zip(due, due_tags, strict=True):
        add_note(store, cid, f"third note on {tag}")
    add_note(store, kept[0], "note on Keeperopen")
    store.save_draft(f"case-{due[0]}-m", {"form": "case", "case_id": due[0], "x": due_tags[0]})
    store.save_draft(f"case-{kept[0]}-m", {"form": "case", "case_id": kept[0], "x": "Keeperopen"})
    store.save_draft("intake-1234", {"form": "intake", "x": "Newreport"})
    stale = store.root / "tmp" / "crashed-save.parquet"
    stale.write_bytes(b"half a file about Quixwerty")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    return store, due, due_tags, kept, kept_tags


def test_dry_run_changes_nothing_and_lists_what_would_go(planted_store):
    store, due, _, kept, _ = planted_store
    before = snapshot(store.root)
    report = retention.dry_run(store, today=TODAY)
    assert snapshot(store.root) == before
    assert report.dry_run and sorted(report.case_ids) == sorted(due)
    assert len(report.blobs) == 3 and len(report.drafts) == 1 and report.tmp
    assert len(report.quarantine) == 2
    text = report.text()
    assert "nothing was changed" in text and all(cid in text for cid in due)
    assert not any(cid in text for cid in kept)
    assert accesslog.entries(store) == []


def test_expunge_removes_every_identifier_and_keeps_the_statistics(planted_store):
    store, due, due_tags, kept, kept_tags = planted_store
    assert {n for _, n in decoded_hits(store.root, due_tags)} == set(due_tags)
    assert {n for _, n in raw_hits(store.root, due_tags)} == set(due_tags)  # blobs at least
    stats = yearly_statistics(store.frames())
    kept_before = {cid: store.get(cid) for cid in kept}
    old_hashes = [m.hash for cid in due for m in store.history(cid)]
    codes_before = {cid: store.get(cid).case.people for cid in due}
    shared_digest = store.get(kept[0]).case.evidence[1].sha256

    report = retention.expunge(store, today=TODAY, by="Member M")

    assert sorted(report.case_ids) == sorted(due) and report.revisions == 9
    assert raw_hits(store.root, due_tags + old_hashes) == []
    assert decoded_hits(store.root, due_tags + old_hashes) == []
    reopened = Store.open(store.root)
    pd.testing.assert_frame_equal(yearly_statistics(reopened.frames()), stats)
    for cid, before in kept_before.items():
        assert reopened.get(cid) == before
    assert {n for _, n in decoded_hits(store.root, kept_tags)} == set(kept_tags)
    assert reopened.read_blob(shared_digest) == b"shared evidence KEEPSHARED"
    assert reopened.verify().ok
    for cid in due:
        case = reopened.get(cid).case
        assert case.description is None and case.evidence == [] and case.report.made_by is None
        assert case.report.made_at == dt.datetime(2000, 12, 1)
        assert case.occurred.precision == "month" and case.occurred.at == dt.datetime(2000, 12, 1)
        assert [a.kind for a in case.actions] == ["conversation"]
        assert case.categories == ["inappropriate-language"] and case.status == "closed"
        old = {p.role: p.person for p in codes_before[cid]}
        new = {p.role: p.person for p in case.people}
        assert new["reported"] == old["reported"]  # the statistics count reported people
        assert all(new[r] != old[r] for r in ("reporter", "target", "witness"))
        assert all(p.name is None and p.contact is None for p in case.people)
        history = reopened.history(cid)
        assert len(history) == 3 and all("expunged 2026-01" in m.changes for m in history)
        assert retention.case_retention(reopened, cid).state == "expunged"
    drafts = {d["draft_id"] for d in reopened.drafts()}
    assert drafts == {f"case-{kept[0]}-m", "intake-1234"}
    assert not (store.root / "tmp" / "crashed-save.parquet").exists()
    [left] = (store.root / "quarantine").iterdir()
    assert left.name.endswith("-kept.parquet")
    assert sorted(read_file(left)["case_id"].to_pylist()) == sorted(kept)
    [entry] = accesslog.entries(store, due[0])
    assert entry.action == "expunge" and entry.by == "Member M" and set(entry.cases) == set(due)
    assert retention.expunge(store, today=TODAY).text().startswith("No case is due")


def test_an_expunged_case_cannot_be_saved_even_from_an_open_form(planted_store):
    store, due, *_ = planted_store
    form = Store.open(store.root)
    on_screen = form.get(due[0])  # a form opened before the expunge
    retention.expunge(Store.open(store.root), today=TODAY)
    entry = TimelineEntry(at="2001-01-09T10:00", kind="note", text="Reported Zorblaxone again")
    edited = on_screen.case.model_copy(update={"timeline": [*on_screen.case.timeline, entry]})
    with pytest.raises(Expunged, match="can no longer be changed"):
        form.save(edited, by="M", base_rev=on_screen.rev)
    assert decoded_hits(store.root, ["Zorblaxone"]) == []


def test_verify_still_finds_a_lost_or_altered_expunged_revision(planted_store):
    store, due, *_ = planted_store
    retention.expunge(store, today=TODAY)
    Store.open(store.root).compact()
    [path] = (store.root / "cases").iterdir()
    rows = read_file(path).to_pylist()
    expunged = [r for r in rows if is_expunged(r)]
    assert expunged and all(expunged_hash(r) == r["hash"] for r in expunged)

    def rewrite(new_rows):  # through the store's writer: encrypted in an encrypted store
        path.unlink()
        write_parquet(
            store.root, path, pa.Table.from_pylist(new_rows, schema=read_schema), store.key_for()
        )

    read_schema = read_file(path).schema
    altered = [
        {**r, "categories": ["harassment"]} if (r["case_id"], r["rev"]) == (due[0], 2) else r
        for r in rows
    ]
    rewrite(altered)
    problems = Store.open(store.root).verify().problems
    assert f"case {due[0]}: revision 2 was altered after it was expunged" in problems
    rewrite([r for r in rows if (r["case_id"], r["rev"]) != (due[1], 2)])
    problems = Store.open(store.root).verify().problems
    assert f"case {due[1]}: revision 2 is missing" in problems
    rewrite(rows)
    assert Store.open(store.root).verify().ok


def test_expunge_by_name_refuses_an_open_case_and_takes_a_closed_one_now(store):
    fresh = store.save(
        minor(
            report__made_at="2025-12-01T09:00",
            occurred__at="2025-11-30T22:00",
            timeline=[],
            actions=[{**ACTION, "at": "2025-12-02T10:00"}],
        ),
        by="a",
    )
    opened = store.save(minor(status="investigating"), by="a")
    with pytest.raises(CocdataError, match="not closed"):
        retention.expunge(store, case_ids=[opened.case_id], today=TODAY)
    with pytest.raises(NotFound):
        retention.expunge(store, case_ids=["no-such-case"], today=TODAY)
    assert not retention.case_retention(store, fresh.case_id).due(TODAY)
    report = retention.expunge(store, case_ids=[fresh.case_id], today=TODAY)
    assert report.case_ids == [fresh.case_id] and "asked for by name" in report.text()
    assert store.get(fresh.case_id).case.description is None
    assert store.get(opened.case_id).case.description is not None
    assert Store.open(store.root).verify().ok


def test_an_unreadable_case_file_stops_the_expunge_before_anything_changes(planted_store):
    store, *_ = planted_store
    victim = sorted((store.root / "cases").iterdir())[-1]
    victim.write_bytes(victim.read_bytes()[:50])
    before = snapshot(store.root)
    with pytest.raises(StoreError, match="cocdata verify"):
        retention.expunge(store, today=TODAY)
    assert snapshot(store.root) == before


class Crash(Exception):
    pass


# Each step of an expunge in order (cocdata.store.expunge), and how to stop it right after.
STEPS = ["log", "pending", "rewrite", "delete", "quarantine", "drafts", "blobs", "tmp", "done"]
BEFORE_REWRITE = ("log", "pending")


def _stop_after(step: str, monkeypatch) -> None:
    """Make the next expunge raise ``Crash`` right after ``step`` (its effect is durable)."""

    def nth(n, real, when=lambda *a, **k: True, before=False):
        calls = []

        def wrapper(*args, **kwargs):
            if before and when(*args, **kwargs):
                raise Crash
            result = real(*args, **kwargs)
            if when(*args, **kwargs):
                calls.append(1)
                if len(calls) == n:
                    raise Crash
            return result

        return wrapper

    if step == "log":
        monkeypatch.setattr(accesslog, "record", nth(1, accesslog.record))
    elif step == "pending":
        is_pending = lambda self, path, *a: path.name == rewriting.PENDING  # noqa: E731
        monkeypatch.setattr(Store, "write_bytes", nth(1, Store.write_bytes, is_pending))
    elif step == "rewrite":  # the new file is durable, the old ones are all still there
        rewritten = lambda self, folder, table, suffix="": suffix == "-expunge"  # noqa: E731
        monkeypatch.setattr(Store, "write_table", nth(1, Store.write_table, rewritten))
    elif step == "delete":  # one old case file gone, the others not
        in_cases = lambda self, missing_ok=False: self.parent.name == "cases"  # noqa: E731
        monkeypatch.setattr(Path, "unlink", nth(1, Path.unlink, in_cases))
    elif step == "quarantine":
        monkeypatch.setattr(rewriting, "clean_quarantine", nth(1, rewriting.clean_quarantine))
    elif step == "drafts":
        monkeypatch.setattr(Store, "discard_draft", nth(1, Store.discard_draft))
    elif step == "blobs":
        monkeypatch.setattr(Store, "remove_blob", nth(2, Store.remove_blob))
    elif step == "tmp":
        in_tmp = lambda self, missing_ok=False: self.parent.name == "tmp"  # noqa: E731
        monkeypatch.setattr(Path, "unlink", nth(1, Path.unlink, in_tmp))
    else:  # everything done but the pending list's removal
        is_pending = lambda self, missing_ok=False: self.name == rewriting.PENDING  # noqa: E731
        monkeypatch.setattr(Path, "unlink", nth(1, Path.unlink, is_pending, before=True))


def _evidence_of_cases(store: Store, case_ids) -> dict[str, bytes]:
    return {
        e.sha256: store.read_blob(e.sha256)
        for cid in case_ids
        for e in store.get(cid).case.evidence
    }


@pytest.mark.parametrize("step", STEPS)
def test_an_expunge_stopped_after_any_step_loses_no_evidence_and_a_rerun_finishes(
    planted_store, monkeypatch, step
):
    store, due, due_tags, kept, _ = planted_store
    ids = set(store.case_ids())
    kept_evidence = _evidence_of_cases(store, kept)
    _stop_after(step, monkeypatch)
    with pytest.raises(Crash):
        retention.expunge(store, today=TODAY)
    monkeypatch.undo()

    # A readable store: every case loads, and no case still held lost evidence.
    reopened = Store.open(store.root)
    assert set(reopened.case_ids()) == ids
    for cid in ids:
        reopened.get(cid)
    assert _evidence_of_cases(reopened, kept) == kept_evidence
    intact = [cid for cid in due if not reopened.is_expunged(cid)]
    assert (set(intact) == set(due)) == (step in BEFORE_REWRITE)
    intact_evidence = _evidence_of_cases(reopened, intact)  # every file is still there
    # Verify tells the truth: an unfinished expunge is named, nothing is "all good".
    checked = reopened.verify(quarantine=False)
    assert not [p for p in checked.problems if "is missing" in p]
    if step != "log":
        assert not checked.ok
        assert "run 'cocdata expunge' again" in " ".join(checked.problems)

    # The way to lose evidence: a due case reopened before the re-run.
    reopen = None
    if step in BEFORE_REWRITE:
        reopen = due[0]
        case = reopened.get(reopen)
        reopened.save(
            case.case.model_copy(update={"status": "investigating"}), by="M", base_rev=case.rev
        )
    report = retention.expunge(Store.open(store.root), today=TODAY)
    # Cases left half rewritten are finished; once rewritten, only files are left to delete.
    expected = {"rewrite": set(due), "delete": set(due)}.get(step, set())
    if step in BEFORE_REWRITE:
        expected = set(due) - {reopen}
    assert set(report.case_ids) == expected
    gone_tags = [t for cid, t in zip(due, due_tags, strict=True) if cid != reopen]
    assert raw_hits(store.root, gone_tags) == []
    assert decoded_hits(store.root, gone_tags) == []
    finished = Store.open(store.root)
    assert finished.verify().ok, finished.verify().problems
    assert not finished.expunge_pending()
    assert _evidence_of_cases(finished, kept) == kept_evidence
    if reopen is not None:
        assert not finished.is_expunged(reopen)
        mine = {e.sha256 for e in finished.get(reopen).case.evidence}
        assert _evidence_of_cases(finished, [reopen]) == {
            d: c for d, c in intact_evidence.items() if d in mine
        }
    assert "Keeperopen" in finished.get(kept[0]).case.description


@pytest.mark.slow
def test_savers_lose_nothing_while_an_expunge_runs(planted_store, tmp_path):
    store, due, due_tags, kept, _ = planted_store
    stop = tmp_path / "stop"
    with ProcessPoolExecutor(2) as pool:
        futures = [
            pool.submit(store_workers.append_notes_until, str(store.root), w, kept, str(stop))
            for w in range(2)
        ]
        time.sleep(1.5)
        started = time.time()
        report = retention.expunge(Store.open(store.root), today=TODAY)
        ended = time.time()
        time.sleep(1.0)
        stop.touch()
        saves = [f.result(timeout=600) for f in futures]
    # The savers were saving before, and went on after, the expunge.
    assert all(any(t < started for t in s) and any(t > ended for t in s) for s in saves)
    assert set(report.case_ids) == set(due)
    reopened = Store.open(store.root)
    texts = set(reopened.frames().timeline["text"].dropna())
    assert {f"w{w}-n{n}" for w, s in enumerate(saves) for n in range(len(s))} <= texts
    assert reopened.verify().ok
    assert decoded_hits(store.root, due_tags) == []


def test_abandoned_drafts_go_with_the_expunge_even_when_no_case_is_due(store):
    store.save_draft("intake-old", {"form": "intake", "x": "Abandonedreport"}, by="a")
    store.save_draft("intake-new", {"form": "intake", "x": "Freshreport"}, by="a")
    path = store.root / "drafts" / "intake-old.json"
    text = store.read_bytes(path).decode()  # decrypted in an encrypted store
    store.write_bytes(path, text.replace('"updated_at": "20', '"updated_at": "19').encode())
    dry = retention.dry_run(store)
    assert dry.drafts == ["intake-old"] and "1 draft(s)" in dry.text()
    assert "No case is due" in dry.text() and path.exists()
    retention.expunge(store)
    assert [d["draft_id"] for d in store.drafts()] == ["intake-new"]
    assert raw_hits(store.root, ["Abandonedreport"]) == []
    assert accesslog.entries(store) == []  # no case's data was touched


def test_verify_names_a_case_stripped_outside_cocdata(store):
    saved = store.save(minor(), by="a")
    retention.expunge(store, case_ids=[saved.case_id])
    assert Store.open(store.root).verify().ok
    for path in (store.root / "access").iterdir():
        path.unlink()  # as if someone stripped the case by hand: no trace in the log
    problems = Store.open(store.root).verify().problems
    assert problems == [
        f"case {saved.case_id}: its identifying data is gone, but the access log has no "
        "expunge of it (removed outside cocdata, or the log was damaged)"
    ]

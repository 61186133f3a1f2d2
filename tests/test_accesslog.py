"""The access log: one entry for every export, report, forward and expunge, shown per case."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from cocdata import accesslog, interchange, people, retention
from cocdata.errors import StoreError
from cocdata.examples import guide_example
from cocdata.reports import case as case_report
from cocdata.reports import forward as forwarding
from cocdata.reports.engine import RenderResult
from cocdata.store import Store
from cocdata.summary import case_text
from tests.helpers import make_store, new_case


@pytest.fixture(params=["plain", "encrypted"])
def store(request, tmp_path):
    opened = make_store(request.param, tmp_path / "store")
    opened.save(guide_example(), by="a")
    return opened


def fake_render(jobs, workers=None, progress=True):
    """Write a small file per job, as the engine would, without starting a kernel."""
    results = []
    for job in jobs:
        job.out.parent.mkdir(parents=True, exist_ok=True)
        written = []
        for fmt in job.formats:
            job.path(fmt).write_text(f"report of {job.parameters['case_id']}")
            written.append(job.path(fmt))
        results.append(RenderResult(job=job, ok=True, written=written))
    return results


def do_export(store: Store, tmp_path: Path) -> None:
    interchange.write_export(store, io.StringIO(), ["guide-example"], by="Ann", destination="x")


def do_subject_access(store: Store, tmp_path: Path) -> None:
    code = store.get("guide-example").case.people[2].person
    people.subject_access(store, code, by="Ann")


def do_report(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cocdata.reports.engine.render", fake_render)
    monkeypatch.setenv("COCDATA_MEMBER", "Ann")
    case_report.render_case_reports(store, ["guide-example"], ("html",), tmp_path / "out")


def do_forward(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cocdata.reports.engine.render", fake_render)
    forwarding.forward(
        store, "guide-example", "PyCon CoC Committee", formats=("html",), out_dir=tmp_path, by="Ann"
    )


def do_expunge(store: Store, tmp_path: Path) -> None:
    retention.expunge(store, case_ids=["guide-example"], by="Ann")


KINDS = {
    "export": (do_export, "JSON Lines to x"),
    "subject-access": (do_subject_access, "everything held about one person"),
    "report": (do_report, "case report (html)"),
    "forward": (do_forward, "to PyCon CoC Committee"),
    "expunge": (do_expunge, "identifying data removed"),
}


@pytest.mark.parametrize("action", list(KINDS))
def test_each_kind_of_access_is_logged_and_shown_with_the_case(
    store, tmp_path, monkeypatch, action
):
    other = store.save(new_case(people=[{"name": "Someone Else", "role": "witness"}]), by="a")
    other = other.case_id
    do, words = KINDS[action]
    before = dt.datetime.now().replace(microsecond=0)
    if action in ("report", "forward"):
        do(store, tmp_path, monkeypatch)
    else:
        do(store, tmp_path)
    [entry] = accesslog.entries(Store.open(store.root), "guide-example")
    assert entry.action == action and entry.by == "Ann" and "guide-example" in entry.cases
    assert entry.at >= before and words in entry.detail
    assert accesslog.entries(store, other) == []
    shown = accesslog.entries_text(accesslog.entries(store, "guide-example"), "guide-example")
    assert accesslog.ACTIONS[action] in shown and "Ann" in shown
    # ... and in the revision section of the case report.
    if action != "expunge":
        view = case_report.load(store.root, "guide-example")
        rendered = " ".join(b.markdown for b in case_report.history(view))
        assert "Access log" in rendered and accesslog.ACTIONS[action] in rendered


def test_the_log_is_append_only_and_survives_compaction_and_damage(store):
    for n in range(3):
        accesslog.record(store, "export", ["guide-example"], f"copy {n}", by="Ann")
    folder = store.root / "access"
    assert len(list(folder.iterdir())) == 3
    (store.root / "tmp" / "half-written-entry.parquet").write_bytes(b"PAR1 torn")
    store.compact()
    assert len(list(folder.iterdir())) == 1
    assert [e.detail for e in accesslog.entries(store)] == ["copy 0", "copy 1", "copy 2"]
    (folder / "99999999999999999999-1-ab.parquet").write_bytes(b"not parquet")
    assert len(accesslog.entries(store)) == 3  # a damaged entry does not hide the others
    report = Store.open(store.root).verify()
    assert report.quarantined == ["access/99999999999999999999-1-ab.parquet"]
    assert len(accesslog.entries(store)) == 3


def test_entries_filter_by_case_and_person(store):
    accesslog.record(store, "export", ["guide-example", "amber-falcon"], "both", by="Ann")
    accesslog.record(store, "subject-access", ["amber-falcon"], "x", by="Bo", person="quiet-otter")
    assert [e.detail for e in accesslog.entries(store, "guide-example")] == ["both"]
    assert len(accesslog.entries(store, "amber-falcon")) == 2
    assert [e.by for e in accesslog.entries(store, person="quiet-otter")] == ["Bo"]
    with pytest.raises(ValueError, match="unknown access-log action"):
        accesslog.record(store, "peek", ["guide-example"])


def test_a_store_made_before_the_log_gets_its_folder_on_first_entry(store):
    (store.root / "access").rmdir()
    assert accesslog.entries(store) == []
    accesslog.record(store, "export", ["guide-example"], by="Ann")
    assert (store.root / "access").stat().st_mode & 0o077 == 0
    assert len(accesslog.entries(store)) == 1


def test_show_lists_the_retention_rule(store):
    text = case_text(store.get("guide-example"), store.vocab, retention="never expunged: x")
    assert "Retention: never expunged: x" in text


def test_a_log_that_keeps_changing_is_reported(store, monkeypatch):
    accesslog.record(store, "export", ["guide-example"], by="Ann")

    def vanished(self, folder, name, columns=None):
        raise FileNotFoundError(name)

    monkeypatch.setattr(Store, "read_table", vanished)
    with pytest.raises(StoreError, match="kept changing"):
        accesslog.entries(store)

"""Forwarding a case: a redacted report, a timeline entry and forwarded_to, an access-log entry."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import pytest

from cocdata import accesslog, retention
from cocdata.errors import Expunged, ReportFailed, StoreError
from cocdata.examples import GUIDE_CASE_ID, guide_example
from cocdata.model import TimelineEntry
from cocdata.reports import forward as forwarding
from cocdata.reports.engine import RenderResult
from cocdata.store import Store
from cocdata.vocab import default
from tests.helpers import make_store

TO = "PyCon Foundation Code of Conduct Committee"


@pytest.fixture(params=["plain", "encrypted"])
def store(request, tmp_path):
    opened = make_store(request.param, tmp_path / "store")
    opened.save(guide_example(), by="a")
    return opened


@pytest.fixture
def fake_render(monkeypatch):
    """The engine replaced by a writer of one small file per job (no kernel)."""
    seen = []

    def render(jobs, workers=None, progress=True):
        results = []
        for job in jobs:
            seen.append(job)
            job.out.parent.mkdir(parents=True, exist_ok=True)
            for fmt in job.formats:
                job.path(fmt).write_text(f"{job.parameters}")
            results.append(
                RenderResult(job=job, ok=True, written=[job.path(f) for f in job.formats])
            )
        return results

    monkeypatch.setattr("cocdata.reports.engine.render", render)
    return seen


def test_forward_records_who_sent_what_to_whom_and_when(store, tmp_path, fake_render):
    done = forwarding.forward(
        store,
        GUIDE_CASE_ID,
        TO,
        formats=("html",),
        out_dir=tmp_path / "out",
        by="Member C",
        why="possible foundation-level ban",
    )
    [job] = fake_render
    assert job.parameters["redact"] == ["contacts", "evidence", "history", "names"]  # the setting
    [path] = done.files
    assert (
        path.parent.parent == tmp_path / "out" and TO.lower().replace(" ", "-") in path.parent.name
    )
    stored = store.get(GUIDE_CASE_ID)
    assert stored.rev == 2 and stored.saved_by == "Member C" and done.saved.rev == 2
    assert TO in stored.case.forwarded_to
    entry = stored.case.timeline[-1]
    assert (entry.kind, entry.by, entry.with_, entry.why) == (
        "forwarded",
        ["Member C"],
        [TO],
        "possible foundation-level ban",
    )
    assert (
        "revision 1" in entry.text and hashlib.sha256(path.read_bytes()).hexdigest() in entry.text
    )
    assert store.history(GUIDE_CASE_ID)[-1].changes == ("timeline (+1)", "forwarded_to")
    [logged] = accesslog.entries(store, GUIDE_CASE_ID)
    assert (logged.action, logged.by) == ("forward", "Member C") and TO in logged.detail
    assert "names of the people involved" in logged.detail
    assert Store.open(store.root).verify().ok


@pytest.mark.parametrize(
    ("redact", "expected"),
    [
        (None, ["contacts", "evidence", "history", "names"]),
        ([], []),
        (["description"], ["description"]),
    ],
)
def test_redaction_comes_from_the_option_or_the_store_setting(
    store, tmp_path, fake_render, redact, expected
):
    forwarding.forward(store, GUIDE_CASE_ID, TO, redact=redact, formats=("md",), out_dir=tmp_path)
    assert fake_render[0].parameters["redact"] == expected


def test_the_store_setting_decides_the_default(store, tmp_path, fake_render):
    path = store.root / "cocdata.toml"
    path.write_text(
        path.read_text().replace(
            'redact = ["names", "contacts", "evidence", "history"]', 'redact = ["timeline"]'
        )
    )
    forwarding.forward(Store.open(store.root), GUIDE_CASE_ID, TO, formats=("md",), out_dir=tmp_path)
    assert fake_render[0].parameters["redact"] == ["timeline"]


def test_a_wrong_redact_setting_is_named_and_nothing_is_forwarded(store, tmp_path, fake_render):
    path = store.root / "cocdata.toml"
    path.write_text(path.read_text().replace('redact = ["names",', 'redact = ["people", "names",'))
    reopened = Store.open(store.root)
    with pytest.raises(
        StoreError, match=r"forwarding.redact in .*cocdata.toml: Cannot redact 'people'"
    ):
        forwarding.forward(reopened, GUIDE_CASE_ID, TO, out_dir=tmp_path)
    assert fake_render == [] and accesslog.entries(store) == []
    assert retention.case_retention(reopened, GUIDE_CASE_ID).state == "never"  # still works


def test_a_save_meanwhile_does_not_lose_the_forward(store, tmp_path, monkeypatch, fake_render):
    real = forwarding._record

    def someone_saves_first(store_, case_id, *args):
        stored = store_.get(case_id)
        note = TimelineEntry(at="2000-12-30T10:00", kind="note", text="meanwhile", by=["b"])
        store_.save(
            stored.case.model_copy(update={"timeline": [*stored.case.timeline, note]}),
            by="b",
            base_rev=stored.rev,
        )
        return real(store_, case_id, *args)

    monkeypatch.setattr(forwarding, "_record", someone_saves_first)
    forwarding.forward(store, GUIDE_CASE_ID, TO, formats=("html",), out_dir=tmp_path)
    texts = [t.text for t in store.get(GUIDE_CASE_ID).case.timeline]
    assert "meanwhile" in texts and any("forwarded to" in (t or "") for t in texts)


def test_a_store_without_the_forwarded_kind_records_a_note(store, tmp_path, fake_render):
    path = store.root / "cocdata.toml"
    path.write_text(path.read_text().replace('forwarded = "Forwarded to another body"\n', ""))
    reopened = Store.open(store.root)
    assert (
        "forwarded" not in reopened.vocab.timeline_kinds and "forwarded" in default().timeline_kinds
    )
    forwarding.forward(reopened, GUIDE_CASE_ID, TO, formats=("html",), out_dir=tmp_path)
    assert reopened.get(GUIDE_CASE_ID).case.timeline[-1].kind == "note"


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ({"to": "  "}, Exception, "Say who the case is forwarded to"),
        ({"redact": ["people"]}, ReportFailed, "Cannot redact 'people'"),
    ],
)
def test_mistakes_write_and_log_nothing(store, tmp_path, fake_render, args, error, words):
    with pytest.raises(error, match=words):
        forwarding.forward(store, GUIDE_CASE_ID, **{"to": TO, **args}, out_dir=tmp_path)
    assert fake_render == [] and accesslog.entries(store) == []
    assert store.get(GUIDE_CASE_ID).rev == 1


def test_an_expunged_case_is_not_forwarded(store, tmp_path, fake_render):
    retention.expunge(store, case_ids=[GUIDE_CASE_ID])
    with pytest.raises(Expunged, match="nothing identifying is left"):
        forwarding.forward(store, GUIDE_CASE_ID, TO, out_dir=tmp_path)
    assert fake_render == [] and [e.action for e in accesslog.entries(store)] == ["expunge"]


@pytest.mark.slow
def test_forwarded_report_leaves_out_what_was_asked(store, tmp_path):
    """Rendered for real: the forwarded copy shows code names, not names or contacts."""
    codes = {p.name: p.person for p in store.get(GUIDE_CASE_ID).case.people}
    done = forwarding.forward(store, GUIDE_CASE_ID, TO, formats=("html",), out_dir=tmp_path)
    [path] = done.files
    html = path.read_text()
    plain = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "redacted copy for a named recipient" in plain
    assert "Person A" not in plain and "Person B" not in plain
    assert codes["Person B"] in plain and codes["Person A"] in plain
    assert "Revision history" in plain and "left out of this copy" in plain
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Path(path).is_relative_to(tmp_path)


def test_a_package_is_written_beside_the_report_and_recorded(store, tmp_path, fake_render):
    from cocdata.handoff import linkage
    from cocdata.handoff import package as packages

    key = linkage.new_key()
    done = forwarding.forward(
        store, GUIDE_CASE_ID, TO, formats=("html",), out_dir=tmp_path / "out", by="Member C",
        package=True, link_key=key,
    )  # fmt: skip
    assert done.package is not None and done.package in done.files
    assert done.package.parent == done.files[0].parent
    assert stat.S_IMODE(done.package.stat().st_mode) == 0o600
    content, sha = packages.read(done.package, TO)
    assert sha == done.package_sha256
    assert (content.sender.case_id, content.sender.rev, content.sender.forwarded_by) == (
        GUIDE_CASE_ID, 1, "Member C",
    )  # fmt: skip
    assert set(packages.FREE_TEXT) <= set(content.left_out)
    assert content.link_key_id == key.key_id
    entry = store.get(GUIDE_CASE_ID).case.timeline[-1]
    assert f"Case package content SHA-256 {sha}" in entry.text
    assert done.package.name in entry.text
    assert "case package" in done.text()


def test_an_explicit_redaction_decides_what_the_package_leaves_out(store, tmp_path, fake_render):
    from cocdata.handoff import package as packages

    done = forwarding.forward(
        store, GUIDE_CASE_ID, TO, redact=["names", "contacts"], formats=("html",),
        out_dir=tmp_path / "out", by="Member C", package=True,
    )  # fmt: skip
    content, _ = packages.read(done.package, TO)
    assert content.left_out == ["contacts", "names"]
    assert "Person B" not in done.package.read_text()
    assert content.case.description.startswith("[reporter] overheard")

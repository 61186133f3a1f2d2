"""verify: evidence a current revision names must be in the store, said by case and file."""

from __future__ import annotations

import pytest

from cocdata.store import Store
from tests.helpers import make_store, new_case


@pytest.fixture(params=["plain", "encrypted"])
def store(request, tmp_path):
    return make_store(request.param, tmp_path / "store")


def _with_evidence(store: Store, content: bytes, name: str):
    evidence = store.put_blob(content, name, "text/plain")
    return store.save(new_case(evidence=[evidence.model_dump()]), by="Ann"), evidence


def test_verify_names_the_case_and_file_whose_evidence_is_missing(store):
    saved, evidence = _with_evidence(store, b"chat log", "chat.txt")
    _with_evidence(store, b"another log", "other.txt")
    assert store.verify().ok
    (store.root / "blobs" / evidence.sha256[:2] / evidence.sha256).unlink()
    report = store.verify()
    assert not report.ok
    [problem] = report.problems
    assert saved.case_id in problem and "chat.txt" in problem and evidence.sha256[:12] in problem
    assert "missing" in problem and "restore it from a backup" in problem
    assert "problem: " + problem in report.text()


def test_only_the_current_revision_counts(store):
    saved, evidence = _with_evidence(store, b"chat log", "chat.txt")
    store.save(saved.case.model_copy(update={"evidence": []}), by="Ann", base_rev=saved.rev)
    (store.root / "blobs" / evidence.sha256[:2] / evidence.sha256).unlink()
    assert store.verify().ok


def test_a_locked_store_still_checks_that_evidence_files_are_there(tmp_path):
    from cocdata import crypto

    store = make_store("encrypted", tmp_path / "store")
    saved, evidence = _with_evidence(store, b"chat log", "chat.txt")
    (store.root / "blobs" / evidence.sha256[:2] / evidence.sha256).unlink()
    crypto.forget_all()
    locked = Store.open(store.root)
    assert locked.locked
    report = locked.verify(quarantine=False)
    assert any(saved.case_id in p and "missing" in p for p in report.problems)

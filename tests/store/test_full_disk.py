"""A full disk at any write of any write path: a message in words, no temp file, a store
that verifies, and nothing half-done that a re-run cannot finish."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cocdata import accesslog, crypto, retention
from cocdata.errors import DiskFull
from cocdata.model import Case
from cocdata.store import Store
from tests.helpers import guide_data, new_case

MAX_POINTS = 30
"""Failure points tried per operation (spread evenly over all its writes)."""


class Disk:
    """Counts every write and fsync; the ``fail_at``-th raises ENOSPC."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls = 0
        self.fail_at = fail_at

    def tick(self) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")


def install(disk: Disk, monkeypatch) -> None:
    real_write, real_fsync, real_fdopen = os.write, os.fsync, os.fdopen

    class Ticking(io.FileIO):
        def write(self, data):
            disk.tick()
            return super().write(data)

    def write(fd, data):
        disk.tick()
        return real_write(fd, data)

    def fsync(fd):
        disk.tick()
        return real_fsync(fd)

    def fdopen(fd, mode="r", *args, closefd=True, **kwargs):
        if "w" in mode and "b" in mode:
            return Ticking(fd, "wb", closefd=closefd)
        return real_fdopen(fd, mode, *args, closefd=closefd, **kwargs)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "fdopen", fdopen)


def data_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != "tmp" and p.name != ".lock"
    }


def _seeded(path: Path) -> Path:
    store = Store.init(path)
    first = store.save(new_case(), by="Ann")
    store.save(
        first.case.model_copy(update={"description": "second revision"}), by="Ann", base_rev=1
    )
    store.put_blob(b"a screenshot", "shot.png", "image/png")
    store.save_draft("intake-1", {"form": "intake", "x": "draft"}, by="Ann")
    old = guide_data(case_id="old-closed")
    old["decisions"]["reported_to"], old["forwarded_to"] = [], []
    store.save(Case.model_validate(old), by="Ann")
    return path


def _import(store: Store) -> None:
    items = [(new_case(description=f"imported {i}"), None) for i in range(3)]
    store.save_many(items, by="Ann")


def _revision(store: Store) -> None:
    case = store.get(store.case_ids()[0])
    store.save(case.case.model_copy(update={"description": "third"}), by="Bo", base_rev=case.rev)


OPERATIONS: dict[str, Callable[[Store], object]] = {
    "save a new case": lambda s: s.save(new_case(), by="Ann"),
    "save a revision": _revision,
    "import (save_many)": _import,
    "keep evidence": lambda s: s.put_blob(b"new evidence bytes", "chat.txt", "text/plain"),
    "keep a draft": lambda s: s.save_draft("case-x-1", {"form": "case", "x": 1}, by="Ann"),
    "access log": lambda s: accesslog.record(s, "export", s.case_ids()[:1], by="Ann"),
    "compact": lambda s: s.compact(),
    "expunge": lambda s: retention.expunge(s, case_ids=["old-closed"], today=dt.date(2026, 1, 1)),
}
UNCHANGED_ON_FAILURE = {
    "save a new case",
    "save a revision",
    "import (save_many)",
    "keep evidence",
    "keep a draft",
    "access log",
    "compact",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return _seeded(tmp_path_factory.mktemp("seed") / "store")


def _points(total: int) -> list[int]:
    if total <= MAX_POINTS:
        return list(range(1, total + 1))
    return sorted({1 + round(i * (total - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})


def _count_writes(seeded: Path, tmp_path: Path, operation, monkeypatch) -> int:
    root = tmp_path / "count"
    shutil.copytree(seeded, root)
    disk = Disk()
    with monkeypatch.context() as m:
        install(disk, m)
        operation(Store.open(root))
    return disk.calls


@pytest.mark.slow
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_a_full_disk_at_any_write_is_said_in_words_and_leaves_no_trace(
    name, seeded, tmp_path, monkeypatch
):
    operation = OPERATIONS[name]
    total = _count_writes(seeded, tmp_path, operation, monkeypatch)
    assert total > 0
    refused = 0
    for point in _points(total):
        root = tmp_path / f"at-{point}"
        shutil.copytree(seeded, root)
        before = data_files(root)
        with monkeypatch.context() as m:
            install(Disk(fail_at=point), m)
            try:
                operation(Store.open(root))
                failed = None
            except DiskFull as exc:
                failed = exc
        assert list((root / "tmp").iterdir()) == [], f"{name}, write {point}: a temp file is left"
        if failed is not None:
            refused += 1
            assert "disk holding the store" in str(failed) and "is full" in str(failed)
            assert "Free space" in str(failed)
            if name in UNCHANGED_ON_FAILURE:
                assert data_files(root) == before, f"{name}, write {point}: a file changed"
        reopened = Store.open(root)
        if failed is not None and name == "expunge":
            operation(reopened)  # the re-run finishes what the full disk stopped
        checked = reopened.verify(quarantine=False)
        assert checked.ok, (name, point, checked.problems)
        shutil.rmtree(root)
    assert refused, f"{name}: no injected failure reached the store"


@pytest.mark.slow
def test_encrypt_stopped_by_a_full_disk_finishes_when_run_again(seeded, tmp_path, monkeypatch):
    def run(root: Path):
        crypto.forget_all()
        return Store.open(root).encrypt(key_file=tmp_path / f"{root.name}.key")

    total = _count_writes(seeded, tmp_path, lambda s: run(s.root), monkeypatch)
    refused = 0
    for point in _points(total):
        root = tmp_path / f"enc-{point}"
        shutil.copytree(seeded, root)
        plain = {cid: Store.open(root).get(cid).case for cid in Store.open(root).case_ids()}
        with monkeypatch.context() as m:
            install(Disk(fail_at=point), m)
            try:
                run(root)
            except DiskFull as exc:
                refused += 1
                assert "run 'cocdata encrypt' again" in str(exc)
        assert list((root / "tmp").iterdir()) == [], f"write {point}: a temp file is left"
        report = run(root)
        assert report.ok, (point, report.problems, report.verify and report.verify.problems)
        reopened = Store.open(root)
        assert reopened.encrypted
        assert {cid: reopened.get(cid).case for cid in reopened.case_ids()} == plain
    assert refused


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.mark.slow
def test_a_real_full_disk(tmp_path):
    disk = tmp_path / "small-disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("mounting a small tmpfs is not permitted here (needs root)")
    try:
        store = Store.init(disk / "store")
        saved = [store.save(new_case(), by="Ann").case_id]
        filler = disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # fill the disk
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        os.truncate(filler, max(0, filler.stat().st_size - 8 * 1024))  # but for a few KB
        before = data_files(disk / "store")
        with pytest.raises(DiskFull, match="disk holding the store"):
            for _ in range(50):
                store.put_blob(os.urandom(64 * 1024), "photo.jpg", "image/jpeg")
        with pytest.raises(DiskFull):
            for i in range(200):
                saved.append(
                    store.save(new_case(description="x" * 4000 + str(i)), by="Ann").case_id
                )
        assert list((disk / "store" / "tmp").iterdir()) == []
        assert set(before) <= set(data_files(disk / "store"))
        filler.unlink()
        reopened = Store.open(disk / "store")
        assert set(saved) <= set(reopened.case_ids())
        assert reopened.verify(quarantine=False).ok
        reopened.save(new_case(), by="Ann")  # space again: saving works again
    finally:
        subprocess.run(["umount", str(disk)], check=False)

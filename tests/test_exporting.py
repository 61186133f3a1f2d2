"""Export to a stream and to a file: revisions in the lines, whole or nothing, logged once."""

import io
import json

import pytest

from cocdata import accesslog, exporting, interchange
from cocdata.errors import CocdataError
from cocdata.examples import GUIDE_EXAMPLE
from cocdata.store import Store
from tests.helpers import guide_data


@pytest.fixture
def store(tmp_path):
    return Store.init(tmp_path / "store")


def lines(*records):
    return [json.dumps(r) + "\n" for r in records]


def exported(store, ids=None):
    out = io.StringIO()
    exporting.write_export(store, out, ids)
    return out.getvalue().split("\n")[:-1]


@pytest.fixture
def two_cases(store):
    interchange.import_lines(lines(GUIDE_EXAMPLE, guide_data(case_id=None)), store)
    return store


def export_entries(store):
    return [e for e in accesslog.entries(store) if e.action == "export"]


def test_export_file_is_private_and_logged_once_written(two_cases, tmp_path):
    out = tmp_path / "out.jsonl"
    assert exporting.export_file(two_cases, out, by="Ann") == 2
    assert (out.stat().st_mode & 0o777) == 0o600
    [entry] = export_entries(two_cases)
    assert entry.by == "Ann" and f"JSON Lines to {out}" == entry.detail
    assert out.read_text().splitlines() == exported(two_cases)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "store"]


class _FullDisk:
    """A file object that runs out of space after ``lines`` writes."""

    def __init__(self, fh, lines):
        self.fh, self.left = fh, lines

    def write(self, text):
        if self.left == 0:
            raise OSError(28, "No space left on device")
        self.left -= 1
        return self.fh.write(text)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


@pytest.mark.parametrize("lines_before_full", [0, 1])
def test_a_full_disk_leaves_no_partial_export_no_temp_file_and_no_log(
    two_cases, tmp_path, monkeypatch, lines_before_full
):
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    real = exporting.os.fdopen
    monkeypatch.setattr(
        exporting.os, "fdopen", lambda *a, **k: _FullDisk(real(*a, **k), lines_before_full)
    )
    with pytest.raises(CocdataError) as err:
        exporting.export_file(two_cases, out)
    assert "No space left on device" in str(err.value)
    assert "nothing was exported and no partial file was left" in str(err.value)
    assert "The disk is full: free some space" in str(err.value)
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "store"]
    assert export_entries(two_cases) == []


def test_an_export_whose_log_entry_fails_is_not_written(two_cases, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(accesslog, "record", full)
    with pytest.raises(CocdataError, match="nothing was exported"):
        exporting.export_file(two_cases, tmp_path / "out.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("no/such/folder/x.jsonl", "(?s)does not exist: create it first.*Nothing was exported"),
        (".", "(?s)Is a directory.*Nothing was exported"),
    ],
)
def test_export_to_a_missing_folder_or_a_folder_says_so(two_cases, tmp_path, target, words):
    with pytest.raises(CocdataError, match=words):
        exporting.export_file(two_cases, tmp_path / target)
    assert export_entries(two_cases) == []


def test_a_stream_that_fails_halfway_is_logged_for_what_it_received(two_cases):
    class Broken(io.StringIO):
        def write(self, text):
            if self.tell():
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)

    with pytest.raises(CocdataError, match="stopped after 1 of 2 case"):
        exporting.write_export(two_cases, Broken(), by="Ann")
    first, second = export_entries(two_cases)
    assert len(first.cases) == 2
    assert len(second.cases) == 1 and "interrupted: only 1 of 2" in second.detail

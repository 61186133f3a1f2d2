"""The error tree: exit codes from one table, structured fields, lookup by class name."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from cocdata import errors
from cocdata.errors import (
    EXIT_CODES,
    AlreadyExists,
    CocdataError,
    Conflict,
    CorruptStore,
    DiskFull,
    Expunged,
    FileAccess,
    InvalidRecord,
    Leak,
    LeakFound,
    LinkKeyError,
    LockedStore,
    NotFound,
    PackageError,
    Problem,
    ReceiptError,
    ReportFailed,
    StoreError,
    StoreWriteFailed,
    UsageError,
    error_class,
    exit_code_of,
    is_error,
)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (CocdataError, 1),
        (UsageError, 1),
        (InvalidRecord, 2),
        (NotFound, 3),
        (AlreadyExists, 4),
        (Conflict, 5),
        (StoreError, 6),
        (CorruptStore, 7),
        (ReportFailed, 8),
        (LeakFound, 9),
        (LockedStore, 10),
        (Expunged, 11),
        (FileAccess, 12),
        (StoreWriteFailed, 13),
        (DiskFull, 14),
        (PackageError, 15),
        (LinkKeyError, 16),
        (ReceiptError, 17),
    ],
)
def test_exit_codes_come_from_the_table(kind, code):
    assert EXIT_CODES[kind] == code
    assert kind.exit_code == code


def test_every_error_class_has_an_exit_code_and_no_two_share_one_but_usage():
    everything = [CocdataError]
    for cls in everything:
        everything.extend(cls.__subclasses__())
    assert set(everything) <= set(EXIT_CODES)
    codes = [c for k, c in EXIT_CODES.items() if k not in (CocdataError, UsageError)]
    assert len(codes) == len(set(codes)) and 1 not in codes


def test_a_subclass_not_in_the_table_takes_its_parents_code():
    class Damaged(CorruptStore):
        pass

    assert Damaged("x").exit_code == 7
    assert exit_code_of(IsADirectoryError) == EXIT_CODES[FileAccess]
    assert exit_code_of(ValueError) == 1


def test_an_instance_reads_the_table_at_the_time_it_is_asked(monkeypatch):
    monkeypatch.setitem(EXIT_CODES, NotFound, 42)
    assert NotFound("gone").exit_code == 42


@pytest.mark.parametrize(
    ("make", "fields"),
    [
        (
            lambda: UsageError("Say which.", "Example: x"),
            {"message": "Say which.", "hint": "Example: x"},
        ),
        (
            lambda: InvalidRecord([Problem("status", "is wrong", "line 2")], "The import"),
            {"what": "The import", "problems": [Problem("status", "is wrong", "line 2")]},
        ),
        (
            lambda: CorruptStore("Damaged.", "Restore it.", problems=["cases/a.parquet: bad"]),
            {"problems": ["cases/a.parquet: bad"], "hint": "Restore it."},
        ),
        (
            lambda: LeakFound("Blocked.", leaks=[Leak("n1", "name", "people.1.name", "c1", "p")]),
            {"leaks": [Leak("n1", "name", "people.1.name", "c1", "p")]},
        ),
        (
            lambda: FileAccess("/tmp/x", "Is a directory", "Name a file."),
            {"path": "/tmp/x", "reason": "Is a directory"},
        ),
    ],
    ids=["usage", "invalid", "corrupt", "leak", "file"],
)
def test_errors_carry_structured_fields(make, fields):
    error = make()
    for name, value in fields.items():
        assert getattr(error, name) == value


def test_usage_error_is_a_cocdata_error_with_message_and_hint():
    error = UsageError("--person and --case cannot be used together.", "Use one.")
    assert isinstance(error, CocdataError)
    assert str(error) == "--person and --case cannot be used together.\nUse one."


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/data"), "Name a file, not a folder"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "/no/x"), "must exist"),
        (PermissionError(errno.EACCES, "Permission denied", "/root/x"), "permissions"),
        (OSError(errno.ENOSPC, "No space left on device", "/full/x"), "disk is full"),
    ],
    ids=["directory", "missing", "permission", "full"],
)
def test_an_os_error_becomes_a_message_with_the_path_and_what_to_do(exc, words):
    error = FileAccess.from_os_error(exc)
    assert error.path == exc.filename and error.exit_code == 12
    assert str(error).startswith(f"{exc.filename}: {exc.strerror}.")
    assert words in str(error)


def test_classes_are_found_by_the_name_a_kernel_reports():
    assert error_class("LeakFound") is LeakFound
    assert error_class("CorruptStore") is CorruptStore
    assert error_class("ValueError") is None and error_class(None) is None
    assert is_error("LeakFound", LeakFound) and is_error("LockedStore", StoreError)
    assert not is_error("ReportFailed", LeakFound) and not is_error("KernelDied", LeakFound)


def test_the_leak_guard_raises_its_findings_as_data():
    from cocdata.reports.leaks import NAME, LeakGuard, Source

    guard = LeakGuard(allowed="")
    guard.add(NAME, "Zephyrine Quillfeather", Source("amber-falcon", "people.2.name"))
    guard.add(NAME, "Zephyrine Quillfeather", Source("brave-heron", "report.made_by"))
    with pytest.raises(LeakFound) as caught:
        guard.check("ev-1", "Report", {"md": "We spoke to Zephyrine Quillfeather."})
    leaks = caught.value.leaks
    assert {(x.case_id, x.field) for x in leaks} == {
        ("amber-falcon", "people.2.name"),
        ("brave-heron", "report.made_by"),
    }
    assert all(x.kind == NAME and x.finding in str(caught.value) for x in leaks)
    assert "Quillfeather" not in str(caught.value)


def test_the_command_line_hard_codes_no_exit_code():
    from pathlib import Path

    source = "".join(p.read_text() for p in Path(errors.__file__).parent.glob("cli/*.py"))
    assert "Exit(7)" not in source and "sys.exit(7" not in source


def test_a_cocdata_error_at_the_command_line_exits_with_its_class_code(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "verify", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == StoreError.exit_code, proc.stderr
    assert "Traceback" not in proc.stderr

"""Store commands on the command line: import, export, show, verify, compact, expunge, demo."""

import json
import re

import pytest

from cocdata.examples import GUIDE_EXAMPLE
from tests.cli.running import guide_file, run_main


def test_import_show_export_round_trip(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    shown = run("show", "guide-example", "--history")
    for fact in (
        "Verbal, in person report made by Person A",
        "received by Response Team Member A",
        "2000-12-28 22:30",
        "Conference party",
        "Reported person: Person B",
        "Meeting by Response Team Member A, Response Team Member B",
        "Django Software Foundation Code of Conduct",
        "rev 1",
        "Test Member: created",
    ):
        assert fact in shown.output
    out = tmp_path / "out.jsonl"
    assert run("export", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())["description"] == GUIDE_EXAMPLE["description"]
    assert (out.stat().st_mode & 0o077) == 0


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["show", "amber-falcon"], 3, "There is no case 'amber-falcon'"),
        (["import", "/no/such/file.jsonl"], 12, "No such file or directory"),
        (["export", "--case", "amber-falcon"], 3, "There is no case"),
    ],
)
def test_mistakes_end_in_a_message_not_a_traceback(env, args, code, words):
    run_main("init", env=env)
    result = run_main(*args, env=env)
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_import_lists_every_line_and_writes_nothing(env, tmp_path):
    bad = dict(GUIDE_EXAMPLE, case_id=None, status="archived")
    worse = dict(GUIDE_EXAMPLE, case_id=None, occurred={"at": "soon"})
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(GUIDE_EXAMPLE) + "\n" + json.dumps(bad) + "\n" + json.dumps(worse) + "\n"
    )
    result = run_main("import", str(path), env=env)
    assert result.returncode == 2
    assert "line 2: status" in result.stderr and "line 3: occurred.at" in result.stderr
    assert "nothing was saved" in result.stderr and "Traceback" not in result.stderr
    assert "No cases" in run_main("cases", env=env).stdout


def test_verify_and_compact_report_in_words(run):
    run("demo", "--no-reports")
    assert "All good" in run("verify").output
    assert "Compacted" in run("compact").output
    assert "All good" in run("verify").output


def test_demo_refuses_to_mix_into_real_cases(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    with pytest.raises(Exception, match="already holds real cases"):
        run("demo", "--no-reports")


def test_schema_is_json(run):
    assert json.loads(run("schema").output)["title"].startswith("cocdata case")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["export", "--person", "quiet-otter"], 3, "No one in the store"),
        (["export", "--person", "quiet-otter", "--case", "x"], 1, "cannot be used together"),
        (["expunge", "--case", "amber-falcon"], 3, "There is no case 'amber-falcon'"),
        (["person", "merge", "quiet-otter", "brave-heron"], 3, "person code name"),
        (["person", "split", "quiet-otter", "--case", "x"], 3, "person code name"),
        (["forward", "amber-falcon", "--to", "DSF"], 3, "There is no case"),
        (["show", "amber-falcon", "--access"], 3, "There is no case"),
        (["access", "--case", "amber-falcon"], 3, "There is no case"),
    ],
)
def test_privacy_command_mistakes_end_in_a_message(env, args, code, words):
    run_main("init", env=env)
    result = run_main(*args, env=env)
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_expunge_subject_access_and_access_log_from_the_command_line(run, tmp_path):
    run("demo", "--no-reports")
    dry = run("expunge", "--dry-run").output
    assert dry.startswith("Dry run, nothing was changed.")
    due = re.findall(r"^  ([a-z]+-[a-z]+(?:-\d+)?) \(", dry, re.MULTILINE)
    assert due
    done = run("expunge", "--as", "Lead Member").output
    assert done.startswith(f"Identifying data removed from {len(due)} case(s)")
    shown = run("show", due[0], "--access").output
    assert "Retention: expunged" in shown and "Lead Member: expunged" in shown
    assert "Lead Member: expunged" in run("access").output
    assert "All good" in run("verify").output
    code = next(p.split("[")[1].rstrip("]") for p in shown.splitlines() if "Reported person" in p)
    out = tmp_path / "subject-access.json"
    result = run("export", "--person", code, "--out", str(out))
    assert result.exit_code == 0 and f"everything held about {code}" in result.output
    data = json.loads(out.read_text())
    assert data["person"] == code and due[0] in {c["case_id"] for c in data["cases"]}
    assert (out.stat().st_mode & 0o077) == 0
    assert "subject access export" in run("show", due[0], "--access").output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (lambda d: ["import", str(d)], "Is a directory.\nName a file, not a folder"),
        (
            lambda d: ["export", "--out", "/nonexistent/dir/x.jsonl"],
            "/nonexistent/dir/x.jsonl: No such file or directory",
        ),
        (lambda d: ["export", "--out", str(d)], "Is a directory"),
        (
            lambda d: ["export", "--person", "quiet-otter", "--out", str(d / "in.jsonl" / "x")],
            "Not a directory",
        ),
    ],
    ids=["import-folder", "export-missing-folder", "export-to-folder", "export-under-a-file"],
)
def test_a_path_the_user_gave_that_cannot_be_used_ends_in_a_message(env, tmp_path, args, words):
    from cocdata.errors import FileAccess

    assert run_main("import", str(guide_file(tmp_path)), env=env).returncode == 0
    result = run_main(*args(tmp_path), env=env)
    assert result.returncode == FileAccess.exit_code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert "nothing exported" in run_main("access", env=env).stdout  # none recorded as exported


def test_verify_of_a_damaged_store_raises_corrupt_store(env, tmp_path):
    from cocdata.errors import CorruptStore

    run_main("import", str(guide_file(tmp_path)), env=env)
    (tmp_path / "store" / "cases" / "damaged.parquet").write_bytes(b"not parquet at all")
    result = run_main("verify", env=env)
    assert result.returncode == CorruptStore.exit_code == 7
    assert "problem: " in result.stderr and "damaged.parquet" in result.stderr
    assert "The store has problems (listed above)" in result.stderr
    assert "Traceback" not in result.stderr

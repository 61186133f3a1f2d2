"""report case, report transparency and their mistakes on the command line."""

import json
import os
import subprocess
import sys

import pytest

from cocdata.examples import GUIDE_EXAMPLE


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "case"], 1, "Name the case(s) to report on"),
        (["report", "case", "no-such-case"], 3, "There is no case 'no-such-case'"),
        (["report", "case", "guide-example", "-f", "docx"], 8, "Unknown report format 'docx'"),
        (["report", "case", "--event", "no-such-event"], 1, "has no cases"),
    ],
)
def test_report_case_mistakes_are_explained(run, tmp_path, args, code, message):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COCDATA_STORE": str(tmp_path / "store")},
    )
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 1, "Name the event(s) with --event ID, or --all"),
        (["--all", "--event", "djangocon-2000"], 1, "(not both)"),
        (["--event", "no-such-event"], 3, "There is no event 'no-such-event'"),
        (["--all", "-f", "docx"], 8, "Unknown report format 'docx'"),
        (["--all", "--min-count", "2"], 8, "'fewer than 2' could only mean 1"),
        (["--all", "--min-count", "0"], 2, "Invalid value for '--min-count'"),
        (["--all", "--layout", "cards"], 1, "--layout 'cards' is not a layout"),
        (["--all", "--layout", "cards"], 1, "Use one of: summary, incidents"),
        (["--event", "djangocon-2000", "--preliminary"], 1, "Every case of 'djangocon-2000'"),
        (["--event", "djangocon-2000", "--preliminary"], 1, "leave out --preliminary"),
    ],
)
def test_report_transparency_mistakes_are_explained(tmp_path, args, code, message):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    env = {**os.environ, "COCDATA_STORE": str(tmp_path / "store")}
    subprocess.run([sys.executable, "-m", "cocdata.cli", "import", str(path)], env=env, check=True)
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "report", "transparency", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_report_case_writes_the_files(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    out = tmp_path / "out"
    result = run("report", "case", "guide-example", "-f", "html", "-f", "md", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["guide-example.html", "guide-example.md"]
    assert "Case guide-example: internal report" in (out / "guide-example.md").read_text()

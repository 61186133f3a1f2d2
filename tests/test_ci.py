"""Repository hygiene: what CI refuses, what git ignores, what pre-commit runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / ".ci" / "check_notebooks.py"


def run_check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(folder)], capture_output=True, text=True, check=False
    )


def notebook(path: Path, outputs: list[dict], count: int | None) -> None:
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "store.get('amber-falcon')",
        "outputs": outputs,
        "execution_count": count,
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_committed_notebooks_carry_no_outputs():
    result = run_check(ROOT)
    assert result.returncode == 0, result.stderr


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c for c in re.findall(r"```bash\n(.*?)\n```", readme, re.S) if "pytest" in c]
    assert len(commands) == 1, commands
    return commands[0]


def test_ci_runs_the_readme_test_command_exactly():
    command = _readme_test_command()
    assert "pip install -e '.[dev]'" in command
    assert f'TEST_COMMAND="{command}"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _fake_tools(folder: Path, log: Path, pytest_exit: int) -> None:
    """apt-get, npm, pip and pytest that only write down how they were run."""
    folder.mkdir()
    for name in ("apt-get", "npm", "pip"):
        (folder / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
    (folder / "pytest").write_text(
        f"#!{sys.executable}\n"
        "import os, signal, stat\n"
        "ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN\n"
        "stdin = 'null' if os.path.samestat(os.fstat(0), os.stat('/dev/null')) else 'other'\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(f'pytest sigint-ignored={ignored} stdin={stdin}\\n')\n"
        f"raise SystemExit({pytest_exit})\n"
    )
    for tool in folder.iterdir():
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def _ignore_sigint_close_stdin() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.close(0)


@pytest.mark.parametrize("pytest_exit", [0, 1, 5])
def test_ci_run_ends_with_the_tests_status_and_gives_them_sigint_and_no_stdin(
    tmp_path: Path, pytest_exit: int
) -> None:
    log = tmp_path / "log"
    _fake_tools(tmp_path / "bin", log, pytest_exit)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_ignore_sigint_close_stdin,
        timeout=120,
        check=False,
    )
    assert result.returncode == pytest_exit, result.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "npm install -g configurable-http-proxy",
        "apt-get update",
        "apt-get install -y chromium poppler-utils",
        "pip install -e .[dev]",
        "pytest sigint-ignored=False stdin=null",
    ]


def test_default_signals_reports_a_command_it_cannot_start():
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "default_signals.py"), "no-such-command-here"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot run no-such-command-here" in result.stderr


def test_ci_runs_the_same_notebook_check():
    assert "python3 .ci/check_notebooks.py" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("outputs", "count", "refused"),
    [
        ([], None, False),
        ([{"output_type": "stream", "name": "stdout", "text": "Person B"}], 1, True),
        ([], 3, True),  # run once, outputs cleared by hand: still a trace of a store
    ],
)
def test_notebook_with_outputs_is_refused(tmp_path, outputs, count, refused):
    notebook(tmp_path / "notebooks" / "case.ipynb", outputs, count)
    notebook(tmp_path / ".ipynb_checkpoints" / "case-checkpoint.ipynb", [{"x": 1}], 1)
    result = run_check(tmp_path)
    assert result.returncode == (1 if refused else 0)
    if refused:
        assert "notebooks/case.ipynb" in result.stderr and "nbstripout" in result.stderr
    assert "checkpoint" not in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_only_tracked_notebooks_count_in_a_checkout(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    notebook(tmp_path / "scratch.ipynb", [{"output_type": "stream", "text": "x"}], 1)
    assert run_check(tmp_path).returncode == 0  # untracked: not about to be committed
    subprocess.run(["git", "-C", str(tmp_path), "add", "scratch.ipynb"], check=True)
    assert run_check(tmp_path).returncode == 1


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("store/cases/00001-1-ab.parquet", True),
        ("my-store/cases/00001-1-ab.parquet", True),
        ("my-store/events/00001-1-ab.parquet", True),
        ("my-store/access/00001-1-ab.parquet", True),
        ("my-store/blobs/ab/ab12cd", True),
        ("my-store/drafts/case-amber-falcon.json", True),
        ("my-store/quarantine/00001-1-ab.parquet", True),
        ("reports/amber-falcon.html", True),
        ("reports/djangocon-2000/transparency.pdf", True),
        ("cases.jsonl", True),
        ("subject-access-quiet-otter.json", True),
        ("notebooks/intake.ipynb", False),
        ("cocdata/store.py", False),
        ("reports/README.md", False),
    ],
)
def test_gitignore_keeps_store_data_and_reports_out(path, ignored):
    result = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", "-q", path], check=False
    )
    assert (result.returncode == 0) == ignored, path


def test_pre_commit_runs_ruff_and_strips_notebooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout"} <= hooks

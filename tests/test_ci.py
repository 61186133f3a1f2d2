"""Repository hygiene: what CI refuses, what git ignores, what pre-commit runs."""

from __future__ import annotations

import json
import shutil
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

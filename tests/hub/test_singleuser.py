"""The member's server imports JupyterLab without running Node.js, and keeps its PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cocdata.hub.singleuser import IMPORTED_WITHOUT_NODE, commands_out_of_sight

IMPORT = f"import {IMPORTED_WITHOUT_NODE}"
HIDDEN = (
    "from cocdata.hub.singleuser import commands_out_of_sight\n"
    "with commands_out_of_sight():\n"
    f"    {IMPORT}\n"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "node_runs"),
    [
        pytest.param(IMPORT, True, id="a-plain-import-runs-node"),
        pytest.param(HIDDEN, False, id="the-servers-import-does-not"),
    ],
)
def test_jupyterlab_is_imported_without_running_node(
    tmp_path: Path, code: str, node_runs: bool
) -> None:
    # A "node" first on the PATH that only leaves a mark: what JupyterLab would run.
    mark = tmp_path / "node-ran"
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text(f"#!/bin/sh\ntouch {mark}\necho '{{}}'\n")
    node.chmod(0o755)
    env = {**os.environ, "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert mark.exists() is node_runs


@pytest.mark.parametrize("path", ["/usr/local/bin:/usr/bin:/bin", None], ids=["set", "unset"])
def test_the_path_is_as_before_afterwards(
    monkeypatch: pytest.MonkeyPatch, path: str | None
) -> None:
    if path is None:
        monkeypatch.delenv("PATH", raising=False)
    else:
        monkeypatch.setenv("PATH", path)
    with commands_out_of_sight():
        assert os.environ["PATH"] == os.devnull
    assert os.environ.get("PATH") == path


def test_the_path_is_restored_when_the_import_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with pytest.raises(ImportError), commands_out_of_sight():
        __import__("cocdata_no_such_module")
    assert os.environ["PATH"] == "/usr/bin:/bin"

"""The form's servers find the kernels Jupyter would, in the same folders, without IPython."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from traitlets.utils.importstring import import_item

from cocdata.forms import serve
from cocdata.forms.kernelspecs import KernelSpecsWithoutIPython
from cocdata.hub import hubconfig

BOTH = """
import json, sys
from cocdata.forms.kernelspecs import KernelSpecsWithoutIPython
ours = KernelSpecsWithoutIPython()
found = {"ours": ours.kernel_dirs, "imported_ipython": "IPython" in sys.modules,
         "kernels": ours.get_all_specs()}
from jupyter_client.kernelspec import KernelSpecManager
jupyters = KernelSpecManager()
found["jupyters"] = jupyters.kernel_dirs
found["jupyters_kernels"] = jupyters.get_all_specs()
print(json.dumps(found))
"""


@pytest.mark.parametrize(
    ("ipythondir", "same_folders"),
    [
        pytest.param(None, True, id="unset"),
        pytest.param("{home}/elsewhere/ipython", True, id="absolute"),
        pytest.param("~/relative-to-home", True, id="tilde"),
        pytest.param("{home}/trailing/", True, id="trailing-slash"),
        # IPython swaps a folder it cannot create for a new empty temporary one: no kernel
        # is found in either, so the kernels found are still the same.
        pytest.param("{home}/no/such/parent/ipython", False, id="cannot-be-created"),
    ],
)
def test_the_same_folders_as_jupyters_own_and_no_ipython(
    tmp_path: Path, ipythondir: str | None, same_folders: bool
) -> None:
    (tmp_path / "elsewhere").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("IPYTHONDIR", "JUPYTER_PATH")}
    env["HOME"] = str(tmp_path)
    if ipythondir is not None:
        env["IPYTHONDIR"] = ipythondir.format(home=tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", BOTH], env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout)
    assert (found["ours"] == found["jupyters"]) is same_folders
    assert found["kernels"] == found["jupyters_kernels"]
    assert "python3" in found["kernels"]
    assert found["imported_ipython"] is False


def hub_server(tmp_path: Path) -> list[str]:
    return hubconfig.server_args(
        hubconfig.HubSettings(str(tmp_path), str(tmp_path), "http://127.0.0.1:8000/", 1, 2, 0)
    )


@pytest.mark.parametrize(
    ("command", "option"),
    [
        pytest.param(
            lambda folder: serve.app_command(folder, 1),
            "--VoilaConfiguration.kernel_spec_manager_class=",
            id="cocdata-app",
        ),
        pytest.param(
            lambda folder: serve.lab_command(folder, 1, open_browser=False),
            "--ServerApp.kernel_spec_manager_class=",
            id="cocdata-lab",
        ),
        pytest.param(hub_server, "--ServerApp.kernel_spec_manager_class=", id="members-server"),
    ],
)
def test_every_form_server_is_told_to_use_it(
    tmp_path: Path, command: Callable[[Path], list[str]], option: str
) -> None:
    (arg,) = [a for a in command(tmp_path) if a.startswith(option)]
    assert import_item(arg.removeprefix(option)) is KernelSpecsWithoutIPython

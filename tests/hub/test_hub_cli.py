"""``cocdata hub`` refuses, with what to do, whatever would leave the team exposed or locked out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cocdata.errors import HubRefused
from tests.hub.machine import Accounts, cli_env, members_can_run_python, require_hub_machine


def _hub(*args: str, store: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cocdata.cli"]
    if store is not None:
        command += ["--store", str(store)]
    return subprocess.run(
        [*command, "hub", *args], env=cli_env(), capture_output=True, text=True, timeout=120
    )


def test_help_has_an_example() -> None:
    result = _hub("--help")
    assert result.returncode == 0
    assert "Example" in result.stdout and "--ssl-cert" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--ip", "0.0.0.0"], "in the clear"),
        (["--ip", "0.0.0.0", "--ssl-cert", "/nonexistent.pem"], "without --ssl-key"),
        (["--port", "0"], "not a port number"),
    ],
)
def test_listening_rules_refuse_before_anything_starts(
    tmp_path: Path, args: list[str], says: str
) -> None:
    result = _hub(*args, store=tmp_path / "store")
    assert result.returncode == HubRefused.exit_code, result.stderr
    assert says in result.stderr
    assert not (tmp_path / "store").exists(), "nothing was made"


def test_a_store_that_is_not_a_team_store_is_refused(tmp_path: Path) -> None:
    require_hub_machine()
    store = tmp_path / "store"
    subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "--store", str(store), "init"],
        env=cli_env(),
        check=True,
        capture_output=True,
    )
    result = _hub("--state", str(tmp_path / "hub"), store=store)
    assert result.returncode == HubRefused.exit_code, result.stderr
    assert "not a team store" in result.stderr and "team init --group" in result.stderr


@pytest.mark.hub
def test_an_account_that_is_not_root_is_told_to_run_it_as_root(tmp_path: Path) -> None:
    require_hub_machine()
    accounts = Accounts()
    name = accounts.make(f"c{tmp_path.name[-6:].replace('_', '')[:6]}nr")
    try:
        with members_can_run_python():
            result = subprocess.run(
                [
                    "runuser",
                    "-u",
                    name,
                    "--",
                    sys.executable,
                    "-m",
                    "cocdata.cli",
                    "hub",
                    "--store",
                    "/nonexistent-store",
                    "--state",
                    f"/tmp/{name}-hub",
                ],
                env={**cli_env(), "HOME": f"/home/{name}"},
                capture_output=True,
                text=True,
                timeout=120,
            )
    finally:
        accounts.remove()
    assert result.returncode == HubRefused.exit_code, result.stderr
    assert "must run as root" in result.stderr

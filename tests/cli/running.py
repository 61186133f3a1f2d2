"""Running the ``cocdata`` command in tests: in this process, or as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from cocdata.cli import app
from cocdata.examples import GUIDE_EXAMPLE

PASSPHRASE = "lantern orbit velvet cactus"


def _command_paths(group, prefix=()):
    """Every leaf command of the CLI as its words, e.g. ('report', 'case')."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = [" ".join(p) for p in _command_paths(typer.main.get_command(app))]
GROUPS = sorted(
    name for name, c in typer.main.get_command(app).commands.items() if hasattr(c, "commands")
)


def run_main(*args, env, cwd=None, timeout=120):
    """``python -m cocdata.cli ARGS`` as the user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "cocdata.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def guide_file(folder: Path) -> Path:
    """A JSON Lines file holding the guide's example case."""
    path = folder / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    return path

#!/usr/bin/env python3
"""Fail when a notebook in the repository carries outputs: they could hold names from a store.

Run by ``.ci/run`` before the tests and by ``tests/test_ci.py``, so that CI and
the test suite apply the same rule. Usage: ``python3 .ci/check_notebooks.py
[FOLDER]`` (default: the repository). In a git checkout the notebooks git
tracks are checked (what is or will be committed); elsewhere every notebook
under the folder. Exit status 1 names every offending notebook; strip them
with ``nbstripout`` (the pre-commit hook does it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SKIP = {".ipynb_checkpoints", ".git", ".venv", "build", "dist"}


def notebooks(root: Path) -> list[Path]:
    """The notebooks git tracks under ``root``, or every notebook there outside git."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", "*.ipynb"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        found = root.rglob("*.ipynb")
        return sorted(p for p in found if not SKIP.intersection(p.relative_to(root).parts))
    return sorted(root / name for name in listed.decode("utf-8").split("\0") if name)


def notebooks_with_outputs(root: Path) -> list[str]:
    """Paths (relative to ``root``) of notebooks whose code cells have outputs or run counts."""
    bad = []
    for path in notebooks(root):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            bad.append(f"{path.relative_to(root)} (unreadable: {exc})")
            continue
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        if any(c.get("outputs") or c.get("execution_count") for c in cells):
            bad.append(str(path.relative_to(root)))
    return bad


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    bad = notebooks_with_outputs(root)
    if bad:
        print(
            "Notebooks committed with outputs (strip them with nbstripout): " + ", ".join(bad),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

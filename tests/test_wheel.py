"""cocdata as a user gets it from a wheel: what it imports is declared, and it renders reports.

The wheel test builds the wheel from a copy of the sources, installs it into
a fresh virtual environment in a temporary folder and runs the quick start
there, from a folder outside the checkout and with no ``PYTHONPATH``: a
template read from the checkout instead of the package would fail it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cocdata"


def _requirement_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {_requirement_name(r) for r in requirements}


def _imported_modules(folder: Path) -> set[str]:
    """Top-level names of every module imported anywhere under ``folder`` (absolute imports)."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    """Third-party module name -> the distributions that install it (stdlib and cocdata left out)."""
    installed = importlib.metadata.packages_distributions()
    local = {"cocdata", "tests", "benchmarks", "__future__"}
    third_party = modules - set(sys.stdlib_module_names) - local
    return {m: {_requirement_name(d) for d in installed.get(m, [])} for m in third_party}


@pytest.mark.parametrize(
    ("folder", "extras"),
    [(PACKAGE, ()), (ROOT / "tests", ("test",))],
    ids=["package", "tests"],
)
def test_every_imported_library_is_declared(folder: Path, extras: tuple[str, ...]) -> None:
    declared = _declared(*extras)
    missing = {
        module: sorted(dists)
        for module, dists in _distributions(_imported_modules(folder)).items()
        if not dists & declared
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_dev_extra_holds_the_tests_and_the_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = {_requirement_name(r) for r in project["optional-dependencies"]["dev"]}
    assert "cocdata" in dev and any("[test]" in r for r in project["optional-dependencies"]["dev"])
    assert {"ruff", "pre-commit", "build"} <= dev
    assert not {"ruff", "pre-commit", "build"} & _declared("test")


def _copy_sources(to: Path) -> Path:
    """What the wheel is built from, copied, so that building leaves nothing in the checkout."""
    to.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, to / name)
    shutil.copytree(PACKAGE, to / "cocdata", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return to


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_the_wheel_renders_reports_outside_the_checkout(tmp_path: Path) -> None:
    sources = _copy_sources(tmp_path / "src")
    dist = tmp_path / "dist"
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PYTHONPATH" and not k.startswith(("COCDATA_", "VIRTUAL_ENV", "JUPYTER"))
    }
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(sources)],
        cwd=tmp_path,
        env=env,
    )
    (wheel,) = dist.glob("cocdata-*.whl")

    # The heavy libraries come from this Python; cocdata itself only from the wheel.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], tmp_path, env)
    bin_dir = venv / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env)

    work = tmp_path / "work"
    (work / "home").mkdir(parents=True)
    env |= {
        "HOME": str(work / "home"),
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "COCDATA_STORE": str(work / "store"),
        # nbconvert's own templates are data files of this Python, which a venv
        # sharing its site-packages does not look in by itself.
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    }
    where = _run(
        [
            str(bin_dir / "python"),
            "-c",
            "import cocdata, cocdata.reports.notebooks as n; print(cocdata.__file__); print(n.TEMPLATES)",
        ],
        work,
        env,
    ).split()
    site = (venv / "lib").resolve()
    for path in where:
        assert Path(path).resolve().is_relative_to(site), f"{path} is not from the wheel"
        assert not Path(path).resolve().is_relative_to(ROOT)

    cocdata = str(bin_dir / "cocdata")
    _run([cocdata, "demo", "--events", "3"], work, env)
    _run([cocdata, "report", "case", "guide-example"], work, env)
    _run([cocdata, "report", "transparency", "--all"], work, env)

    case = work / "reports" / "cases" / "guide-example.html"
    assert "CONFIDENTIAL" in case.read_text(encoding="utf-8")
    transparency = work / "reports" / "transparency"
    index = (transparency / "index.html").read_text(encoding="utf-8")
    pages = sorted(transparency.glob("*/report.html"))
    # the three demo events, the three editions added to two series, and the guide
    # example's event
    assert len(pages) == 7, sorted(p.name for p in transparency.iterdir())
    for page in pages:
        assert page.parent.name in index

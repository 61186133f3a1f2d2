"""The package's import rules (ARCHITECTURE.md, "What each may import"), read from the source.

Every ``import`` a module runs counts, also one inside a function; an import
under ``if TYPE_CHECKING:`` names a type only and runs nothing, so it does
not. The test reads the files with ``ast`` and imports nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cocdata"

LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "cocdata",
        "errors",
        "vocab",
        "config",
        "names",
        "codenames",
        "fields",
        "model",
        "case_checks",
        "revisions",
        "tables",
        "frames",
        "settings",
        "examples",
        "synthetic",
        "synthetic_words",
        "jsonlines",
        "collector",
        "notebook_errors",
        "team/",
        "team/config",
        "team/identity",
        "team/accounts",
    ),
    "access": ("crypto/", "storeio", "team/permissions", "team/recusal"),
    "store": ("store/",),
    "analysis": ("analysis/", "charts/"),
    "services": (
        "accesslog",
        "retention",
        "people",
        "person_codes",
        "subject_access",
        "events",
        "summary",
        "exporting",
        "interchange",
        "handoff/",
        "team/admin",
    ),
    "forms": ("forms/",),
    "reports": ("reports/", "analysis_widgets", "demo"),
    "hub": ("hub/",),
    "cli": ("cli/",),
}
"""Each layer's modules and folders (a folder ends in /; a module of a folder named on its
own, like team/admin, has a layer of its own), in the order the data flows."""

BELOW = ("foundation", "access", "store", "analysis", "services")
MAY_IMPORT: dict[str, set[str]] = {
    "foundation": {"foundation"},
    "access": {"foundation", "access"},
    "store": {"foundation", "access", "store"},
    "analysis": {"foundation", "access", "store", "analysis"},
    "services": set(BELOW),
    "forms": {*BELOW, "forms"},
    "reports": {*BELOW, "reports"},
    "hub": {*BELOW, "forms", "hub"},
    "cli": set(LAYERS),
}
"""What each layer may import: itself and the layers it is built on; forms and reports
are built side by side and neither imports the other; nothing but the command line
imports ``cli/``."""

EXCEPTIONS: dict[tuple[str, str], str] = {
    ("forms/forwarding.py", "cocdata.reports.forward"): (
        "the case view's Forward renders the redacted report, imported when clicked"
    ),
    ("hub/kernels.py", "cocdata.reports.forkclient"): (
        "a member's kernels are forked by the report engine's fork server: imported when "
        "the first kernel starts"
    ),
    ("team/permissions.py", "cocdata.accesslog"): (
        "a refusal is logged through the store, which asks permissions first: "
        "imported inside the function"
    ),
}
"""The few imports across the layers, each with why (ARCHITECTURE.md names them too)."""

LAYER_OF = {unit: layer for layer, units in LAYERS.items() for unit in units}


def unit_of(module: str) -> str | None:
    """The module or folder of ``cocdata`` a dotted module name belongs to."""
    parts = module.split(".")
    if parts[0] != "cocdata":
        return None
    if len(parts) == 1:
        return "cocdata"
    if len(parts) > 2 and f"{parts[1]}/{parts[2]}" in LAYER_OF:
        return f"{parts[1]}/{parts[2]}"
    return parts[1] + "/" if (PACKAGE / parts[1]).is_dir() else parts[1]


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, module)`` of every import that runs, skipping ``if TYPE_CHECKING:`` blocks."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # from cocdata import store; from cocdata.team import permissions: the modules
            names = [f"{node.module}.{a.name}" for a in node.names]
            modules = [n for n in names if _is_module(n)]
            found.extend((node.lineno, m) for m in modules or [node.module])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _own_unit(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    if len(rel.parts) > 1:
        alone = f"{rel.parts[0]}/{Path(rel.parts[1]).stem}"
        return alone if alone in LAYER_OF else rel.parts[0] + "/"
    return "cocdata" if rel.stem == "__init__" else rel.stem


def test_every_module_has_a_layer():
    units = {_own_unit(p) for p in _modules()}
    assert units - set(LAYER_OF) == set(), "add the new module or folder to LAYERS"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path):
    own = _own_unit(path)
    layer = LAYER_OF[own]
    wrong = []
    for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        target = unit_of(module)
        if target is None or target == own:
            continue
        if (str(path.relative_to(PACKAGE)), module) in EXCEPTIONS:
            continue
        if LAYER_OF.get(target) not in MAY_IMPORT[layer]:
            wrong.append(f"line {line}: {module} ({LAYER_OF.get(target)})")
    assert not wrong, f"{own} ({layer}) may import only {sorted(MAY_IMPORT[layer])}: {wrong}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import cocdata.cli", ["cocdata.cli"]),
        ("from cocdata import store, crypto", ["cocdata.store", "cocdata.crypto"]),
        ("from cocdata.store import Store, files", ["cocdata.store.files"]),
        ("from cocdata.store import Store", ["cocdata.store"]),
        ("def f():\n    from cocdata.reports import present", ["cocdata.reports.present"]),
        ("if TYPE_CHECKING:\n    from cocdata.retention import X", []),
        ("if typing.TYPE_CHECKING:\n    import cocdata.forms", []),
        ("from . import sibling", []),
    ],
)
def test_the_reader_sees_the_imports_that_run(source, expected):
    assert [m for _, m in _runtime_imports(ast.parse(source))] == expected


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("store", "forms"),
        ("store", "reports"),
        ("analysis", "forms"),
        ("analysis", "reports"),
        ("analysis", "cli"),
        ("forms", "reports"),
        ("reports", "forms"),
        ("services", "cli"),
        ("foundation", "store"),
    ],
)
def test_the_rules_forbid_what_architecture_says(importer, imported):
    assert imported not in MAY_IMPORT[importer]

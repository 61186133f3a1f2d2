"""The store's seams: one cache forgotten at once, and no private name used outside it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cocdata.store import Store
from cocdata.store.cache import Cache
from tests.helpers import new_case

ROOT = Path(__file__).resolve().parents[2]


def _outside_sources() -> list[Path]:
    files = [*(ROOT / "cocdata").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    return [p for p in files if not p.is_relative_to(ROOT / "cocdata" / "store")]


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name | ast.Attribute)
            and "store" in ast.unparse(node.value).lower()
        ):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cocdata.store"):
            found += [
                f"{path.name}:{node.lineno}: {a.name}" for a in node.names if a.name.startswith("_")
            ]
    return found


@pytest.mark.parametrize("path", _outside_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outside_the_store_uses_a_private_name_of_it(path):
    assert _private_uses(path) == []


def test_the_guard_sees_a_private_use(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from cocdata.store import _dedupe\nstore._write_table('x', t)\n")
    assert len(_private_uses(sample)) == 2


def test_every_cached_thing_is_forgotten_at_once(tmp_path):
    store = Store.init(tmp_path / "s")
    store.save(new_case(), by="Ann")
    store.save(new_case(description="another"), by="Ann")
    store.events(), store.case_ids(), store.load_all()
    cache = store.cache
    assert cache.heads and cache.known_files and cache.events and cache.rows
    store.invalidate()
    assert cache == Cache()


def test_compact_leaves_no_stale_cache(tmp_path):
    store = Store.init(tmp_path / "s")
    first = store.save(new_case(), by="Ann")
    store.save(new_case(description="another"), by="Ann")
    store.case_ids(), store.events()
    store.compact()
    assert store.cache == Cache()
    [name] = store.list_files("cases")
    assert store.get(first.case_id) == first
    assert store.cache.known_files == {name}

"""Random and mutated interchange lines: a message and nothing written, or a clean import.

Each example starts from lines exported from synthetic cases, then changes
types, values, lengths or the bytes of the encoding. Whatever comes out, the
import either raises a ``CocdataError`` with a message and leaves the store's
files as they were, or imports cleanly into a store that ``verify`` accepts.
A few examples go through ``python -m cocdata.cli import`` as well: a message
and a non-zero exit, or success; never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cocdata import interchange, synthetic
from cocdata.errors import CocdataError
from cocdata.store import Store

ROOT = Path(__file__).resolve().parent.parent


@cache
def base_lines() -> tuple[str, ...]:
    """Exported lines of a few synthetic cases (with their revisions)."""
    import tempfile

    _, cases = synthetic.generate(seed=5)
    store = Store.init(Path(tempfile.mkdtemp(prefix="fuzz-base-")) / "store")
    store.save_many([(c, None) for c in cases[:8]], by="Fuzz")
    out = io.StringIO()
    interchange.write_export(store, out, by="Fuzz")
    return tuple(out.getvalue().splitlines())


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, 1700000000]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "2000-12-29T09:00", "2000-12-29T09:00+02:00", "0001-01-01", "verbal", "a" * 300]
    ),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


SENSITIVE = {"made_at", "at", "start", "end", "added_at", "attendees", "size", "case_id", "id"}
"""Keys whose values once ended in a traceback or a false alarm: times, numbers, ids."""

sensitive_value = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2**31, 2**63, 10**30, 1700000000, 1.5, 1e300, True, False]),
    st.sampled_from(["2000-12-29T09:00", "0001-01-01", "9999-12-31T23:59:59", "2000-12-29"]),
    st.text(st.sampled_from("abc-0"), min_size=1, max_size=200),
    st.integers(1, 300).map(lambda n: "a" * n),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside the parsed line."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _set(node: Any, path: tuple, value: Any, delete: bool = False) -> None:
    *parents, last = path
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value


@st.composite
def mutated_line(draw) -> bytes:
    """One or more lines: valid exported ones, with values, keys, lengths or bytes changed."""
    data = json.loads(draw(st.sampled_from(base_lines())))
    if draw(st.booleans()):
        # A plausible edit, so that clean imports (and their verify) get their share.
        data["description"] = draw(st.text(max_size=200))
        data["case_id"] = draw(st.sampled_from([data["case_id"], None]))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        kind = draw(
            st.sampled_from(
                ["sensitive"] * 4 + ["replace", "delete", "add", "lengthen", "revision", "id"]
            )
        )
        try:
            if kind == "sensitive":
                chosen = [p for p in paths if p and p[-1] in SENSITIVE]
                _set(data, draw(st.sampled_from(chosen)), draw(sensitive_value))
            elif kind == "replace":
                _set(data, path, draw(json_value))
            elif kind == "delete":
                _set(data, path, None, delete=True)
            elif kind == "add":
                data[draw(st.text(min_size=1, max_size=10))] = draw(json_value)
            elif kind == "lengthen":
                _set(data, path, "x" * draw(st.sampled_from([65, 1000, 100_000])))
            elif kind == "revision":
                data["revision"] = draw(st.one_of(json_leaf, st.integers(1, 5)))
            else:
                data[draw(st.sampled_from(["case_id", "event"]))] = draw(json_value)
        except (KeyError, IndexError, TypeError):
            pass  # the path went away with an earlier change
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    raw = text.encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "bom", "latin-1", "utf-16", "bytes", "cut"]))
    if encoding == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif encoding == "latin-1":
        raw = text.encode("latin-1", "replace")
    elif encoding == "utf-16":
        raw = text.encode("utf-16", "surrogatepass")
    elif encoding == "bytes":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    elif encoding == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    extra = draw(st.lists(st.sampled_from(base_lines()), max_size=2))
    return b"\n".join([raw, *(e.encode() for e in extra)]) + b"\n"


def _files(store: Store) -> dict[str, int]:
    return {
        str(p.relative_to(store.root)): p.stat().st_size
        for p in store.root.rglob("*")
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory) -> Store:
    store = Store.init(tmp_path_factory.mktemp("fuzz") / "store")
    interchange.import_lines([line + "\n" for line in base_lines()], store, by="Fuzz")
    return store


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mutated_line(), update=st.booleans())
def test_mutated_lines_give_a_message_and_write_nothing_or_import_cleanly(
    fuzz_store, tmp_path_factory, raw, update
):
    path = tmp_path_factory.mktemp("line") / "in.jsonl"
    path.write_bytes(raw)
    before = _files(fuzz_store)
    try:
        interchange.import_file(path, fuzz_store, by="Fuzz", update=update)
    except CocdataError as exc:
        event("refused")
        assert str(exc).strip()
        assert _files(fuzz_store) == before
        return
    event("imported")
    report = fuzz_store.verify(quarantine=False)
    assert report.ok, report


def _changed(which: int, path: tuple, value: Any) -> bytes:
    data = json.loads(base_lines()[which])
    _set(data, path, value)
    return json.dumps(data).encode() + b"\n"


SUBPROCESS_CASES = {
    "not-an-event": lambda: b'{"case_id": "x", "event": 1}\n',
    "numeric-time": lambda: _changed(0, ("report", "made_at"), 1700000000),
    "bom": lambda: b"\xef\xbb\xbf" + base_lines()[1].encode() + b"\n",
    "surrogate-and-utf-16": lambda: b'{"a": "\\ud800"}\n\xff\xfe\n',
    "huge-number": lambda: _changed(2, ("event", "attendees"), 10**30),
    "huge-size": lambda: _changed(
        3, ("evidence",), [{"name": "a", "size": 2**63, "sha256": "ab" * 32}]
    ),
    "long-id": lambda: _changed(4, ("case_id",), "a" * 10_000),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SUBPROCESS_CASES))
def test_the_command_line_answers_a_mutated_file_with_a_message_or_success(tmp_path, name):
    path = tmp_path / "in.jsonl"
    path.write_bytes(SUBPROCESS_CASES[name]())
    env = {
        **os.environ,
        "COCDATA_STORE": str(tmp_path / "store"),
        "COCDATA_MEMBER": "Fuzz",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 0:
        assert Store.open(tmp_path / "store").verify(quarantine=False).ok
    else:
        assert "nothing was saved" in proc.stderr

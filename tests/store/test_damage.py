"""A damaged store file stops every reader with CorruptStore (exit code 7) and what to do;
``verify`` sets it aside, after which the rest of the store reads again."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cocdata import retention
from cocdata.errors import CorruptStore, exit_code_of
from cocdata.store import Store
from tests.cli.running import run_main
from tests.helpers import new_case


def _truncated(raw: bytes, path: Path) -> None:
    path.write_bytes(raw[: len(raw) // 2])


def _zero_bytes(raw: bytes, path: Path) -> None:
    path.write_bytes(b"")


def _random_bytes(raw: bytes, path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(len(raw)))


def _garbled_footer(raw: bytes, path: Path) -> None:
    # Parquet's end marker stays; the length of the footer before it is noise.
    path.write_bytes(raw[:-8] + random.Random(8).randbytes(4) + raw[-4:])


def _wrong_schema(raw: bytes, path: Path) -> None:
    pq.write_table(pa.table({"notes": ["a parquet file, but not a case file"]}), path)


DAMAGES = {
    "truncated": _truncated,
    "zero bytes": _zero_bytes,
    "random bytes": _random_bytes,
    "garbled footer": _garbled_footer,
    "wrong schema": _wrong_schema,
}

READERS = {
    "case ids": lambda s, cid: s.case_ids(),
    "one case": lambda s, cid: s.get(cid),
    "history": lambda s, cid: s.history(cid, since=0),
    "frames": lambda s, cid: s.frames(),
    "all cases": lambda s, cid: s.load_all(),
    "revision rows": lambda s, cid: s.rows_of([cid]),
    "a new save": lambda s, cid: s.save(new_case(), by="member"),
}


@pytest.fixture
def damaged_store(tmp_path, request) -> tuple[Store, str, Path]:
    """A store of three cases, one file per save, whose middle file is damaged as asked."""
    store = Store.init(tmp_path / "store")
    ids = [store.save(new_case(), by="member").case_id for _ in range(3)]
    victim = sorted((store.root / "cases").glob("*.parquet"))[1]
    DAMAGES[request.param](victim.read_bytes(), victim)
    return store, ids[0], victim


@pytest.mark.parametrize("damaged_store", DAMAGES, indirect=True)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_stops_at_a_damaged_case_file(damaged_store, reader):
    store, case_id, victim = damaged_store
    with pytest.raises(CorruptStore) as err:
        READERS[reader](Store.open(store.root), case_id)
    assert f"cases/{victim.name} is damaged" in err.value.message
    assert "cocdata verify" in (err.value.hint or "")
    assert exit_code_of(type(err.value)) == 7


@pytest.mark.parametrize("damaged_store", DAMAGES, indirect=True)
def test_verify_sets_the_damaged_file_aside_and_the_rest_reads_again(damaged_store):
    store, _, victim = damaged_store
    report = Store.open(store.root).verify()
    assert report.quarantined == [f"cases/{victim.name}"]
    assert any(victim.name in p for p in report.problems)
    reopened = Store.open(store.root)
    assert len(reopened.case_ids()) == 2
    assert len(reopened.frames().cases) == 2
    reopened.save(new_case(), by="member")


@pytest.mark.parametrize("damaged_store", ["truncated"], indirect=True)
def test_compact_and_expunge_refuse_a_damaged_case_file_with_exit_code_7(damaged_store):
    store, case_id, _ = damaged_store
    before = sorted(os.listdir(store.root / "cases"))
    with pytest.raises(CorruptStore, match="nothing was compacted"):
        Store.open(store.root).compact()
    with pytest.raises(CorruptStore, match="nothing was expunged"):
        retention.expunge(Store.open(store.root), case_ids=[case_id])
    assert sorted(os.listdir(store.root / "cases")) == before


def test_a_damaged_event_file_stops_the_reader(tmp_path):
    store = Store.init(tmp_path / "store")
    case_id = store.save(new_case(), by="member").case_id
    event_file = sorted((store.root / "events").glob("*.parquet"))[0]
    _truncated(event_file.read_bytes(), event_file)
    with pytest.raises(CorruptStore, match=f"events/{event_file.name} is damaged"):
        Store.open(store.root).get(case_id)


@pytest.mark.parametrize("damaged_store", ["random bytes"], indirect=True)
def test_the_command_line_says_what_to_do_and_exits_7(damaged_store, tmp_path):
    store, _, victim = damaged_store
    env = {**os.environ, "COCDATA_STORE": str(store.root)}
    done = run_main("cases", env=env, cwd=tmp_path)
    assert done.returncode == 7, done.stderr
    assert f"cases/{victim.name} is damaged" in done.stderr
    assert "cocdata verify" in done.stderr
    assert "Traceback" not in done.stderr

"""storeio: plain files stay plain, encrypted ones read only with the key, by what each says."""

from __future__ import annotations

import pyarrow as pa
import pytest

from cocdata import crypto, storeio
from cocdata.errors import LockedStore
from cocdata.tables import READABLE_COLUMNS


@pytest.fixture
def root(tmp_path):
    (tmp_path / "cocdata.toml").write_text("[store]\nformat = 1\n")
    for folder in ("cases", "events", "drafts", "blobs", "quarantine"):
        (tmp_path / folder).mkdir()
    yield tmp_path
    crypto.forget_all()


@pytest.fixture
def key():
    key = crypto.StoreKey.new()
    crypto.remember(key)
    return key


TABLE = pa.table({"case_id": ["a", "b", "b"], "rev": [1, 1, 2], "identity": ["Ann", "Bo", "Bo2"]})


def test_a_plain_table_reads_back_and_is_not_sealed(root):
    path = root / "cases" / "x.parquet"
    storeio.write_parquet(str(path), TABLE, None, "cases")
    assert storeio.read_table(path).equals(TABLE)
    assert storeio.sealing(storeio.open_parquet(path))[0] is None


def test_an_encrypted_table_keeps_statistics_readable_without_the_key(root, key):
    path = root / "cases" / "x.parquet"
    storeio.write_parquet(str(path), TABLE, key, "cases")
    assert b"Ann" not in path.read_bytes()
    assert storeio.read_table(path).equals(TABLE)
    key_id, sealed = storeio.sealing(storeio.open_parquet(path))
    assert key_id == key.key_id and sealed == {"identity"}
    crypto.forget_all()
    assert storeio.read_table(path, ["case_id", "rev"]).num_rows == 3
    with pytest.raises(LockedStore):
        storeio.read_table(path, ["identity"])


def test_rows_of_one_case(root):
    path = root / "cases" / "x.parquet"
    storeio.write_parquet(str(path), TABLE, None, "cases", row_group_size=1)
    rows = storeio.read_case_rows(path, "b", ["case_id", "rev"])
    assert rows.to_pylist() == [{"case_id": "b", "rev": 1}, {"case_id": "b", "rev": 2}]


@pytest.mark.parametrize(
    "folder, expected", [("cases", READABLE_COLUMNS["cases"]), ("people", frozenset())]
)
def test_readable_columns_by_folder(folder, expected):
    assert storeio.readable_columns(folder) == expected


def test_sealed_bytes_are_bound_to_their_place(root, key):
    draft, other = root / "drafts" / "a.json", root / "drafts" / "b.json"
    sealed = storeio.seal(b"Ann's draft", key, root, draft)
    assert b"Ann" not in sealed
    assert storeio.unseal(sealed, root, draft) == b"Ann's draft"
    assert storeio.try_unseal(sealed, root, other) is None  # moved elsewhere: refused
    assert storeio.seal(b"plain", None, root, draft) == b"plain"
    assert storeio.unseal(b"plain", root, draft) == b"plain"


def test_evidence_is_bound_to_its_digest_not_its_fan_out_folder(root):
    assert storeio.context(root, root / "blobs" / "ab" / "abcdef") == "blobs/abcdef"
    assert storeio.context(root, root / "drafts" / "x.json") == "drafts/x.json"


def test_exposed_files(root, key):
    plain_case, sealed_case = root / "cases" / "p.parquet", root / "cases" / "s.parquet"
    storeio.write_parquet(str(plain_case), TABLE, None, "cases")
    storeio.write_parquet(str(sealed_case), TABLE, key, "cases")
    events = root / "events" / "e.parquet"
    storeio.write_parquet(str(events), pa.table({"id": ["ev"]}), None, "events")
    draft = root / "drafts" / "d.json"
    draft.write_bytes(b"{}")
    assert storeio.exposed(root, plain_case) and storeio.exposed(root, draft)
    assert not storeio.exposed(root, sealed_case)
    assert not storeio.exposed(root, events)  # nothing in it is ever encrypted
    draft.write_bytes(storeio.seal(b"{}", key, root, draft))
    assert not storeio.exposed(root, draft)

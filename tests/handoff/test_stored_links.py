"""Received pseudonyms are kept on people; stores written before they existed still read."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from cocdata.examples import GUIDE_CASE_ID, guide_example
from cocdata.revisions import revision_hash
from cocdata.store import Store
from cocdata.tables import CASE_SCHEMA, IDENTITY_TYPE, STR, row_meta
from tests.helpers import make_store

OLD_IDENTITY = pa.struct(
    [
        f if f.name != "people" else pa.field("people", pa.list_(pa.struct([("name", STR), ("contact", STR)])))
        for f in IDENTITY_TYPE
    ]
)  # fmt: skip
OLD_SCHEMA = pa.schema(
    [f if f.name != "identity" else pa.field("identity", OLD_IDENTITY) for f in CASE_SCHEMA]
)


def test_a_store_file_without_links_reads_and_verifies(tmp_path):
    store = make_store("plain", tmp_path / "old")
    store.save(guide_example(), by="m")
    (path,) = (store.root / "cases").glob("*.parquet")
    rows = pq.read_table(path).to_pylist()
    for row in rows:
        for person in row["identity"]["people"]:
            del person["links"]
    pq.write_table(pa.Table.from_pylist(rows, schema=OLD_SCHEMA), path)

    reopened = Store.open(store.root, create=False)
    case = reopened.get(GUIDE_CASE_ID).case
    assert [p.links for p in case.people] == [[], [], []]
    assert reopened.verify(quarantine=False).ok
    assert len(reopened.frames().people) == 3
    # An old revision's hash still holds: empty links are not hashed.
    stored = reopened.get(GUIDE_CASE_ID)
    meta = row_meta({**rows[0], "changes": rows[0]["changes"]})
    assert revision_hash(case, meta) == stored.hash
    # A new revision with links is written beside the old file and both read together.
    people = [p.model_copy(update={"links": ["ab" * 32]}) for p in case.people]
    reopened.save(case.model_copy(update={"people": people}), by="m", base_rev=1)
    again = Store.open(store.root, create=False)
    assert again.get(GUIDE_CASE_ID).case.people[0].links == ["ab" * 32]
    assert again.verify(quarantine=False).ok

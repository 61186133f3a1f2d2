"""tables: a case as a row and back, and the flat frames made of the rows."""

from __future__ import annotations

import pyarrow as pa
import pytest

from cocdata.revisions import is_expunged, revision_hash
from cocdata.tables import (
    CASE_SCHEMA,
    EVENT_SCHEMA,
    KEY_COLUMNS,
    case_row,
    event_row,
    frames_from,
    row_case,
    row_meta,
)
from tests.helpers import AT, meta_of, new_case, through_parquet


@pytest.fixture
def case():
    return new_case().model_copy(update={"case_id": "amber-falcon"})


def test_a_case_goes_through_a_row_unchanged(case):
    meta = meta_of(case)
    row = through_parquet(case_row(case, meta))
    assert row_case(row, case.event) == case
    assert row_meta(row) == meta
    assert revision_hash(row_case(row, case.event), row_meta(row)) == meta.hash
    assert not is_expunged(row)


def test_frames_flatten_the_newest_revision(case):
    first = case_row(case, meta_of(case))
    second_case = case.model_copy(update={"description": "second"})
    second = case_row(second_case, meta_of(second_case, 2, first["hash"], ("description",)))
    rows = pa.Table.from_pylist([first, second], schema=CASE_SCHEMA)
    events = pa.Table.from_pylist([event_row(case.event, AT, "Ann")], schema=EVENT_SCHEMA)
    heads = rows.slice(1)
    frames = frames_from(heads, rows.select(KEY_COLUMNS), events)
    assert frames.cases["case_id"].tolist() == ["amber-falcon"]
    assert frames.cases["rev"].tolist() == [2]
    assert len(frames.revisions) == 2
    assert set(frames.people["case_id"]) == {"amber-falcon"}
    assert len(frames.people) == len(case.people)
    assert frames.events["id"].tolist() == [case.event.id]

"""tables: a case as a row and back, revision hashes, what changed, flat frames."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from cocdata.tables import (
    CASE_SCHEMA,
    EVENT_SCHEMA,
    KEY_COLUMNS,
    RevisionMeta,
    case_row,
    changed_fields,
    event_row,
    expunged_hash,
    frames_from,
    is_expunged,
    revision_hash,
    row_case,
    row_meta,
)
from tests.helpers import new_case

AT = dt.datetime(2026, 1, 2, 3, 4, 5, 6000)


def _meta(case, rev=1, prev="0" * 64, changes=("created",)) -> RevisionMeta:
    meta = RevisionMeta(
        case_id=case.case_id, rev=rev, prev_hash=prev, saved_at=AT, saved_by="Ann", changes=changes
    )
    return RevisionMeta(**{**meta.__dict__, "hash": revision_hash(case, meta)})


@pytest.fixture
def case():
    return new_case().model_copy(update={"case_id": "amber-falcon"})


def _through_parquet(row):
    return pa.Table.from_pylist([row], schema=CASE_SCHEMA).to_pylist()[0]


def test_a_case_goes_through_a_row_unchanged(case):
    meta = _meta(case)
    row = _through_parquet(case_row(case, meta))
    assert row_case(row, case.event) == case
    assert row_meta(row) == meta
    assert revision_hash(row_case(row, case.event), row_meta(row)) == meta.hash
    assert not is_expunged(row)


def test_the_hash_covers_the_record_and_the_chain(case):
    meta = _meta(case)
    edited = case.model_copy(update={"description": "something else"})
    assert revision_hash(edited, meta) != meta.hash
    assert revision_hash(case, RevisionMeta(**{**meta.__dict__, "prev_hash": "1" * 64})) != (
        meta.hash
    )


@pytest.mark.parametrize(
    "update, expected",
    [
        ({"description": "changed"}, "description"),
        ({"status": "investigating"}, "status"),
        ({"safety_risk": True}, "safety_risk"),
    ],
)
def test_changed_fields_name_what_changed(case, update, expected):
    assert changed_fields(None, case) == ["created"]
    assert expected in changed_fields(case, case.model_copy(update=update))
    assert changed_fields(case, case) == []


def test_an_expunged_row_has_no_identity_and_its_own_hash(case):
    row = _through_parquet({**case_row(case, _meta(case)), "identity": None})
    assert is_expunged(row)
    digest = expunged_hash(row)
    assert digest == expunged_hash(dict(row)) and len(digest) == 64
    assert expunged_hash({**row, "status": "open"}) != digest


def test_frames_flatten_the_newest_revision(case):
    first = case_row(case, _meta(case))
    second_case = case.model_copy(update={"description": "second"})
    second = case_row(second_case, _meta(second_case, 2, first["hash"], ("description",)))
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

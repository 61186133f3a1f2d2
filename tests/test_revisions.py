"""revisions: the hash chain of a case's revisions and what a save changed."""

from __future__ import annotations

import pytest

from cocdata.revisions import (
    RevisionMeta,
    changed_fields,
    expunged_hash,
    is_expunged,
    revision_hash,
)
from cocdata.tables import case_row
from tests.helpers import meta_of, new_case, through_parquet


@pytest.fixture
def case():
    return new_case().model_copy(update={"case_id": "amber-falcon"})


def test_the_hash_covers_the_record_and_the_chain(case):
    meta = meta_of(case)
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
    row = through_parquet({**case_row(case, meta_of(case)), "identity": None})
    assert is_expunged(row)
    digest = expunged_hash(row)
    assert digest == expunged_hash(dict(row)) and len(digest) == 64
    assert expunged_hash({**row, "status": "open"}) != digest

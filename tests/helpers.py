"""Small builders shared by tests: synthetic cases only, never real people."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa

from cocdata.examples import GUIDE_EXAMPLE
from cocdata.model import Case
from cocdata.revisions import RevisionMeta, revision_hash
from cocdata.store import Store
from cocdata.tables import CASE_SCHEMA


def guide_data(**changes: Any) -> dict[str, Any]:
    """The guide's example as interchange data, with dotted-path changes applied."""
    data = copy.deepcopy(GUIDE_EXAMPLE)
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return data


def new_case(**changes: Any) -> Case:
    """A valid case without an id (the store gives it a code name)."""
    data = guide_data(**changes)
    data["case_id"] = None
    return Case.model_validate(data)


def make_store(kind: str, path: Path) -> Store:
    """A new store, plain or encrypted (with a key file beside it, unlocked)."""
    from cocdata import crypto

    crypto.forget_all()
    if kind == "plain":
        return Store.init(path)
    return Store.init(path, encrypt=True, key_file=path.parent / f"{path.name}.key")


AT = dt.datetime(2026, 1, 2, 3, 4, 5, 6000)
"""When the revisions made by ``meta_of`` were saved."""


def meta_of(case: Case, rev=1, prev="0" * 64, changes=("created",)) -> RevisionMeta:
    """The metadata of a revision of ``case`` saved by Ann at ``AT``, with its hash."""
    meta = RevisionMeta(
        case_id=case.case_id, rev=rev, prev_hash=prev, saved_at=AT, saved_by="Ann", changes=changes
    )
    return RevisionMeta(**{**meta.__dict__, "hash": revision_hash(case, meta)})


def through_parquet(row: dict) -> dict:
    """A row as it comes back from a parquet file."""
    return pa.Table.from_pylist([row], schema=CASE_SCHEMA).to_pylist()[0]

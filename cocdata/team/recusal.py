"""What a recused member does not see: a case's identifying data, wherever it is read.

The store asks ``readable`` before it reads cases for someone: a recused
case is refused by ``Store.get`` (and so the case view, ``show``, ``export``
by id and the case report), left out of ``Store.load_all`` (the case list
and search of the forms, a whole export) and of the subject-access export,
and kept in ``Store.frames`` with its ``identity`` emptied, so it still
counts in every statistic. ``seeing_all`` lifts this inside the package for
work that shows nothing, such as the leak guard of a transparency report
looking for every name it must not print.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from cocdata.team.config import load_team
from cocdata.team.identity import current_member
from cocdata.team.permissions import require

if TYPE_CHECKING:
    from cocdata.store import Store

_all_seen: contextvars.ContextVar[bool] = contextvars.ContextVar("cocdata_all_seen", default=False)


@contextlib.contextmanager
def seeing_all() -> Iterator[None]:
    """Within this block nothing is hidden (for checks that show nothing of what they read)."""
    token = _all_seen.set(True)
    try:
        yield
    finally:
        _all_seen.reset(token)


def hidden(store: Store) -> set[str]:
    """The cases the acting member is recused from (after checking they may read at all)."""
    team = load_team(store.root)
    if team is None or _all_seen.get():
        return set()
    require(store, "read")
    member = current_member()
    return set() if member == "root" else team.recused(member)


def check_case(store: Store, case_id: str) -> None:
    """Refuse (logged) reading a case the acting member may not see."""
    if load_team(store.root) is not None and not _all_seen.get():
        require(store, "read", [case_id])


def blank(table: pa.Table, cases: set[str]) -> pa.Table:
    """Revision rows with the ``identity`` of ``cases`` emptied (everything else kept)."""
    if not cases or table.num_rows == 0 or "identity" not in table.column_names:
        return table
    mask = pc.is_in(table["case_id"], pa.array(sorted(cases), pa.string()))
    identity = table["identity"].combine_chunks()
    emptied = pc.if_else(mask, pa.nulls(len(identity), identity.type), identity)
    at = table.column_names.index("identity")
    return table.set_column(at, "identity", emptied)


def without(table: pa.Table, cases: set[str]) -> pa.Table:
    """Revision rows without those of ``cases``."""
    if not cases or table.num_rows == 0:
        return table
    keep = pc.invert(pc.is_in(table["case_id"], pa.array(sorted(cases), pa.string())))
    return table.filter(keep)


def draft_hidden(draft: dict, cases: set[str]) -> bool:
    """Whether a kept draft belongs to one of ``cases`` (by its case id or its draft id)."""
    if not cases:
        return False
    draft_id = str(draft.get("draft_id", ""))
    if (draft.get("data") or {}).get("case_id") in cases:
        return True
    return any(draft_id == f"case-{c}" or draft_id.startswith(f"case-{c}-") for c in cases)

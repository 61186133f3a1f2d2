"""Two stores in one test: event teams' stores and a foundation's, with a shared linkage key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocdata.handoff import linkage
from cocdata.handoff import package as packages
from cocdata.model import Case
from cocdata.store import Store
from tests.helpers import guide_data, make_store

DSF = "Django Software Foundation Code of Conduct"


@pytest.fixture
def key() -> linkage.LinkKey:
    return linkage.new_key()


@pytest.fixture
def foundation(tmp_path) -> Store:
    return make_store("plain", tmp_path / "dsf")


def team_case(case_id: str, organiser: str, people: list[dict], **changes) -> Case:
    """A case of an event team: the guide's example with other people and another organiser."""
    data = guide_data(**changes)
    data["case_id"] = case_id
    data["event"]["organiser"] = organiser
    data["people"] = people
    data["report"]["made_by"] = people[0]["name"]
    return Case.model_validate(data)


def package_file(
    store: Store,
    case_id: str,
    out: Path,
    key: linkage.LinkKey | None,
    to: str = DSF,
    left_out: frozenset[str] = frozenset(
        {"names", "contacts", "evidence", "history", "description", "timeline"}
    ),
) -> Path:
    """A package of the case's newest revision, as ``forward --package`` writes it."""
    stored = store.get(case_id)
    data = packages.build(stored.case, stored.rev, to, left_out, "Member T", key)
    return packages.write(data, out / f"{case_id}-r{stored.rev}{packages.SUFFIX}")

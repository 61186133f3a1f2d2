"""The analysis tests' stores: the hand-made one of ``cases.py`` and a synthetic one."""

from __future__ import annotations

import copy

import pytest

from cocdata.examples import GUIDE_EXAMPLE
from cocdata.model import Case, Event
from cocdata.store import Store
from cocdata.tables import Frames
from tests.analysis.cases import ALPHA, BETA, CASE_FOUR, CASE_ONE, CASE_THREE, CASE_TWO, GAMMA


# No test changes the frames (test_analysis_api checks it), so one store serves them all.
@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("analysis") / "store")
    for event in (ALPHA, BETA, GAMMA):
        store.save_event(Event.model_validate(event), by="tester")
    store.save_many([(c, None) for c in (CASE_ONE, CASE_TWO, CASE_THREE, CASE_FOUR)], by="tester")
    guide = copy.deepcopy(GUIDE_EXAMPLE)
    guide["status"] = "new"
    first = store.save(Case.model_validate(guide), by="tester")
    store.save(first.case.model_copy(update={"status": "closed"}), by="tester", base_rev=first.rev)
    return store


@pytest.fixture(scope="session")
def frames(store: Store) -> Frames:
    return store.frames()


@pytest.fixture(scope="session")
def synthetic_frames(tmp_path_factory: pytest.TempPathFactory) -> Frames:
    from cocdata import synthetic

    opened = Store.init(tmp_path_factory.mktemp("synthetic") / "store")
    _, cases = synthetic.generate(seed=3, n_events=6)
    opened.save_many([(c, None) for c in cases], by="synthetic")
    return opened.frames()

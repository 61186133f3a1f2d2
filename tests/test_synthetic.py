import pytest

from cocdata import synthetic, vocab
from cocdata.case_checks import check_case
from cocdata.demo import build_demo
from cocdata.store import Store

VOCAB = vocab.default()


def test_same_seed_same_data():
    assert synthetic.generate(seed=3)[1] == synthetic.generate(seed=3)[1]
    assert synthetic.generate(seed=3)[1] != synthetic.generate(seed=4)[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_demo_sized_data_is_valid_and_realistic(seed):
    events, cases = synthetic.generate(seed=seed)
    assert 12 <= len(events) <= 13 and 60 <= len(cases) <= 150
    assert all(check_case(c, VOCAB) == [] for c in cases)
    assert cases[0].case_id == "guide-example"
    years = {e.start.year for e in events if e.id != "djangocon-2000"}
    assert len(years) == 3
    assert len({c.categories[0] for c in cases}) >= 8
    assert len({c.occurred.space for c in cases}) >= 5
    assert len({c.report.channel for c in cases}) >= 4
    assert any(c.report.anonymous for c in cases)
    assert any(c.occurred.at is None for c in cases)
    reported = [p.person for c in cases for p in c.people if p.role == "reported"]
    repeats = {code for code in reported if reported.count(code) > 1}
    events_of = {
        code: {c.event.id for c in cases for p in c.people if p.person == code} for code in repeats
    }
    assert any(len(evs) > 1 for evs in events_of.values()), "someone is reported at two events"


def test_demo_store_builds_and_verifies(tmp_path):
    message = build_demo(tmp_path / "demo")
    assert "Demo store ready" in message
    store = Store.open(tmp_path / "demo")
    assert "guide-example" in store.case_ids()
    assert store.verify().ok
    assert "ready" in build_demo(tmp_path / "demo")

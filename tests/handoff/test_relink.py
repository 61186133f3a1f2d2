"""A person the foundation enters after a receipt is linked to the received person they are."""

from __future__ import annotations

import pytest

from cocdata.analysis.repeats import repeat_people
from cocdata.handoff import linkage
from cocdata.handoff.receive import receive
from cocdata.handoff.relink import link_people
from cocdata.summary import case_table
from tests.handoff.conftest import DSF, package_file, team_case
from tests.handoff.test_receive import JOSE, OTHER, reporter
from tests.helpers import make_store

JOSE_HERE = {"name": "jose nunez", "contact": "JOSE@example.org", "role": "reported"}


def _codes(store, role: str = "reported") -> dict[str, str]:
    people = store.frames().people
    rows = people[people["role"] == role]
    return dict(zip(rows["case_id"], rows["person"], strict=True))


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_person_entered_after_a_receipt_gets_the_received_code(tmp_path, key, kind):
    team = make_store("plain", tmp_path / "team")
    team.save(team_case("amber-falcon", "Django* conference organisers", [reporter(1), JOSE]))
    package = package_file(team, "amber-falcon", tmp_path / "out", key)
    foundation = make_store(kind, tmp_path / "dsf")
    (got,) = receive(foundation, [package], DSF, key, by="DSF member").received
    received_code = _codes(foundation)[got.case_id]
    # The foundation's own report about the same person, and one about someone else.
    mine = foundation.save(
        team_case("dsf-own", "DSF", [reporter(7), JOSE_HERE], event__id="dsf-2001"), by="DSF member"
    )
    other = foundation.save(
        team_case("dsf-other", "DSF", [reporter(8), OTHER], event__id="dsf-2001"), by="DSF member"
    )
    assert _codes(foundation)[mine.case_id] != received_code, "names alone cannot link them"

    assert link_people(foundation, linkage.new_key(), by="DSF member") == [], "wrong key: nothing"
    (done,) = link_people(foundation, key, by="DSF member")
    assert (done.received, done.cases) == (received_code, (mine.case_id,))
    codes = _codes(foundation)
    assert codes[mine.case_id] == codes[got.case_id] == received_code
    assert codes[other.case_id] != received_code
    assert mine.case_id in case_table(foundation, person=received_code)
    repeats = repeat_people(foundation.frames(), foundation.vocab)
    assert repeats[repeats["person"] == received_code].iloc[0]["cases"] == 2
    assert link_people(foundation, key) == [], "linking again changes nothing"
    assert foundation.head_rev(other.case_id) == 1

"""Receipts: written by the receiving body, checked and recorded once by the sending team."""

from __future__ import annotations

import json

import pytest

from cocdata.examples import GUIDE_CASE_ID, guide_example
from cocdata.handoff import receipts
from cocdata.handoff.receive import receive
from cocdata.reports.forward import forward
from tests.handoff.conftest import DSF
from tests.helpers import make_store


@pytest.fixture
def received(tmp_path, foundation, key):
    team = make_store("plain", tmp_path / "team")
    team.save(guide_example(), by="m")
    done = forward(
        team, GUIDE_CASE_ID, DSF, formats=(), out_dir=tmp_path / "out", by="Member A",
        package=True, link_key=key,
    )  # fmt: skip
    report = receive(foundation, [done.package], DSF, key, by="DSF member")
    (path,) = receipts.write_receipts(report.received, tmp_path / "receipt.json", by="DSF member")
    return team, path


def test_a_receipt_is_recorded_on_the_case_once(received):
    team, path = received
    receipt, saved = receipts.record_receipt(team, path, by="Member A")
    assert (receipt.recipient, receipt.rev, receipt.outcome) == (DSF, 1, "imported")
    assert saved is not None and saved.rev == 3
    entry = saved.case.timeline[-1]
    assert entry.text.startswith(
        f"Receipt from {DSF}: revision 1 of this case received by DSF member"
    )
    assert receipts.record_receipt(team, path)[1] is None
    assert team.head_rev(GUIDE_CASE_ID) == 3


def test_a_changed_receipt_is_refused(received):
    team, path = received
    data = json.loads(path.read_text())
    data["content"]["rev"] = 7
    path.write_text(json.dumps(data))
    with pytest.raises(receipts.ReceiptError, match="changed after it was made"):
        receipts.record_receipt(team, path)
    assert team.head_rev(GUIDE_CASE_ID) == 2


def test_a_receipt_for_a_package_the_case_did_not_send_is_refused(received, tmp_path):
    _team, path = received
    elsewhere = make_store("plain", tmp_path / "elsewhere")
    elsewhere.save(guide_example(), by="m")
    with pytest.raises(receipts.ReceiptError, match="did not forward the package"):
        receipts.record_receipt(elsewhere, path)
    assert elsewhere.head_rev(GUIDE_CASE_ID) == 1


@pytest.mark.parametrize("content", [b"", b"not json", b'{"format": "cocdata-case-package"}'])
def test_a_file_that_is_not_a_receipt_is_refused(received, tmp_path, content):
    team, _ = received
    path = tmp_path / "other.json"
    path.write_bytes(content)
    with pytest.raises(receipts.ReceiptError, match="nothing was recorded"):
        receipts.record_receipt(team, path)

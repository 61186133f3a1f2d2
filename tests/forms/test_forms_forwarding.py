"""The case view's "Forward to…" tab: the same forward as the command line, files owner-only."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from cocdata import accesslog
from cocdata.forms.casework import CaseWorkspace
from cocdata.handoff import linkage, receipts
from cocdata.handoff.package import SUFFIX
from cocdata.handoff.receive import receive
from cocdata.store import Store, StoredCase

Workspace = Callable[..., CaseWorkspace]
DSF = "Django Software Foundation Code of Conduct"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _forwarder(make_workspace: Workspace, guide_case: StoredCase, out: Path):
    work = make_workspace()
    work.open(guide_case.case_id)
    forwarder = work.forwarder
    forwarder.folder.value = str(out)
    forwarder.report.value = "none"
    forwarder.package.value = True
    return work, forwarder


def test_forwarding_writes_a_package_owner_only_and_says_where(
    store: Store, make_workspace: Workspace, guide_case: StoredCase, tmp_path: Path
) -> None:
    key = linkage.new_key()
    key_file = linkage.write_key(key, tmp_path / "dsf.key")
    work, forwarder = _forwarder(make_workspace, guide_case, tmp_path / "out")
    assert forwarder.link_key.box in forwarder.widget.children
    forwarder.to.value = DSF
    forwarder.link_key.value = str(key_file)
    saved = forwarder.forward()

    assert saved is not None and saved.rev == guide_case.rev + 1
    (folder,) = (tmp_path / "out").iterdir()
    (package,) = folder.iterdir()
    assert package.name.endswith(SUFFIX)
    assert _mode(folder) == 0o700 and _mode(package) == 0o600, "only the user may read them"
    assert (
        str(package) in forwarder.result.value and "readable by you only" in forwarder.result.value
    )
    data = json.loads(package.read_text())
    assert data["content"]["link_key_id"] == key.key_id
    for person in guide_case.case.people:
        assert person.name not in package.read_text()
    assert saved.case.forwarded_to[-1] == DSF
    assert work.session.stored.rev == saved.rev, "the case on screen shows the forward"
    assert "Forwarded to" in work.session.status.text
    assert "forwarded" in work.timeline.value.lower()
    assert accesslog.entries(store)[-1].action == "forward"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"to": "  "}, "forward.to", "write who the case goes to"),
        ({"folder": "relative/path"}, "forward.folder", "write the whole path"),
        ({"report": "none", "package": False}, "forward.report", "choose a readable report"),
        ({"link_key": "/nonexistent/dsf.key"}, "forward.link_key", "no linkage key file"),
    ],
)
def test_a_forward_set_wrong_says_so_and_writes_nothing(
    store: Store,
    make_workspace: Workspace,
    guide_case: StoredCase,
    tmp_path: Path,
    change: dict,
    field: str,
    message: str,
) -> None:
    _work, forwarder = _forwarder(make_workspace, guide_case, tmp_path / "out")
    forwarder.to.value = DSF
    for name, value in change.items():
        getattr(forwarder, name).value = value
    assert forwarder.forward() is None
    assert message in forwarder.board.fields[field].error_text
    assert not (tmp_path / "out").exists()
    assert store.head_rev(guide_case.case_id) == guide_case.rev
    assert accesslog.entries(store) == []


def test_the_recipients_receipt_is_recorded_on_the_case(
    store: Store, make_workspace: Workspace, guide_case: StoredCase, tmp_path: Path
) -> None:
    work, forwarder = _forwarder(make_workspace, guide_case, tmp_path / "out")
    forwarder.to.value = DSF
    assert forwarder.forward() is not None
    (package,) = next((tmp_path / "out").iterdir()).iterdir()
    foundation = Store.init(tmp_path / "dsf")
    report = receive(foundation, [package], DSF, by="DSF member")
    (receipt,) = receipts.write_receipts(report.received, tmp_path / "r.json", by="DSF member")

    upload = {"name": "r.json", "type": "application/json", "content": receipt.read_bytes()}
    saved = forwarder.record_receipt(upload)
    assert saved is not None and saved.case.timeline[-1].text.startswith(f"Receipt from {DSF}")
    assert "Receipt recorded" in work.session.status.text
    assert forwarder.record_receipt(upload) is None, "the same receipt is recorded once"
    assert store.head_rev(guide_case.case_id) == saved.rev
    bad = {**upload, "content": b"not a receipt"}
    assert forwarder.record_receipt(bad) is None
    assert forwarder.receipt_field.error_text, "a file that is not a receipt says so"


def test_the_recipient_it_went_to_before_is_offered(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    case = guide_case.case.model_copy(update={"forwarded_to": [DSF]})
    store.save(case, by="m", base_rev=guide_case.rev)
    work = make_workspace()
    work.open(guide_case.case_id)
    assert work.forwarder.to.value == DSF
    assert work.tabs.titles[-1] == "Forward to…"

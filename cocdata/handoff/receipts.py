"""Receipts: the receiving body's acknowledgement, recorded on the sender's case.

``cocdata receive --receipt-out FILE`` writes one small JSON file per
package: who received which revision of which case, when, and the package's
SHA-256, hashed like a package. The sending team's
``cocdata forward --receipt FILE`` checks it and adds a timeline note to the
case (once: the same receipt again changes nothing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cocdata import config
from cocdata.errors import CocdataError, Conflict, ReceiptError
from cocdata.handoff import package as packages
from cocdata.handoff.receive import Received
from cocdata.model import TimelineEntry
from cocdata.store import Store, StoredCase
from cocdata.team.identity import acting_member

FORMAT = "cocdata-receipt"
VERSION = 1
SUFFIX = ".receipt.json"


@dataclass(frozen=True)
class Receipt:
    """One acknowledged package."""

    recipient: str
    received_by: str
    received_at: dt.datetime
    organisation: str
    case_id: str
    rev: int
    package_sha256: str
    outcome: str

    def to_dict(self) -> dict[str, Any]:
        content = {
            "recipient": self.recipient,
            "received_by": self.received_by,
            "received_at": self.received_at.isoformat(timespec="minutes"),
            "organisation": self.organisation,
            "case_id": self.case_id,
            "rev": self.rev,
            "package_sha256": self.package_sha256,
            "outcome": self.outcome,
        }
        return {
            "format": FORMAT,
            "version": VERSION,
            "sha256": packages.digest(content),
            "content": content,
        }


def receipt_of(received: Received, by: str | None = None) -> Receipt:
    """The receipt of one received package."""
    s = received.content.sender
    return Receipt(
        recipient=received.content.recipient,
        received_by=config.team_member(by),
        received_at=dt.datetime.now().replace(second=0, microsecond=0),
        organisation=s.organisation,
        case_id=s.case_id,
        rev=s.rev,
        package_sha256=received.sha256,
        outcome=received.outcome,
    )


def write_receipts(
    received: Sequence[Received], out: str | os.PathLike[str], by: str | None = None
) -> list[Path]:
    """Write the receipts: to ``out`` for one package, else one per package into folder ``out``."""
    target = Path(out)
    paths = []
    for item in received:
        if len(received) == 1 and not target.is_dir():
            path = target
        else:
            path = target / f"{item.content.sender.case_id}-r{item.content.sender.rev}{SUFFIX}"
        paths.append(packages.write(receipt_of(item, by).to_dict(), path))
    return paths


def read_receipt(path: str | os.PathLike[str]) -> Receipt:
    """Read and check a receipt file."""
    source = Path(path)
    again = "Ask the receiving body to send the receipt again ('cocdata receive --receipt-out')."
    try:
        data = json.loads(source.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ReceiptError(f"There is no receipt file at {source}.", "Check the path.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ReceiptError(
            f"{source.name} is not a readable cocdata receipt (damaged or cut short); "
            "nothing was recorded.",
            again,
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReceiptError(
            f"{source.name} is not a cocdata receipt; nothing was recorded.",
            "Use the file the receiving body's 'cocdata receive --receipt-out' wrote.",
        )
    if data.get("version") != VERSION:
        raise ReceiptError(
            f"{source.name} has receipt format version {data.get('version')!r}; this cocdata "
            f"reads version {VERSION}. Nothing was recorded.",
            "Update cocdata, or ask for the receipt again.",
        )
    content = data.get("content")
    if not isinstance(content, dict) or packages.digest(content) != data.get("sha256"):
        raise ReceiptError(
            f"{source.name} does not match its SHA-256, so it was changed after it was made; "
            "nothing was recorded.",
            again,
        )
    try:
        return Receipt(
            recipient=str(content["recipient"]),
            received_by=str(content["received_by"]),
            received_at=dt.datetime.fromisoformat(content["received_at"]),
            organisation=str(content["organisation"]),
            case_id=str(content["case_id"]),
            rev=int(content["rev"]),
            package_sha256=str(content["package_sha256"]),
            outcome=str(content["outcome"]),
        )
    except (KeyError, TypeError, ValueError):
        raise ReceiptError(
            f"{source.name} lacks a part of a receipt; nothing was recorded.", again
        ) from None


def record_receipt(
    store: Store, path: str | os.PathLike[str], by: str | None = None
) -> tuple[Receipt, StoredCase | None]:
    """Add the receipt to its case's timeline; ``None`` when it was recorded before.

    Refused when the case never sent that package (another store's receipt,
    or a receipt for another case).
    """
    receipt = read_receipt(path)
    member = acting_member(store.root, by)  # in a team store, the login
    text = (
        f"Receipt from {receipt.recipient}: revision {receipt.rev} of this case received by "
        f"{receipt.received_by} on {receipt.received_at:%Y-%m-%d %H:%M} ({receipt.outcome}). "
        f"Case package content SHA-256 {receipt.package_sha256}."
    )
    for _attempt in range(5):
        current = store.get(receipt.case_id)
        texts = [t.text or "" for t in current.case.timeline]
        if not any(receipt.package_sha256 in t for t in texts if t.startswith("Case report")):
            raise ReceiptError(
                f"Case {receipt.case_id} in this store did not forward the package this receipt "
                "is for; nothing was recorded.",
                "Record the receipt in the store the case was forwarded from (--store).",
            )
        if text in texts:
            return receipt, None
        entry = TimelineEntry(
            at=dt.datetime.now().replace(second=0, microsecond=0),
            by=[member],
            kind="note",
            with_=[receipt.recipient],
            text=text,
        )
        edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
        try:
            return receipt, store.save(edited, by=member, base_rev=current.rev)
        except Conflict:
            continue
    raise CocdataError(
        f"Case {receipt.case_id} kept changing; the receipt was not recorded.", "Try again."
    )

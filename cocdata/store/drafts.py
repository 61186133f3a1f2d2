"""Drafts: half-written forms in ``drafts/<id>.json``, kept until the case is saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata import storeio
from cocdata.store.stored import now
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.store.core import Store


def safe_name(text: str) -> str:
    """A draft id as a file name."""
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
    return keep[:120] or "draft"


def draft_path(store: Store, draft_id: str) -> Path:
    """Where the draft ``draft_id`` is kept."""
    return store.folder("drafts") / f"{safe_name(draft_id)}.json"


def save(store: Store, draft_id: str, data: dict[str, Any], by: str | None) -> Path:
    """Keep a half-written form so that a closed tab or a dead kernel loses nothing."""
    payload = {
        "draft_id": draft_id,
        "by": permissions.actor(store, "draft", by=by),
        "updated_at": now().isoformat(timespec="seconds"),
        "data": data,
    }
    path = draft_path(store, draft_id)
    store.write_bytes(path, json.dumps(payload, default=str).encode("utf-8"), "keeping a draft")
    return path


def _read(store: Store, path: Path) -> dict[str, Any]:
    return json.loads(store.read_bytes(path).decode("utf-8"))


def every(store: Store) -> list[dict[str, Any]]:
    """Every kept draft, newest first (unreadable ones are skipped)."""
    store.key_for("reading drafts")
    out = []
    for path in store.folder("drafts").glob("*.json"):
        try:
            out.append(_read(store, path))
        except (OSError, ValueError, storeio.InvalidTag):
            continue
    return sorted(out, key=lambda d: d.get("updated_at", ""), reverse=True)


def load(store: Store, draft_id: str) -> dict[str, Any] | None:
    """One draft, or None if there is none."""
    store.key_for("reading a draft")
    try:
        return _read(store, draft_path(store, draft_id))
    except FileNotFoundError:
        return None


def discard(store: Store, draft_id: str) -> None:
    """Delete a draft (the case was saved, or the form thrown away)."""
    permissions.require(store, "draft")
    draft_path(store, draft_id).unlink(missing_ok=True)

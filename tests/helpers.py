"""Small builders shared by tests: synthetic cases only, never real people."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cocdata.examples import GUIDE_EXAMPLE
from cocdata.model import Case
from cocdata.store import Store


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

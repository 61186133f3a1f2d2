"""Fixtures for the form tests: a fresh store, a fixed clock, a known team member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cocdata import crypto
from cocdata.examples import guide_example
from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.intake import CaseForm
from cocdata.store import Store, StoredCase

MEMBER = "Response Team Member A"
NOW = dt.datetime(2000, 12, 29, 9, 0)


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings (the remembered team member) go to a temporary folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("COCDATA_MEMBER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


@pytest.fixture(params=["plain", "encrypted"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store; every form test runs on a plain and on an encrypted one."""
    crypto.forget_all()
    if request.param == "plain":
        yield Store.init(tmp_path / "store")
    else:
        key_file = tmp_path / "team.key"
        yield Store.init(tmp_path / "store", encrypt=True, key_file=key_file)
    crypto.forget_all()


@pytest.fixture
def make_form(store: Store) -> Callable[..., CaseForm]:
    def make(**options: Any) -> CaseForm:
        options.setdefault("now", NOW)
        options.setdefault("autosave_delay", None)
        member = options.pop("member", MEMBER)
        return CaseForm(store, member, **options)

    return make


@pytest.fixture
def guide_case(store: Store) -> StoredCase:
    """The guide's example, saved before anything was added to its timeline."""
    case = guide_example().model_copy(
        update={"timeline": [], "actions": [], "status": "new", "forwarded_to": []}
    )
    return store.save(case, by=MEMBER)


@pytest.fixture
def make_workspace(store: Store) -> Callable[..., CaseWorkspace]:
    def make(**options: Any) -> CaseWorkspace:
        options.setdefault("now", dt.datetime(2000, 12, 29, 10, 30))
        options.setdefault("autosave_delay", None)
        member = options.pop("member", "Response Team Member B")
        return CaseWorkspace(store, member, **options)

    return make

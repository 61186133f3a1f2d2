"""Fixtures of the command-line tests: a store per test, in-process and real runs."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from cocdata import crypto
from cocdata.cli import app


@pytest.fixture(autouse=True)
def _key_file_env_restored(monkeypatch):
    """``--key-file`` in an in-process run sets $COCDATA_KEY_FILE for the process, as the
    real command does; put the environment back as it was after each test."""
    monkeypatch.setenv(crypto.KEY_FILE_ENV, os.environ.get(crypto.KEY_FILE_ENV, ""))
    if not os.environ[crypto.KEY_FILE_ENV]:
        monkeypatch.delenv(crypto.KEY_FILE_ENV)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``cocdata ARGS`` in this process, on a fresh store, from a scratch folder."""
    # Reports go to reports/ under the working folder: keep them out of the checkout.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COCDATA_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COCDATA_MEMBER", "Test Member")
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def env(tmp_path):
    """The environment of a real ``cocdata`` process on a fresh store."""
    return {**os.environ, "COCDATA_STORE": str(tmp_path / "store"), "COCDATA_MEMBER": "Test Member"}


@pytest.fixture
def locked(monkeypatch):
    """No key unlocked, none in the environment; cheap Argon2id."""
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(crypto.passphrase, "ARGON2_MEMORY_KIB", 1024)
    crypto.forget_all()
    yield
    crypto.forget_all()

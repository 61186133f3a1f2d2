"""Encrypted stores on the command line: init --encrypt, encrypt, key ..., key mistakes."""

import json

import pytest

from cocdata import crypto
from cocdata.examples import GUIDE_EXAMPLE
from tests.cli.running import PASSPHRASE, run_main


def test_encrypted_store_on_the_command_line(run, tmp_path, monkeypatch, locked):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    assert "Encrypted store ready" in run("init", "--encrypt").output
    assert run("import", str(path)).exit_code == 0
    assert "Reported person: Person B" in run("show", "guide-example").output
    assert "guide-example" in run("cases").output
    raw = b"".join(p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
    assert b"Person B" not in raw and b"overheard" not in raw

    # Without the key: counts and the chain, not names.
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    crypto.forget_all()
    assert "guide-example" in run("cases").output
    checked = run("verify")
    assert checked.exit_code == 0 and "only the statistics" in checked.output

    # A key file written with the passphrase opens it through --key-file.
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    run("key", "file", str(tmp_path / "team.key"))
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    crypto.forget_all()
    shown = run("--key-file", str(tmp_path / "team.key"), "show", "guide-example")
    assert "Person B" in shown.output

    # A new passphrase replaces the old one.
    monkeypatch.setenv("COCDATA_NEW_PASSPHRASE", "quartz meadow ember lilac")
    assert (
        "new passphrase"
        in run("--key-file", str(tmp_path / "team.key"), "key", "passphrase").output
    )
    crypto.forget_all()
    monkeypatch.delenv(crypto.KEY_FILE_ENV)
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "quartz meadow ember lilac")
    assert "Person B" in run("show", "guide-example").output


def test_encrypt_command_rewrites_a_plain_store(run, tmp_path, monkeypatch, locked):
    run("demo", "--no-reports")
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASSPHRASE)
    result = run("encrypt")
    assert result.exit_code == 0, result.output
    assert "Encrypted" in result.output and "Verified" in result.output
    raw = b"".join(p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
    assert b"Person A" not in raw
    assert "All good: every revision" in run("verify").output


@pytest.mark.parametrize(
    ("setup", "args", "extra_env", "words"),
    [
        (True, ["show", "guide-example"], {}, "is encrypted and no key was given"),
        (True, ["export"], {crypto.PASSPHRASE_ENV: "wrong wrong wrong"}, "is not the passphrase"),
        (True, ["--key-file", "/no/such.key", "show", "guide-example"], {}, "does not exist"),
        (False, ["init", "--encrypt"], {}, "needs a passphrase or a key file"),
        (False, ["init", "--encrypt"], {crypto.PASSPHRASE_ENV: "short"}, "too short"),
    ],
    ids=["no-key", "wrong-passphrase", "missing-key-file", "no-passphrase", "short-passphrase"],
)
def test_key_mistakes_end_in_a_message_not_a_traceback(
    env, tmp_path, setup, args, extra_env, words
):
    env = {k: v for k, v in env.items() if k not in (crypto.KEY_FILE_ENV, crypto.PASSPHRASE_ENV)}
    if setup:
        path = tmp_path / "in.jsonl"
        path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
        made = {**env, crypto.PASSPHRASE_ENV: PASSPHRASE}
        assert run_main("init", "--encrypt", env=made).returncode == 0
        assert run_main("import", str(path), env=made).returncode == 0
    result = run_main(*args, env={**env, **extra_env})
    assert result.returncode == 10
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "where",
    [
        lambda key: ["--key-file", key, "show", "guide-example"],
        lambda key: ["show", "guide-example", "--key-file", key],
    ],
    ids=["before", "after"],
)
def test_the_key_file_goes_before_or_after_the_command(env, tmp_path, where):
    env = {k: v for k, v in env.items() if k not in (crypto.KEY_FILE_ENV, crypto.PASSPHRASE_ENV)}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    key = str(tmp_path / "team.key")
    assert run_main("init", "--encrypt", "--key-file", key, env=env).returncode == 0
    assert run_main("--key-file", key, "import", str(path), env=env).returncode == 0
    assert run_main("show", "guide-example", env=env).returncode == 10  # no key: refused
    shown = run_main(*where(key), env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Reported person: Person B" in shown.stdout

import json
import os
import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from cocdata import crypto
from cocdata.cli import app
from cocdata.examples import GUIDE_EXAMPLE


def _command_paths(group, prefix=()):
    """Every leaf command of the CLI as its words, e.g. ('report', 'case')."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = [" ".join(p) for p in _command_paths(typer.main.get_command(app))]


@pytest.fixture
def run(tmp_path, monkeypatch):
    # Reports go to reports/ under the working folder: keep them out of the checkout.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COCDATA_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COCDATA_MEMBER", "Test Member")
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def test_the_command_list_is_complete():
    assert {
        "init",
        "import",
        "export",
        "show",
        "demo",
        "app",
        "lab",
        "report case",
        "report transparency",
    } <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run, command):
    result = run(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Example: cocdata " + command in " ".join(result.output.split())


def test_import_show_export_round_trip(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    shown = run("show", "guide-example", "--history")
    for fact in (
        "Verbal, in person report made by Person A",
        "received by Response Team Member A",
        "2000-12-28 22:30",
        "Conference party",
        "Reported person: Person B",
        "Meeting by Response Team Member A, Response Team Member B",
        "Django Software Foundation Code of Conduct",
        "rev 1",
        "Test Member: created",
    ):
        assert fact in shown.output
    out = tmp_path / "out.jsonl"
    assert run("export", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())["description"] == GUIDE_EXAMPLE["description"]
    assert (out.stat().st_mode & 0o077) == 0


def test_cases_filters(run):
    run("demo", "--no-reports")
    listed = run("cases", "--event", "djangocon-2000").output
    assert "guide-example" in listed and "1 case(s)" in listed
    assert "No cases matching" in run("cases", "--status", "no-such").output


def run_main(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "cocdata.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path):
    import os

    return {**os.environ, "COCDATA_STORE": str(tmp_path / "store"), "COCDATA_MEMBER": "Test Member"}


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["show", "amber-falcon"], 3, "There is no case 'amber-falcon'"),
        (["import", "/no/such/file.jsonl"], 2, "does not exist"),
        (["export", "--case", "amber-falcon"], 3, "There is no case"),
    ],
)
def test_mistakes_end_in_a_message_not_a_traceback(env, args, code, words):
    run_main("init", env=env)
    result = run_main(*args, env=env)
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_import_lists_every_line_and_writes_nothing(env, tmp_path):
    bad = dict(GUIDE_EXAMPLE, case_id=None, status="archived")
    worse = dict(GUIDE_EXAMPLE, case_id=None, occurred={"at": "soon"})
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(GUIDE_EXAMPLE) + "\n" + json.dumps(bad) + "\n" + json.dumps(worse) + "\n"
    )
    result = run_main("import", str(path), env=env)
    assert result.returncode == 2
    assert "line 2: status" in result.stderr and "line 3: occurred.at" in result.stderr
    assert "nothing was saved" in result.stderr and "Traceback" not in result.stderr
    assert "No cases" in run_main("cases", env=env).stdout


def test_verify_and_compact_report_in_words(run):
    run("demo", "--no-reports")
    assert "All good" in run("verify").output
    assert "Compacted" in run("compact").output
    assert "All good" in run("verify").output


def test_demo_refuses_to_mix_into_real_cases(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    with pytest.raises(Exception, match="already holds real cases"):
        run("demo", "--no-reports")


def test_schema_is_json(run):
    assert json.loads(run("schema").output)["title"].startswith("cocdata case")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "case"], 1, "Name the case(s) to report on"),
        (["report", "case", "no-such-case"], 3, "There is no case 'no-such-case'"),
        (["report", "case", "guide-example", "-f", "docx"], 8, "Unknown report format 'docx'"),
        (["report", "case", "--event", "no-such-event"], 1, "has no cases"),
    ],
)
def test_report_case_mistakes_are_explained(run, tmp_path, args, code, message):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COCDATA_STORE": str(tmp_path / "store")},
    )
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 1, "Name the event(s) with --event ID, or --all"),
        (["--all", "--event", "djangocon-2000"], 1, "(not both)"),
        (["--event", "no-such-event"], 3, "There is no event 'no-such-event'"),
        (["--all", "-f", "docx"], 8, "Unknown report format 'docx'"),
        (["--all", "--min-count", "2"], 8, "'fewer than 2' could only mean 1"),
        (["--all", "--min-count", "0"], 2, "Invalid value for '--min-count'"),
    ],
)
def test_report_transparency_mistakes_are_explained(tmp_path, args, code, message):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    env = {**os.environ, "COCDATA_STORE": str(tmp_path / "store")}
    subprocess.run([sys.executable, "-m", "cocdata.cli", "import", str(path)], env=env, check=True)
    proc = subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "report", "transparency", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_report_case_writes_the_files(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    run("import", str(path))
    out = tmp_path / "out"
    result = run("report", "case", "guide-example", "-f", "html", "-f", "md", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["guide-example.html", "guide-example.md"]
    assert "Case guide-example: internal report" in (out / "guide-example.md").read_text()


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["export", "--person", "quiet-otter"], 3, "No one in the store"),
        (["export", "--person", "quiet-otter", "--case", "x"], 1, "cannot be used together"),
        (["expunge", "--case", "amber-falcon"], 3, "There is no case 'amber-falcon'"),
        (["person", "merge", "quiet-otter", "brave-heron"], 3, "person code name"),
        (["person", "split", "quiet-otter", "--case", "x"], 3, "person code name"),
        (["forward", "amber-falcon", "--to", "DSF"], 3, "There is no case"),
        (["show", "amber-falcon", "--access"], 3, "There is no case"),
        (["access", "--case", "amber-falcon"], 3, "There is no case"),
    ],
)
def test_privacy_command_mistakes_end_in_a_message(env, args, code, words):
    run_main("init", env=env)
    result = run_main(*args, env=env)
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_expunge_subject_access_and_access_log_from_the_command_line(run, tmp_path):
    run("demo", "--no-reports")
    dry = run("expunge", "--dry-run").output
    assert dry.startswith("Dry run, nothing was changed.")
    due = re.findall(r"^  ([a-z]+-[a-z]+(?:-\d+)?) \(", dry, re.MULTILINE)
    assert due
    done = run("expunge", "--as", "Lead Member").output
    assert done.startswith(f"Identifying data removed from {len(due)} case(s)")
    shown = run("show", due[0], "--access").output
    assert "Retention: expunged" in shown and "Lead Member: expunged" in shown
    assert "Lead Member: expunged" in run("access").output
    assert "All good" in run("verify").output
    code = next(p.split("[")[1].rstrip("]") for p in shown.splitlines() if "Reported person" in p)
    out = tmp_path / "subject-access.json"
    result = run("export", "--person", code, "--out", str(out))
    assert result.exit_code == 0 and f"everything held about {code}" in result.output
    data = json.loads(out.read_text())
    assert data["person"] == code and due[0] in {c["case_id"] for c in data["cases"]}
    assert (out.stat().st_mode & 0o077) == 0
    assert "subject access export" in run("show", due[0], "--access").output


# -- encrypted stores ---------------------------------------------------------------

PASSPHRASE = "lantern orbit velvet cactus"


@pytest.fixture
def locked(monkeypatch):
    """No key unlocked, none in the environment; cheap Argon2id."""
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(crypto, "ARGON2_MEMORY_KIB", 1024)
    crypto.forget_all()
    yield
    crypto.forget_all()


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

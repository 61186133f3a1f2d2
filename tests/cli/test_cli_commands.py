"""The command line as a whole: every command listed, with help and an example."""

import pytest

from tests.cli.running import COMMANDS, GROUPS, guide_file, run_main


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


@pytest.mark.parametrize("command", ["", *COMMANDS, *GROUPS])
def test_help_shows_no_value_type_after_a_flag(run, command):
    shown = run(*command.split(), "--help").output
    assert "<bool>" not in shown
    flags = [line for line in shown.splitlines() if "--help" in line]
    assert flags and all("<" not in line for line in flags)


@pytest.mark.parametrize(
    "where",
    [
        lambda store: ["--store", store, "cases"],
        lambda store: ["cases", "--store", store],
        lambda store: ["--store", "/elsewhere", "cases", "--store", store],
    ],
    ids=["before", "after", "after-wins"],
)
def test_the_store_option_goes_before_or_after_the_command(env, tmp_path, where):
    store = str(tmp_path / "named")
    env = {k: v for k, v in env.items() if k != "COCDATA_STORE"}
    made = run_main("--store", store, "import", str(guide_file(tmp_path)), env=env)
    assert made.returncode == 0, made.stderr
    listed = run_main(*where(store), env=env)
    assert listed.returncode == 0, listed.stderr
    assert "guide-example" in listed.stdout


def test_the_store_given_before_one_command_does_not_stick_to_the_next(run, tmp_path):
    run("init")
    run("--store", str(tmp_path / "other"), "import", str(guide_file(tmp_path)))
    assert "guide-example" in run("--store", str(tmp_path / "other"), "cases").output
    assert "No cases" in run("cases").output  # $COCDATA_STORE again


@pytest.mark.parametrize("name", GROUPS)
def test_every_command_group_has_help_with_an_example(run, name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert f"Example: cocdata {name} " in " ".join(result.output.split())


def test_the_command_line_modules_stay_small_and_raise_no_bare_error():
    from pathlib import Path

    import cocdata.cli

    for path in Path(cocdata.cli.__file__).parent.glob("*.py"):
        source = path.read_text()
        assert len(source.splitlines()) <= 400, path.name
        assert "raise CocdataError(" not in source, path.name

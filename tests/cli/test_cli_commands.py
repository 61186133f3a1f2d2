"""The command line as a whole: every command listed, with help and an example."""

import pytest

from tests.cli.running import COMMANDS


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

"""The CLI's help texts: every command explains itself with an example."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from intake.cli import cli

COMMANDS = ["poll", "run", "inspect", "list", "digest", "export", "show", "reprocess", "resend"]


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    assert "--config" in result.output and "INTAKE_CONFIG" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"intake" in result.output.split("Example:")[1]

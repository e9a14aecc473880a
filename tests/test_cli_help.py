"""Every command has help with an example, appears in the README; imports stay lazy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _toolkit import MINI_HOME, SRC
from click.testing import CliRunner

from diplokg import __version__
from diplokg.cli import cli

README = Path(__file__).parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


def test_the_command_set():
    assert COMMANDS == [
        "add",
        "describe",
        "docs",
        "export",
        "graph",
        "load",
        "push",
        "queries",
        "query",
        "serve",
        "stats",
        "timeline",
        "validate",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: cli {command}")
    assert "Example" in result.output
    assert f"diplokg {command}" in result.output


def test_group_help_and_version():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes: 0 success or conforms" in result.output
    version = CliRunner().invoke(cli, ["--version"])
    assert version.output == f"diplokg, version {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_appears_in_the_readme(command):
    assert f"diplokg {command}" in README.read_text(encoding="utf-8")


def test_unknown_option_is_a_usage_error():
    result = CliRunner().invoke(cli, ["query", "--nope"])
    assert result.exit_code == 2


def test_help_queries_and_query_do_not_import_pyshacl_or_owlrl():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from diplokg.cli import cli\n"
        "r = CliRunner()\n"
        "assert r.invoke(cli, ['--help']).exit_code == 0\n"
        f"assert r.invoke(cli, ['--home', {str(MINI_HOME)!r}, 'queries']).exit_code == 0\n"
        f"assert r.invoke(cli, ['--home', {str(MINI_HOME)!r}, 'query', 'labels-of'])"
        ".exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyshacl', 'owlrl')))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "[]\n"

"""Malformed input: exit 2 with file:line:column and never a traceback."""

from __future__ import annotations

import shutil

import pytest
from _toolkit import FACTS, copy_home, run


@pytest.fixture
def home(tmp_path):
    return copy_home(tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-syntax.ttl", "5:17: objectList expected"),
        ("unknown-prefix.ttl", '3:1: Prefix "dkid:" not bound'),
        (
            "ill-typed-date.ttl",
            '6:5: ill-typed literal "2025-13-45"^^xsd:date (not a valid xsd:date)',
        ),
        ("ill-typed-year.ttl", '5:23: ill-typed literal "95"^^xsd:gYear (not a valid xsd:gYear)'),
        ("not-utf8.ttl", "2:6: not valid UTF-8 (invalid continuation byte)"),
    ],
)
def test_malformed_new_file_is_exit_2_with_position(name, message):
    path = FACTS / name
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}:{message}\n"


def test_missing_file_is_exit_2():
    path = FACTS / "no-such-file.ttl"
    result = run("validate", str(path))
    assert (result.exit_code, result.stderr) == (2, f"Error: {path}: no such file\n")


def test_a_folder_is_not_a_fact_file():
    result = run("validate", str(FACTS))
    assert (result.exit_code, result.stderr) == (2, f"Error: {FACTS}: is a folder, not a file\n")


@pytest.mark.parametrize("command", [["stats"], ["export"], ["query", "has-relations"]])
def test_malformed_data_file_in_home_stops_every_command(home, command):
    broken = home / "data" / "broken.ttl"
    shutil.copy(FACTS / "ill-typed-date.ttl", broken)
    result = run(*command, home=home)
    assert result.exit_code == 2
    assert result.stderr == (
        f'Error: {broken}:6:5: ill-typed literal "2025-13-45"^^xsd:date (not a valid xsd:date)\n'
    )


def test_home_that_does_not_exist(tmp_path):
    result = run("stats", home=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"Error: --home: not a folder: {tmp_path / 'nowhere'}\n"


def test_deeply_nested_input_is_reported_not_crashed(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text("<http://a> <http://b> " + "(" * 5000 + ")" * 5000 + " .\n")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}")
    assert "Traceback" not in result.stderr

"""`diplokg validate`: only introduced violations, file:line of the focus node, formats."""

from __future__ import annotations

import json
import shutil

import pytest
from _toolkit import FACTS, MINI_HOME, copy_home, run
from rdflib import Graph, Literal
from rdflib.namespace import SH


@pytest.fixture
def home(tmp_path):
    return copy_home(tmp_path)


def test_conforming_file_exits_0():
    path = FACTS / "good-relation.ttl"
    result = run("validate", str(path))
    assert (result.exit_code, result.output) == (0, f"Conforms: no violations in {path}.\n")


def test_violations_are_grouped_by_focus_with_file_and_line():
    path = FACTS / "bad-relation.ttl"
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f'dkid:rel-1995 "Laos–South Korea relations (since 1995)" at {path}:14\n'
        "  - Violation: A relation has exactly one start date (xsd:date).\n"
        "    path: dk:startDate\n"
        "\n"
        f'dkid:rel-bad "Bad relation" at {path}:7\n'
        "  - Violation: The end date is before the start date.\n"
        '    value: "1980-01-01"^^xsd:date\n'
        "  - Violation: A relation has at least two parties, each a dk:State.\n"
        "    path: dk:party\n"
        "\n"
        f"Rejected: 3 violations in {path}.\n"
    )
    assert result.stderr == f"Error: 3 violations in {path}\n"


def test_json_report_is_a_list():
    path = FACTS / "bad-relation.ttl"
    result = run("validate", str(path), "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(r["focus"], r["path"], r["location"]) for r in data] == [
        ("dkid:rel-1995", "dk:startDate", f"{path}:14"),
        ("dkid:rel-bad", None, f"{path}:7"),
        ("dkid:rel-bad", "dk:party", f"{path}:7"),
    ]
    assert data[1]["message"] == "The end date is before the start date."
    assert data[1]["value"] == '"1980-01-01"^^xsd:date'


def test_ttl_report_is_a_shacl_report_graph():
    result = run("validate", str(FACTS / "bad-relation.ttl"), "-f", "ttl")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in graph
    assert len(set(graph.subjects(SH.resultSeverity, SH.Violation))) == 3


def test_warnings_are_reported_but_do_not_fail():
    path = FACTS / "warning-only.ttl"
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.output == (
        f'dkid:laos "Laos" at {path}:5\n'
        "  - Warning: A post is a plain string.\n"
        "    path: dk:holdsPost\n"
        "    value: 3\n"
        "\n"
        f"Conforms: 0 violations and 1 warning/info in {path}.\n"
    )


def test_existing_violations_are_not_blamed_on_new_files(home):
    shutil.copy(FACTS / "bad-relation.ttl", home / "data" / "legacy.ttl")
    path = FACTS / "good-relation.ttl"
    result = run("validate", str(path), home=home)
    assert (result.exit_code, result.output) == (0, f"Conforms: no violations in {path}.\n")
    whole = run("validate", "--all", home=home)
    assert whole.exit_code == 1
    assert f'dkid:rel-bad "Bad relation" at {home / "data" / "legacy.ttl"}:7\n' in whole.stdout


def test_all_on_the_mini_home_conforms():
    result = run("validate", "--all")
    assert (result.exit_code, result.output) == (0, "Conforms: no violations in the whole graph.\n")


def test_validate_with_reason_runs():
    result = run("validate", "--reason", str(FACTS / "good-relation.ttl"))
    assert result.exit_code == 0


@pytest.mark.parametrize("args", [[], ["--all", str(FACTS / "good-relation.ttl")]])
def test_files_or_all_is_required(args):
    result = run("validate", *args)
    assert result.exit_code == 2
    assert "give fact files to validate, or --all (not both)" in result.stderr


def test_missing_shapes_file_is_exit_2(home):
    (home / "ontology" / "shapes.ttl").unlink()
    result = run("validate", "--all", home=home)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {home / 'ontology' / 'shapes.ttl'}: no such file\n"


def test_mini_home_is_untouched_by_validation():
    assert not (MINI_HOME / "data" / ".diplokg.lock").exists()

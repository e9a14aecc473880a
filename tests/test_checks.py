"""Integrity checks: each ``queries/checks/*-violation.rq`` finds nothing in the real data and
finds something in its own small failing example, so no check is a test that cannot fail.

The failing examples live in ``tests/data/checks/<check name>.ttl``, one per check, each
opening with ``# Invalid: <reason>``; they are loaded together with the ontology (some checks
compare the data with the declared terms).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = ROOT / "queries" / "checks"
EXAMPLES_DIR = Path(__file__).resolve().parent / "data" / "checks"
ONTOLOGY = ROOT / "ontology" / "diplomacy.ttl"
GRAPH = "https://w3id.org/diplokg/graph/"

CHECKS = sorted(CHECKS_DIR.glob("*-violation.rq"))


def load(paths: list[Path]) -> Dataset:
    """One named graph per file; the default graph is their union (as the CLI loads them)."""
    dataset = Dataset(default_union=True)
    for path in paths:
        dataset.graph(URIRef(GRAPH + path.stem)).parse(path, format="turtle")
    return dataset


@pytest.fixture(scope="module")
def real_graph() -> Dataset:
    return load([ONTOLOGY, *sorted((ROOT / "data").glob("*.ttl"))])


def violations(graph: Dataset, check: Path) -> list[tuple]:
    return [tuple(row) for row in graph.query(check.read_text(encoding="utf-8"))]


def test_there_are_checks():
    assert len(CHECKS) >= 7


def test_every_check_has_a_failing_example_and_every_example_a_check():
    assert sorted(p.stem for p in EXAMPLES_DIR.glob("*.ttl")) == [p.stem for p in CHECKS]


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_passes_on_the_real_data(real_graph, check):
    rows = violations(real_graph, check)
    assert rows == [], "\n".join(" ".join(str(v) for v in row) for row in rows)


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_fails_on_its_example(check):
    example = EXAMPLES_DIR / f"{check.stem}.ttl"
    first_line = example.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# Invalid: "), "the example says why it is invalid"
    assert len(violations(load([ONTOLOGY, example]), check)) >= 1


def test_ontology_alone_passes_every_check():
    """The ontology's own anonymous class expression is not a data blank node, and its terms
    are all declared and labelled."""
    graph = load([ONTOLOGY])
    for check in CHECKS:
        assert violations(graph, check) == [], check.stem

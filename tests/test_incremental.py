"""Incremental validation gives the verdict of whole-graph validation (diplokg.incremental).

The corpus: the examples of tests/data/shapes/ (a batch added to ontology + entities, as the
shape tests validate them), and removals and edits of real facts (a batch added to the real
graph from which a fact, or one statement of it, was taken out). For each, the results the
batch introduces must be the same whether the whole graph or the small neighbourhood graph
is validated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from diplokg.graph import ONTOLOGY_GRAPH, KnowledgeGraph, SourceFile, empty_dataset
from diplokg.namespaces import DK, DKID, GRAPH, OA
from diplokg.paths import resolve_home
from diplokg.rdfio import parse_turtle
from diplokg.validation import load_shapes, shacl, validate_triples

HERE = Path(__file__).parent
ROOT = HERE.parent
# One failing example per shape folder keeps this under a minute; every example of the folder
# (valid ones too) passes the same comparison when the ``[:1]`` is removed.
EXAMPLES = [
    path
    for folder in sorted((HERE / "data" / "shapes").iterdir())
    if folder.is_dir()
    for path in sorted(folder.glob("invalid-*.ttl"))[:1]
]
HOME = resolve_home(ROOT)


def graph_of(files: list[Path], without: set = frozenset()) -> KnowledgeGraph:
    """A KnowledgeGraph of ``files`` (one named graph each) minus the triples ``without``."""
    dataset = empty_dataset()
    loaded = []
    for path in files:
        name = ONTOLOGY_GRAPH if path == HOME.ontology_file else GRAPH[path.stem]
        target = dataset.graph(name)
        for triple in parse_turtle(path):
            if triple not in without:
                target.add(triple)
        loaded.append(SourceFile(path, name, path.read_text(encoding="utf-8")))
    return KnowledgeGraph(HOME, dataset, loaded)


def verdicts(kg: KnowledgeGraph, batch: set) -> tuple[list, list]:
    """Introduced results (keys, sorted) by the whole-graph and the incremental method."""
    whole = validate_triples(kg, batch, [], incremental=False)
    small = validate_triples(kg, batch, [], incremental=True)
    assert whole.conforms == small.conforms
    return sorted(map(repr, (r.key() for r in whole.results))), sorted(
        map(repr, (r.key() for r in small.results))
    )


@pytest.fixture(scope="module")
def base() -> tuple[KnowledgeGraph, set]:
    """Ontology + entities, and the keys of its own results (the "before" of every example)."""
    kg = graph_of([HOME.ontology_file, HOME.data_dir / "entities.ttl"])
    before, _ = shacl(kg.asserted_triples(), load_shapes(kg))
    return kg, {r.key() for r in before}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_example_batches(base: tuple[KnowledgeGraph, set], example: Path) -> None:
    kg, known = base
    # rdflib's lenient parser: some examples hold ill-typed literals on purpose
    batch = set(Graph().parse(example, format="turtle"))
    after, _ = shacl(kg.asserted_triples() | batch, load_shapes(kg))
    whole = sorted(repr(r.key()) for r in after if r.key() not in known)
    small = validate_triples(kg, batch, [], incremental=True)
    assert sorted(repr(r.key()) for r in small.results) == whole
    if example.name.startswith("invalid-"):
        assert whole, "the failing example must fail"


REAL = [HOME.ontology_file, *HOME.data_files()]
SRC1 = HOME.data_dir / "source-001.ttl"


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def _description(subject: URIRef) -> set:
    return {t for path in REAL for t in parse_turtle(path) if t[0] == subject}


SUMMIT = DKID["summit-2025-12-15"]
SIGNING = DKID["treaty-signing-2025-12-15"]
PHASE = DKID["phase-restored-1995"]
SOURCE = DKID["src-001"]
EVIDENCE = DKID["ev-001-111-279"]


def _cases() -> list[tuple[str, set, set]]:
    """(name, triples taken out of the real graph, batch added back)."""
    summit_date = (SUMMIT, DK.date, _date("2025-12-15"))
    source_date = (SOURCE, DCTERMS.date, _date("2025-12-15"))
    phase_end = (PHASE, DK.endDate, _date("2025-12-15"))
    has_source = (EVIDENCE, OA.hasSource, SOURCE)
    signing = _description(SIGNING)
    return [
        ("re-add a removed fact", signing, signing),
        (
            "re-add a fact with a signatory out of post",
            signing,
            {t for t in signing if t[1] != DK.signatory}
            | {(SIGNING, DK.signatory, DKID["kim-jong-un"])},
        ),
        (
            "summit date edited: its sub-events now lie outside it",
            {summit_date},
            {(SUMMIT, DK.date, _date("2024-01-01"))},
        ),
        ("summit date restored", {summit_date}, {summit_date}),
        (
            "source dated earlier than its facts",
            {source_date},
            {(SOURCE, DCTERMS.date, _date("2020-01-01"))},
        ),
        (
            "phase end moved after the next phase starts",
            {phase_end},
            {(PHASE, DK.endDate, _date("2026-06-01"))},
        ),
        (
            "evidence quoting another source",
            {has_source},
            {(EVIDENCE, OA.hasSource, DKID["src-000"])},
        ),
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_real_fact_batches(case: tuple[str, set, set]) -> None:
    name, removed, batch = case
    kg = graph_of(REAL, without=removed)
    whole, small = verdicts(kg, batch)
    assert small == whole
    if "re-add" in name and "out of post" not in name or name == "summit date restored":
        assert not whole
    else:
        assert whole, f"{name}: the edit must be caught"

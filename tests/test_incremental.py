"""Incremental validation gives the verdict of whole-graph validation (diplokg.incremental).

The corpus: the examples of tests/data/shapes/ (a batch added to ontology + entities, as the
shape tests validate them), and removals and edits of real facts (a batch added to the real
graph from which a fact, or one statement of it, was taken out). For each, the results the
batch introduces must be the same whether the whole graph or the small neighbourhood graph
is validated. Each batch also runs through an ``OxKnowledgeGraph`` (the neighbourhood read
from an Oxigraph store holding the same named graphs), which must give the same results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from diplokg.graph import ONTOLOGY_GRAPH, KnowledgeGraph, SourceFile, empty_dataset
from diplokg.incremental import (
    TargetsOnOxigraph,
    dataset_lookup,
    focus_and_context,
    ontology_triples,
    to_oxigraph,
)
from diplokg.namespaces import DK, DKID, GRAPH, OA
from diplokg.oxstore import OxKnowledgeGraph
from diplokg.paths import resolve_home
from diplokg.rdfio import parse_turtle, to_turtle
from diplokg.validation import load_shapes, shacl, validate_new, validate_triples

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


def on_oxigraph(kg: KnowledgeGraph) -> OxKnowledgeGraph:
    """The same named graphs in an in-memory Oxigraph store (blank node labels kept)."""
    import pyoxigraph as ox

    store = ox.Store()
    for source in kg.files:
        name = ox.NamedNode(str(source.graph))
        store.extend([ox.Quad(*map(to_oxigraph, t), name) for t in kg.dataset.graph(source.graph)])
    return OxKnowledgeGraph(kg.home, store)


def keys(report) -> list[str]:
    return sorted(map(repr, (r.key() for r in report.results)))


def verdicts(kg: KnowledgeGraph, batch: set) -> tuple[list, list]:
    """Introduced results (keys, sorted) by the whole-graph and the incremental method; the
    incremental method on the Oxigraph store must agree with it."""
    whole = validate_triples(kg, batch, [], incremental=False)
    small = validate_triples(kg, batch, [], incremental=True)
    ox_kg = on_oxigraph(kg)
    on_store = validate_triples(ox_kg, batch, [], incremental=True)
    assert ox_kg._rdflib is None, "the Oxigraph path must not build the rdflib dataset"
    assert whole.conforms == small.conforms == on_store.conforms
    assert keys(on_store) == keys(small)
    return keys(whole), keys(small)


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
    assert keys(small) == whole
    assert keys(validate_triples(on_oxigraph(kg), batch, [], incremental=True)) == whole
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


def test_sparql_targets_run_on_oxigraph_only_when_exact() -> None:
    """The small graph's SPARQL targets go to Oxigraph when every triple reads back as given
    (the real neighbourhood), and to rdflib when Oxigraph would rewrite a literal."""
    kg = graph_of(REAL, without=_description(SIGNING))
    focus, context = focus_and_context(
        _description(SIGNING), dataset_lookup(kg), ontology_triples(kg)
    )
    assert SIGNING in focus
    assert TargetsOnOxigraph(context).exact
    odd = (SIGNING, DK.date, Literal("02025-12-15", datatype=XSD.date))
    canonical = (SIGNING, DK.sequenceNumber, Literal("01", datatype=XSD.integer))
    assert TargetsOnOxigraph(context | {odd}).exact  # not a valid date: kept as written
    assert not TargetsOnOxigraph(context | {canonical}).exact
    shapes = load_shapes(kg)
    batch = context | _description(SIGNING) | {canonical}
    fast, _ = shacl(batch, shapes, focus=focus)
    slow, _ = shacl(batch, shapes)
    assert all(r.focus in focus for r in fast)
    assert sorted(repr(r.key()) for r in fast) == sorted(
        repr(r.key()) for r in slow if r.focus in focus
    )


def test_validate_new_on_the_store_does_not_build_the_dataset(tmp_path: Path) -> None:
    """``validate_new`` on an ``OxKnowledgeGraph``: strict parsing, undeclared ``dk:`` terms
    refused, verdict and located results as on the rdflib graph, no rdflib dataset built."""
    kg = graph_of(REAL, without=_description(SIGNING))
    facts = tmp_path / "signing.ttl"
    bad = {t for t in _description(SIGNING) if t[1] != DK.signatory}
    bad.add((SIGNING, DK.signatory, DKID["kim-jong-un"]))
    facts.write_text(to_turtle(bad), encoding="utf-8")
    ox_kg = on_oxigraph(kg)
    on_store = validate_new(ox_kg, [facts])
    assert ox_kg._rdflib is None
    on_dataset = validate_new(kg, [facts])
    assert not on_store.conforms
    assert on_store.to_text() == on_dataset.to_text()

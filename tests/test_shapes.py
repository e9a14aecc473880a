"""The SHACL shapes (ontology/shapes.ttl): their examples, their conventions, and the real data.

Examples live in tests/data/shapes/<shape>/: ``valid*.ttl`` must conform, each
``invalid-*.ttl`` must fail with exactly the message on its second line (``# Message: …``)
and no other. Every example is validated together with the ontology and the shared entities,
as the toolkit validates data files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from diplokg import sparql_compat

HERE = Path(__file__).parent
ROOT = HERE.parent
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "diplomacy.ttl"
ENTITIES_FILE = ROOT / "data" / "entities.ttl"
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
EXAMPLES = HERE / "data" / "shapes"

DK = "https://w3id.org/diplokg/ontology#"
DKSH = "https://w3id.org/diplokg/shapes#"

VALID = sorted(EXAMPLES.glob("*/valid*.ttl"))
INVALID = sorted(EXAMPLES.glob("*/invalid-*.ttl"))


def example_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def expected_message(path: Path) -> str:
    """The ``# Message:`` line of a failing example (its first line is ``# Invalid:``)."""
    first, second = path.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# Invalid: ") and len(first) > len("# Invalid: "), first
    assert second.startswith("# Message: "), second
    return second[len("# Message: ") :]


def copy_of(graph: Graph) -> Graph:
    fresh = Graph()
    for triple in graph:
        fresh.add(triple)
    return fresh


def validate(data: Graph, shapes: Graph) -> tuple[bool, list[tuple[URIRef, str]]]:
    """Conformance and (severity, message) of every result."""
    from pyshacl import validate as pyshacl_validate

    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=None,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    results = [
        (report.value(r, SH.resultSeverity), str(report.value(r, SH.resultMessage)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, results


# --- fixtures: parse once per session, hand every test its own copy --------------------------


@pytest.fixture(scope="module", autouse=True)
def _parse_each_sparql_text_once() -> None:
    """Validate the way diplokg does: with its parse-once cache for SHACL-SPARQL text.

    pyshacl hands rdflib the text of a SPARQL constraint once per focus node; the cache in
    ``diplokg.sparql_compat`` changes no result, only the time (see its docstring).
    """
    sparql_compat.install()


@pytest.fixture(scope="session")
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


@pytest.fixture(scope="session")
def _base() -> Graph:
    graph = Graph()
    for path in (ONTOLOGY_FILE, ENTITIES_FILE):
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def _real_data() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE)
    for path in DATA_FILES:
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def _real_data_closure(_real_data: Graph) -> Graph:
    import owlrl

    graph = copy_of(_real_data)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


@pytest.fixture
def shapes(_shapes: Graph) -> Graph:
    return copy_of(_shapes)


@pytest.fixture
def base(_base: Graph) -> Graph:
    """The ontology and the shared entities, which every example is validated with."""
    return copy_of(_base)


@pytest.fixture
def real_data(_real_data: Graph) -> Graph:
    return copy_of(_real_data)


@pytest.fixture
def real_data_closure(_real_data_closure: Graph) -> Graph:
    return copy_of(_real_data_closure)


# --- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=example_id)
def test_valid_example_conforms(path: Path, base: Graph, shapes: Graph) -> None:
    base.parse(path)
    conforms, results = validate(base, shapes)
    assert conforms, [message for _, message in results]
    assert results == []


@pytest.mark.parametrize("path", INVALID, ids=example_id)
def test_invalid_example_fails_with_its_message(path: Path, base: Graph, shapes: Graph) -> None:
    message = expected_message(path)
    base.parse(path)
    conforms, results = validate(base, shapes)
    assert not conforms
    assert {m for _, m in results} == {message}, "an example must fail exactly one constraint"
    assert {severity for severity, _ in results} == {SH.Violation}


def test_unknown_terms_are_still_rejected_after_owl_rl(base: Graph, shapes: Graph) -> None:
    """OWL RL closure must not "declare" a misspelt term (e.g. by typing it rdf:Property)."""
    import owlrl

    folder = EXAMPLES / "vocabulary"
    paths = [folder / "invalid-unknown-property.ttl", folder / "invalid-unknown-class.ttl"]
    for path in paths:
        base.parse(path)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(base)
    conforms, results = validate(base, shapes)
    assert not conforms
    assert {expected_message(p) for p in paths} <= {m for _, m in results}


# --- the real data ----------------------------------------------------------------------------


def test_real_data_conforms(real_data: Graph, shapes: Graph) -> None:
    conforms, results = validate(real_data, shapes)
    assert conforms, sorted(m for _, m in results)


def test_real_data_conforms_after_owl_rl_closure(real_data_closure: Graph, shapes: Graph) -> None:
    conforms, results = validate(real_data_closure, shapes)
    assert conforms, sorted(m for _, m in results)


# --- conventions of the shapes graph ----------------------------------------------------------


def node_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def folder_name(shape: URIRef) -> str:
    """dksh:PostHoldingShape -> post-holding."""
    local = str(shape)[len(DKSH) :].removesuffix("Shape")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


def test_every_shape_has_examples(shapes: Graph) -> None:
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    assert {folder_name(s) for s in node_shapes(shapes)} == folders
    for folder in folders:
        assert (EXAMPLES / folder / "valid.ttl").exists(), folder
        assert list((EXAMPLES / folder).glob("invalid-*.ttl")), folder


def test_every_constraint_has_a_message(shapes: Graph) -> None:
    parameters = {
        SH["class"], SH.datatype, SH.minCount, SH.maxCount, SH.pattern, SH["or"], SH["not"],
        SH.qualifiedValueShape, SH.languageIn, SH.uniqueLang, SH.disjoint, SH.lessThan,
        SH.minLength, SH.minInclusive, SH.nodeKind, SH["in"],
    }  # fmt: skip
    owners = set(shapes.objects(None, SH.property)) | set(node_shapes(shapes))
    for owner in owners:
        if any(shapes.value(owner, p) is not None for p in parameters):
            assert shapes.value(owner, SH.message) is not None, owner
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None, constraint
        assert shapes.value(constraint, SH.prefixes) is not None, constraint


def test_every_result_is_a_violation(shapes: Graph) -> None:
    assert set(shapes.objects(None, SH.severity)) <= {SH.Violation}


def test_every_class_used_in_data_has_a_shape(shapes: Graph) -> None:
    ontology = Graph().parse(ONTOLOGY_FILE)
    data = Graph()
    for path in DATA_FILES:
        data.parse(path)
    targeted = set(shapes.objects(None, SH.targetClass))
    for used in set(data.objects(None, RDF.type)):
        supers = set(ontology.transitive_objects(used, RDFS.subClassOf))
        assert supers & targeted, f"no shape targets {used} or a superclass of it"


def test_every_ontology_class_needs_a_label(shapes: Graph) -> None:
    """The label shape targets a few root classes; every class but the evidence is under one."""
    ontology = Graph().parse(ONTOLOGY_FILE)
    label_shape = URIRef(DKSH + "LabelShape")
    roots = set(shapes.objects(label_shape, SH.targetClass))
    generated = {URIRef(DK + "Evidence")}
    for cls in set(ontology.subjects(RDF.type, OWL.Class)) - generated:
        if isinstance(cls, URIRef):
            assert set(ontology.transitive_objects(cls, RDFS.subClassOf)) & roots, cls


def test_participant_roles_are_all_listed(shapes: Graph) -> None:
    """SHACL paths do not follow rdfs:subPropertyOf, so the shapes list the roles."""
    ontology = Graph().parse(ONTOLOGY_FILE)
    participant = URIRef(DK + "participant")
    roles = set(ontology.transitive_subjects(RDFS.subPropertyOf, participant))
    alternatives = [
        set(Collection(shapes, lst)) for lst in shapes.objects(None, SH.alternativePath)
    ]
    listed = [alt for alt in alternatives if participant in alt]
    assert listed, "no shape lists the participant roles"
    for alt in listed:
        assert alt == roles


def test_shapes_use_no_undeclared_dk_terms(shapes: Graph) -> None:
    ontology = Graph().parse(ONTOLOGY_FILE)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    statuses = (URIRef(DK + "RelationshipStatus"), URIRef(DK + "AgreementStatus"))
    declared = {s for kind in kinds + statuses for s in ontology.subjects(RDF.type, kind)}
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(DK)}
    assert used <= declared, used - declared
    queries = " ".join(str(q) for q in shapes.objects(None, SH.select))
    in_queries = {URIRef(DK + name) for name in re.findall(r"\bdk:(\w+)", queries)}
    assert in_queries <= declared, in_queries - declared

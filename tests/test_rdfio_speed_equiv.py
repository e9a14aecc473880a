"""The fast writers of ``rdfio`` give the bytes the original, straightforward writers gave.

``rdfio`` canonicalises only the triples that hold a blank node and sorts terms by rank
(see ``rdfio._ranked``); the reference below is the code it replaced (an rdflib graph of
every triple for the canonicalisation, ``term_sort_key`` tuples per triple, ``term_text``
per occurrence). Random graphs, with blank nodes, language tags in both cases, rdf:type and
IRIs shared with literals, must give the same Turtle, TriG, N-Triples and N-Quads.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, RDFS, XSD
from test_roundtrip_properties import IRIS, LITERALS, PREDICATES

from diplokg.namespaces import DKID
from diplokg.rdfio import (
    canonical_triples,
    prefix_block,
    term_sort_key,
    term_text,
    to_ntriples,
    to_trig,
    to_turtle,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def reference_canonical(triples):
    triples = list(triples)
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        graph = Graph(bind_namespaces="none")
        for triple in triples:
            graph.add(triple)
        triples = list(to_canonical_graph(graph))
    return sorted(set(triples), key=lambda t: tuple(term_sort_key(x) for x in t))


def reference_body(triples, indent=""):
    by_subject = {}
    for s, p, o in reference_canonical(triples):
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    blocks = []
    for subject in sorted(by_subject, key=term_sort_key):
        predicates = by_subject[subject]
        order = sorted(predicates, key=lambda p: (p != RDF.type, term_sort_key(p)))
        lines = []
        for number, predicate in enumerate(order):
            verb = "a" if predicate == RDF.type else term_text(predicate)
            objects = [term_text(o) for o in sorted(predicates[predicate], key=term_sort_key)]
            if len(objects) == 1:
                rendered = " " + objects[0]
            else:
                rendered = "\n" + indent + " " * 8 + (" ,\n" + indent + " " * 8).join(objects)
            head = f"{indent}{term_text(subject)} " if number == 0 else f"{indent}    "
            end = " ." if number == len(order) - 1 else " ;"
            lines.append(f"{head}{verb}{rendered}{end}")
        blocks.append("\n".join(lines))
    return blocks


def reference_turtle(triples):
    body = reference_body(triples)
    text = prefix_block()
    if body:
        text += "\n" + "\n\n".join(body) + "\n"
    return text


def reference_trig(graphs):
    text = prefix_block()
    for name, triples in sorted(graphs, key=lambda item: str(item[0])):
        body = reference_body(triples, indent="    ")
        text += f"\n<{name}> {{\n" + "\n\n".join(body) + ("\n" if body else "") + "}\n"
    return text


def reference_ntriples(triples, graph=None):
    suffix = f" <{graph}> .\n" if graph is not None else " .\n"
    return "".join(
        " ".join(term_text(t, prefixed=False) for t in triple) + suffix
        for triple in reference_canonical(triples)
    )


CASED = st.builds(
    lambda t, lang: Literal(t, lang=lang),
    st.sampled_from(["x", "y"]),
    st.sampled_from(["en", "EN", "en-GB", "en-gb"]),
)


@st.composite
def triple_lists(draw):
    blanks = [BNode() for _ in range(draw(st.integers(0, 4)))]
    subjects = st.one_of(IRIS, st.sampled_from(blanks)) if blanks else IRIS
    nodes = [LITERALS, IRIS, st.just(XSD.integer)]
    if draw(st.booleans()):
        nodes.append(CASED)
    if blanks:
        nodes.append(st.sampled_from(blanks))
    predicates = st.one_of(PREDICATES, st.just(RDF.type), st.just(RDFS.seeAlso))
    triple = st.tuples(subjects, predicates, st.one_of(*nodes))
    triples = draw(st.lists(triple, min_size=0, max_size=30))
    return triples + triples[: draw(st.integers(0, 3))]  # some duplicates


@SETTINGS
@given(triple_lists(), triple_lists())
def test_fast_writers_give_the_reference_bytes(first, second):
    graphs = [(DKID["g1"], first), (DKID["g2"], second)]
    union = first + second
    assert to_turtle(iter(union)) == reference_turtle(union)
    assert to_ntriples(iter(union)) == reference_ntriples(union)
    assert to_trig((n, iter(t)) for n, t in graphs) == reference_trig(graphs)
    for name, triples in graphs:
        assert to_ntriples(iter(triples), graph=name) == reference_ntriples(triples, graph=name)
    assert canonical_triples(iter(union)) == reference_canonical(union)


def test_blank_nodes_are_labelled_as_the_whole_graph_would_label_them():
    shared = BNode()
    triples = [
        (DKID["a"], RDFS.seeAlso, shared),
        (shared, RDFS.label, Literal("x")),
        (shared, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Restriction")),
        (BNode(), RDFS.label, Literal("x")),
    ] + [(DKID[f"s{i}"], RDFS.label, Literal(str(i), datatype=XSD.integer)) for i in range(50)]
    assert to_turtle(triples) == reference_turtle(triples)

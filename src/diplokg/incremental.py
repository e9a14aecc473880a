"""Incremental SHACL validation: a batch's cost grows with the batch, not the graph.

Why a small graph: validating ``existing + batch`` whole costs minutes at 100k triples, and
validating the batch alone (or with pyshacl's ``ont_graph``) gives false ``sh:class``
violations, since the types of the existing nodes it points at are missing. So a small data
graph is built from the batch and exactly the neighbourhood our shapes read
(``ontology/shapes.ttl``), both runs ("before" without the batch, "after" with it) validate
it, and only results whose focus node is in the *focus set* are kept — the nodes whose
verdict the batch can change, each with a context complete enough that its verdict on the
small graph equals its verdict on the whole graph.

The focus set ``F``:

- the subjects and the IRI/blank objects of the batch (an existing agreement under
  discussion becomes wrong when the batch signs it);
- nodes that reach a subject of the batch through a predicate some constraint follows
  backwards: ``dk:partOf`` (sub-event dates), ``dk:follows``, ``dk:startedBy``/``dk:endedBy``
  (phase dates), ``dk:succeeds`` (regime dates), ``dk:evidence`` (evidence sources),
  ``oa:hasSelector`` (offsets, one quote per evidence), ``dk:signedAgreement``; facts derived
  from a source the batch dates (``prov:wasDerivedFrom``, publication date);
- every phase of a relationship a phase in ``F`` belongs to (phase overlap is reported on the
  later phase);
- signings whose signatory holds a post holding of the batch (signatory in post that day).

The context: the ontology (class and property hierarchy, declarations), the full description
of every node of ``F``, the full description of every node they point at (its types, dates,
sources, selectors, parties, regimes, roles), the holdings of every person among those
(``dk:holder``, for the signatory check), and the incoming ``dk:signedAgreement`` links of
``F``. ``tests/test_incremental.py`` checks the verdict against whole-graph validation on good
and bad batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from .namespaces import DK, OA
from .rdfio import Triple

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

Lookup = Callable[[Node | None, Node | None, Node | None], Iterable[Triple]]

# p such that a constraint on ?x reads "?x p ?y" and ?y's own statements: when ?y changes,
# ?x must be validated again.
BACKWARD = (
    DK.partOf,
    DK.follows,
    DK.startedBy,
    DK.endedBy,
    DK.succeeds,
    DK.evidence,
    OA.hasSelector,
    DK.signedAgreement,
)


def _nodes(term: Node) -> bool:
    return isinstance(term, URIRef | BNode)


def focus_and_context(
    batch: set[Triple], lookup: Lookup, ontology: Iterable[Triple]
) -> tuple[set[Node], set[Triple]]:
    """The focus set and the small data graph (without the batch) for ``batch``.

    ``lookup(s, p, o)`` yields existing triples matching a pattern (``None`` is a wildcard).
    """
    subjects = {s for s, _, _ in batch}
    focus: set[Node] = set(subjects) | {o for _, _, o in batch if _nodes(o)}

    def outgoing(node: Node) -> Iterator[Triple]:
        yield from lookup(node, None, None)
        for t in batch:
            if t[0] == node:
                yield t

    def incoming(node: Node, predicate: Node) -> set[Node]:
        found = {s for s, _, _ in lookup(None, predicate, node)}
        return found | {s for s, p, o in batch if p == predicate and o == node}

    for node in subjects:
        for predicate in BACKWARD:
            focus |= incoming(node, predicate)
        if any(p == DCTERMS.date for s, p, _ in batch if s == node):
            focus |= incoming(node, PROV.wasDerivedFrom)
        # a holding of the batch: the signings its holder signs
        for _, _, person in lookup(node, DK.holder, None):
            focus |= incoming(person, DK.signatory)
        for s, p, person in batch:
            if s == node and p == DK.holder:
                focus |= incoming(person, DK.signatory)
    # every phase of the relationships of the phases in F
    relationships = {o for node in list(focus) for s, p, o in outgoing(node) if p == DK.phaseOf}
    for relationship in relationships:
        focus |= incoming(relationship, DK.phaseOf)

    context: set[Triple] = set(ontology)
    described: set[Node] = set()

    def describe(node: Node) -> None:
        if node in described:
            return
        described.add(node)
        for s, p, o in lookup(node, None, None):
            context.add((s, p, o))
            if isinstance(o, BNode):
                describe(o)

    for node in focus:
        describe(node)
    neighbours = {o for s, p, o in context if s in focus and _nodes(o)}
    neighbours |= {o for s, p, o in batch if _nodes(o)}
    for node in neighbours:
        describe(node)
    # the holdings of every person in sight (signatory in post on the signing's date)
    for node in focus | neighbours:
        for s, _, _ in lookup(None, DK.holder, node):
            describe(s)
    for node in focus:
        for s, _, _ in lookup(None, DK.signedAgreement, node):
            describe(s)
    return focus, context


def dataset_lookup(kg: KnowledgeGraph) -> Lookup:
    """Pattern lookup over the asserted named graphs of ``kg`` (no inferences)."""
    graphs = [kg.dataset.graph(f.graph) for f in kg.files]

    def lookup(s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        for graph in graphs:
            yield from graph.triples((s, p, o))

    return lookup


def ontology_triples(kg: KnowledgeGraph) -> Iterable[Triple]:
    from .graph import ONTOLOGY_GRAPH

    return kg.dataset.graph(ONTOLOGY_GRAPH)

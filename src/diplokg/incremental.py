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

Where the time goes, and what keeps it flat (~1,000 triples of context for ~100 new ones):
the neighbourhood is read with a few hundred pattern lookups, from the rdflib dataset or,
for an ``oxstore.OxKnowledgeGraph``, from its Oxigraph store (``store_lookup``: no rdflib
dataset of the whole graph is built); the shapes are parsed and harvested once per process
(``validation.load_shapes``); pyshacl's SPARQL targets, which scan the whole small graph, run
on an Oxigraph copy of it (``TargetsOnOxigraph``); only the nodes of ``F`` are validated at the
top level (``validation._restricted_shape_class``: a neighbour such as a state with 137
statements at 1M would otherwise be validated on its incomplete context, and its results
thrown away); the "before" run happens only when the "after" run reports something on ``F``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from .namespaces import DK, OA
from .rdfio import Triple

if TYPE_CHECKING:
    import pyoxigraph

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
    by_subject: dict[Node, list[Triple]] = {}
    by_predicate_object: dict[tuple[Node, Node], set[Node]] = {}
    for t in batch:  # indexed once: every question below is a dictionary lookup
        by_subject.setdefault(t[0], []).append(t)
        by_predicate_object.setdefault((t[1], t[2]), set()).add(t[0])
    subjects = set(by_subject)
    focus: set[Node] = set(subjects) | {o for _, _, o in batch if _nodes(o)}

    def outgoing(node: Node) -> Iterator[Triple]:
        yield from lookup(node, None, None)
        yield from by_subject.get(node, ())

    def incoming(node: Node, predicate: Node) -> set[Node]:
        found = {s for s, _, _ in lookup(None, predicate, node)}
        return found | by_predicate_object.get((predicate, node), set())

    for node in subjects:
        for predicate in BACKWARD:
            focus |= incoming(node, predicate)
        said = by_subject[node]
        if any(p == DCTERMS.date for _, p, _ in said):
            focus |= incoming(node, PROV.wasDerivedFrom)
        # a holding of the batch: the signings its holder signs
        for _, _, person in lookup(node, DK.holder, None):
            focus |= incoming(person, DK.signatory)
        for _, p, person in said:
            if p == DK.holder:
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


def store_lookup(store: pyoxigraph.Store) -> Lookup:
    """Pattern lookup over the named graphs of an Oxigraph store (``oxstore.open_store``: one
    graph per source file), skipping the default graph and ``GRAPH["inferred"]``.

    Why not the rdflib dataset: at 1M triples building it takes ~40 s and ~4 GB; the store is
    on disk already, and a few hundred index lookups gather the neighbourhood of a batch.
    Oxigraph keeps valid literals in canonical form (``"01"^^xsd:integer`` reads as ``"1"``).
    """
    import pyoxigraph as ox

    from .graph import INFERRED_GRAPH
    from .oxstore import to_rdflib_triple

    inferred = ox.NamedNode(str(INFERRED_GRAPH))

    def lookup(s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        if isinstance(s, Literal) or (p is not None and not isinstance(p, URIRef)):
            return
        pattern = [None if term is None else to_oxigraph(term) for term in (s, p, o)]
        for quad in store.quads_for_pattern(*pattern, None):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph) or graph == inferred:
                continue
            yield to_rdflib_triple(quad)

    return lookup


_ONTOLOGIES: dict[int, tuple[list, frozenset[Triple]]] = {}


def store_ontology(store: pyoxigraph.Store) -> frozenset[Triple]:
    """The triples of the ontology's named graph in an Oxigraph store, as rdflib terms.

    Converted once per store while the graph's quads stay the same (comparing them costs a
    fifth of converting them again)."""
    import pyoxigraph as ox

    from .graph import ONTOLOGY_GRAPH
    from .oxstore import to_rdflib_triple

    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH))))
    cached = _ONTOLOGIES.get(id(store))
    if cached is not None and cached[0] == quads:
        return cached[1]
    triples = frozenset(to_rdflib_triple(q) for q in quads)
    if len(_ONTOLOGIES) >= 8:
        _ONTOLOGIES.clear()
    _ONTOLOGIES[id(store)] = (quads, triples)
    return triples


def neighbourhood_source(kg: object) -> tuple[Lookup, Iterable[Triple]]:
    """Where ``focus_and_context`` reads the existing graph: the Oxigraph store of an
    ``oxstore.OxKnowledgeGraph`` (its rdflib dataset is never built), else the dataset."""
    store = getattr(kg, "__dict__", {}).get("store")
    if getattr(type(kg), "engine", None) == "oxigraph" and store is not None:
        return store_lookup(store), store_ontology(store)
    return dataset_lookup(kg), ontology_triples(kg)


# --- Oxigraph: the store's neighbourhood, and SPARQL targets on the small graph ---------------


def to_oxigraph(term: Node):
    """The pyoxigraph term for an rdflib term (IRI, blank node or literal)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


class TargetsOnOxigraph(Graph):
    """An in-memory rdflib graph whose unbound SPARQL queries Oxigraph answers.

    Why: pyshacl evaluates each SPARQL target (``sh:target [ a sh:SPARQLTarget ]``) once, on
    the whole data graph, with no bindings; rdflib's evaluator spends ~0.2 s on our vocabulary
    target for a 1,000-triple graph, Oxigraph well under a millisecond. Triple lookups and the
    SPARQL constraints (run with ``$this`` bound) stay with rdflib, so every message is the
    one whole-graph validation writes.

    Exact or not at all: Oxigraph stores valid literals in canonical form (``"01"^^xsd:integer``
    as ``"1"``), which could change a ``FILTER``. So the mirror is used only when every triple
    reads back exactly as given (``exact``); otherwise every query goes to rdflib.
    """

    def __init__(self, triples: Iterable[Triple]) -> None:
        super().__init__(bind_namespaces="none")
        from .rdfio import bind_prefixes

        bind_prefixes(self)
        for triple in triples:
            self.add(triple)
        self._mirror = self._build_mirror()

    def _build_mirror(self):
        import pyoxigraph as ox

        from .oxstore import to_rdflib

        converted: dict[Node, object] = {}

        def convert(term: Node):
            found = converted.get(term)
            if found is None:
                found = converted[term] = to_oxigraph(term)
            return found

        try:
            store = ox.Store()
            store.extend([ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in self])
        except (TypeError, ValueError):
            return None
        # IRIs and blank node labels are kept as given; a literal may come back rewritten,
        # and two literals may become one (then the store is smaller)
        literals = {term for term in converted if isinstance(term, Literal)}
        back = {
            to_rdflib(row[0])
            for row in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER isLiteral(?o) }")
        }
        if len(store) != len(self) or back != literals:
            return None
        return store

    @property
    def exact(self) -> bool:
        return self._mirror is not None

    def query(  # noqa: D102 — rdflib's signature
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,  # noqa: N803
        initBindings=None,  # noqa: N803
        use_store_provided=True,
        **kwargs,
    ):
        if self._mirror is not None and isinstance(query_object, str) and not initBindings:
            answer = self._oxigraph_select(query_object)
            if answer is not None:
                return answer
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def _oxigraph_select(self, text: str):
        import pyoxigraph as ox
        from rdflib.query import Result

        from .oxstore import solution_rows

        try:
            answer = self._mirror.query(text)
        except (SyntaxError, ValueError, OSError):
            return None  # rdflib decides (and words any error)
        if not isinstance(answer, ox.QuerySolutions):
            return None
        result = Result("SELECT")
        result.vars, rows = solution_rows(answer)
        result.bindings = list(rows)
        return result

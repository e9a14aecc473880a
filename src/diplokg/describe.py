"""``describe``: everything the graph says about one entity, with the evidence.

Why: to check a fact one wants its neighbourhood (outgoing and incoming links, with labels)
and the sentence it was read from. Terms are found by full IRI, prefixed name or exact
``rdfs:label`` (case-insensitive), because people remember names, not IRIs.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS
from rdflib.term import Node

from .errors import UnknownTermError
from .labels import label_of
from .namespaces import DK, GRAPH, OA, PREFIXES
from .rdfio import escape_string, new_graph, term_sort_key, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .remote import RemoteKnowledgeGraph


@dataclass(frozen=True)
class Evidence:
    """One quote backing a fact."""

    fact: Node
    node: Node
    source: Node | None
    source_file: str | None
    quote: str | None
    start: int | None
    end: int | None


@dataclass
class Description:
    """The entity, its outgoing and incoming statements, and the evidence of its facts."""

    term: URIRef
    label: str | None
    outgoing: dict[Node, list[Node]] = field(default_factory=dict)
    incoming: dict[Node, list[Node]] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    graph: Graph | None = None

    def _show(self, node: Node) -> str:
        text = term_text(node)
        if self.graph is not None and isinstance(node, URIRef):
            label = label_of(self.graph, node)
            if label:
                return f"{text}  ({label})"
        return text

    def to_text(self) -> str:
        head = term_text(self.term) + (f'  "{self.label}"' if self.label else "")
        lines = [head, f"<{self.term}>", ""]
        for predicate in sorted(self.outgoing, key=term_sort_key):
            lines.append(f"  {self._show(predicate)}")
            lines += [f"      {self._show(o)}" for o in self.outgoing[predicate]]
        if self.incoming:
            lines += ["", "Incoming:"]
            for predicate in sorted(self.incoming, key=term_sort_key):
                lines.append(f"  {self._show(predicate)} of")
                lines += [f"      {self._show(s)}" for s in self.incoming[predicate]]
        if self.evidence:
            lines += ["", "Evidence:"]
            for item in self.evidence:
                where = term_text(item.source) if item.source is not None else "unknown source"
                if item.source_file:
                    where += f" ({item.source_file}"
                    if item.start is not None and item.end is not None:
                        where += f", characters {item.start}-{item.end}"
                    where += ")"
                lines.append(f"  {term_text(item.fact)} — {where}")
                if item.quote is not None:
                    lines.append(f'      "{item.quote}"')
        return "\n".join(lines) + "\n"


def resolve_term(graph: Graph, text: str) -> URIRef:
    """``<iri>``, a bare IRI, a prefixed name or an exact label → the IRI it names."""

    def labels() -> list[tuple[Node, Node]]:
        return list(graph.subject_objects(RDFS.label))

    return _resolve(text, lambda iri: _mentioned(graph, iri), labels)


def _resolve(
    text: str, mentioned: Callable[[URIRef], bool], labels: Callable[[], list[tuple[Node, Node]]]
) -> URIRef:
    value = text.strip()
    candidates: list[URIRef] = []
    if value.startswith("<") and value.endswith(">"):
        candidates.append(URIRef(value[1:-1]))
    elif "://" in value or value.startswith("urn:"):
        candidates.append(URIRef(value))
    elif ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES:
            candidates.append(URIRef(str(PREFIXES[prefix]) + local))
    for iri in candidates:
        if mentioned(iri):
            return iri
    wanted = value.casefold()
    pairs = labels()
    by_label = sorted(
        {
            s
            for s, o in pairs
            if isinstance(s, URIRef) and isinstance(o, Literal) and str(o).casefold() == wanted
        },
        key=str,
    )
    if len(by_label) == 1:
        return by_label[0]
    if len(by_label) > 1:
        names = ", ".join(term_text(s) for s in by_label)
        raise UnknownTermError(f"{text!r} is the label of several entities: {names}")
    known = sorted({str(o) for _, o in pairs if isinstance(o, Literal)})
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownTermError(f"unknown term {text!r}: no such IRI or label in the graph{hint}")


def _mentioned(graph: Graph, iri: URIRef) -> bool:
    return any(
        True
        for _ in (
            *graph.triples((iri, None, None)),
            *graph.triples((None, None, iri)),
            *graph.triples((None, iri, None)),
        )
    )


def describe(kg: KnowledgeGraph | RemoteKnowledgeGraph, text: str) -> Description:
    """Build the ``Description`` of the entity ``text`` names (see ``resolve_term``).

    An engine answered by a store (Oxigraph, a remote endpoint) is asked for the entity's
    neighbourhood only (``neighbourhood``); the rdflib graph, or an object with just
    ``union()``, is read directly (rdflib's SPARQL would take seconds for the same answer).
    """
    from .graph import KnowledgeGraph

    if hasattr(kg, "query") and not isinstance(kg, KnowledgeGraph):
        graph, term = neighbourhood(kg, text)
    else:
        graph = kg.union()
        term = resolve_term(graph, text)
    return describe_in(graph, term)


def describe_in(graph: Graph, term: URIRef) -> Description:
    """The ``Description`` of ``term`` as ``graph`` has it (the union, or its neighbourhood)."""
    description = Description(term=term, label=label_of(graph, term), graph=graph)
    for p, o in graph.predicate_objects(term):
        description.outgoing.setdefault(p, []).append(o)
    for s, p in graph.subject_predicates(term):
        description.incoming.setdefault(p, []).append(s)
    for bucket in (description.outgoing, description.incoming):
        for key in bucket:
            bucket[key] = sorted(set(bucket[key]), key=term_sort_key)
    # facts in the order they are shown (incoming predicates sorted), not the store's order
    # (which followed the hash seed)
    facts = [term] + [
        s for p in sorted(description.incoming, key=term_sort_key) for s in description.incoming[p]
    ]
    seen: set[tuple[Node, Node]] = set()
    for fact in facts:
        for node in sorted(graph.objects(fact, DK.evidence), key=term_sort_key):
            if (fact, node) not in seen:
                seen.add((fact, node))
                description.evidence.append(_evidence(graph, fact, node))
    return description


# --- the neighbourhood, through an engine's SPARQL -------------------------------------------

OUR_GRAPHS = f'FILTER (STRSTARTS(STR(?g), "{GRAPH}"))'
"""Whole-graph scope: the named graphs of the home (an endpoint holds its own graphs too)."""

CHUNK = 500
"""IRIs per VALUES block when asking about many nodes at once."""


def _select(kg, text: str) -> list[tuple]:
    result = kg.query(text)
    return [tuple(row) for row in result]


def _about(kg, nodes: Iterable[Node], predicates: Iterable[URIRef] | None = None) -> list:
    """Triples ``(node, p, o)`` for the IRIs among ``nodes`` (``p`` in ``predicates``, if
    given). Blank nodes cannot be named in a later query; the data has none (data-model.md)."""
    iris = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    only = ""
    if predicates is not None:
        only = "VALUES ?p { " + " ".join(f"<{p}>" for p in predicates) + " }\n"
    triples = []
    for start in range(0, len(iris), CHUNK):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + CHUNK])
        rows = _select(
            kg,
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }}\n{only}"
            f"GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }}",
        )
        triples += rows
    return triples


def _labels(kg, text: str) -> list[tuple[Node, Node]]:
    """The labels equal to ``text`` ignoring case (asked for by LCASE, a small answer even
    where an endpoint cuts large ones); every label when none matches by ``casefold`` (for
    the "did you mean" hint, and for the few letters LCASE and casefold treat apart)."""
    wanted = text.strip()
    found = _select(
        kg,
        f"SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{RDFS.label}> ?o }} "
        f"FILTER (LCASE(STR(?o)) = LCASE({escape_string(wanted)})) {OUR_GRAPHS} }}",
    )
    if any(str(o).casefold() == wanted.casefold() for _, o in found):
        return found
    return _select(
        kg, f"SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{RDFS.label}> ?o }} {OUR_GRAPHS} }}"
    )


def neighbourhood(kg, text: str) -> tuple[Graph, URIRef]:
    """The entity ``text`` names and a small graph with what ``describe_in`` reads about it:
    its statements both ways, the labels of the nodes shown, and its facts' evidence chain."""
    term = _resolve(
        text,
        lambda iri: bool(
            _select(
                kg,
                f"SELECT ?g WHERE {{ GRAPH ?g {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} "
                f"UNION {{ ?s <{iri}> ?o }} }} {OUR_GRAPHS} }} LIMIT 1",
            )
        ),
        lambda: _labels(kg, text),
    )
    graph = new_graph()
    outgoing = _about(kg, [term])
    incoming = [
        (s, p, term)
        for s, p in _select(
            kg, f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p <{term}> }} {OUR_GRAPHS} }}"
        )
    ]
    shown = {term} | {x for _, p, o in outgoing for x in (p, o)}
    shown |= {x for s, p, _ in incoming for x in (s, p)}
    facts = [term] + [s for s, _, _ in incoming]
    links = _about(kg, facts, [DK.evidence, PROV.wasDerivedFrom])
    nodes = [o for _, p, o in links if p == DK.evidence]
    chain = _about(kg, nodes, [OA.hasSource, OA.hasSelector])
    ends = [o for _, _, o in chain] + [o for _, p, o in links if p == PROV.wasDerivedFrom]
    details = _about(kg, ends, [OA.exact, OA.start, OA.end, DK.sourceFile])
    labels = _about(kg, shown, [RDFS.label])
    for triple in (*outgoing, *incoming, *links, *chain, *details, *labels):
        graph.add(triple)
    return graph, term


def _evidence(graph: Graph, fact: Node, node: Node) -> Evidence:
    source = graph.value(node, OA.hasSource) or graph.value(fact, PROV.wasDerivedFrom)
    quote = start = end = None
    for selector in sorted(graph.objects(node, OA.hasSelector), key=term_sort_key):
        exact = graph.value(selector, OA.exact)
        if exact is not None and quote is None:
            quote = str(exact)
        begin, finish = graph.value(selector, OA.start), graph.value(selector, OA.end)
        if begin is not None and finish is not None and start is None:
            start, end = _int(begin), _int(finish)
    source_file = graph.value(source, DK.sourceFile) if source is not None else None
    return Evidence(
        fact=fact,
        node=node,
        source=source,
        source_file=None if source_file is None else str(source_file),
        quote=quote,
        start=start,
        end=end,
    )


def _int(value: Node) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None

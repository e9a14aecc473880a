"""``describe``: everything the graph says about one entity, with the evidence.

Why: to check a fact one wants its neighbourhood (outgoing and incoming links, with labels)
and the sentence it was read from. Terms are found by full IRI, prefixed name or exact
``rdfs:label`` (case-insensitive), because people remember names, not IRIs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS
from rdflib.term import Node

from .errors import UnknownTermError
from .labels import label_of
from .namespaces import DK, OA, PREFIXES
from .rdfio import term_sort_key, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph


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
        if _mentioned(graph, iri):
            return iri
    wanted = value.casefold()
    by_label = sorted(
        {
            s
            for s, o in graph.subject_objects(RDFS.label)
            if isinstance(s, URIRef) and isinstance(o, Literal) and str(o).casefold() == wanted
        },
        key=str,
    )
    if len(by_label) == 1:
        return by_label[0]
    if len(by_label) > 1:
        names = ", ".join(term_text(s) for s in by_label)
        raise UnknownTermError(f"{text!r} is the label of several entities: {names}")
    labels = sorted({str(o) for o in graph.objects(None, RDFS.label) if isinstance(o, Literal)})
    close = difflib.get_close_matches(value, labels, n=3, cutoff=0.6)
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


def describe(kg: KnowledgeGraph, text: str) -> Description:
    """Build the ``Description`` of the entity ``text`` names (see ``resolve_term``)."""
    graph = kg.union()
    term = resolve_term(graph, text)
    description = Description(term=term, label=label_of(graph, term), graph=graph)
    for p, o in graph.predicate_objects(term):
        description.outgoing.setdefault(p, []).append(o)
    for s, p in graph.subject_predicates(term):
        description.incoming.setdefault(p, []).append(s)
    for bucket in (description.outgoing, description.incoming):
        for key in bucket:
            bucket[key] = sorted(set(bucket[key]), key=term_sort_key)
    facts = [term] + [s for subjects in description.incoming.values() for s in subjects]
    seen: set[tuple[Node, Node]] = set()
    for fact in facts:
        for node in sorted(graph.objects(fact, DK.evidence), key=term_sort_key):
            if (fact, node) not in seen:
                seen.add((fact, node))
                description.evidence.append(_evidence(graph, fact, node))
    return description


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

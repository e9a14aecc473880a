"""``stats``: how big the graph is and where its facts come from.

Why: a quick health check after editing ``data/`` — a file that silently lost its triples, a
class with no instances, a source nobody cites all show up here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import PROV, RDF

from .describe import OUR_GRAPHS
from .namespaces import GRAPH
from .rdfio import term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .remote import RemoteKnowledgeGraph


@dataclass(frozen=True)
class Stats:
    """Counts, each as sorted ``(name, count)`` pairs."""

    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    sources: list[tuple[str, int]]
    total: int

    def to_text(self) -> str:
        lines = [f"Triples: {self.total} (union of all graphs)", ""]
        for title, rows in (
            ("Triples per named graph", self.graphs),
            ("Instances per class", self.classes),
            ("Facts per source", self.sources),
        ):
            lines.append(f"{title}:")
            width = max((len(name) for name, _ in rows), default=0)
            lines += [f"  {name.ljust(width)}  {count:>6}" for name, count in rows] or ["  (none)"]
            lines.append("")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {
            "total": self.total,
            "graphs": dict(self.graphs),
            "classes": dict(self.classes),
            "sources": dict(self.sources),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def compute_stats(kg: KnowledgeGraph | RemoteKnowledgeGraph) -> Stats:
    """Triples per named graph, distinct instances per class, distinct facts per source.

    Counted by SPARQL through the engine's ``query`` (rdflib, Oxigraph or a remote endpoint),
    over the home's named graphs only (``GRAPH`` namespace; an endpoint has others).
    """
    from .graph import KnowledgeGraph

    if isinstance(kg, KnowledgeGraph):
        return _stats_of_dataset(kg)  # rdflib's SPARQL would take seconds for the same counts
    scope = OUR_GRAPHS
    graphs = sorted(
        (str(g), int(n))
        for g, n in kg.query(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {scope} }} GROUP BY ?g"
        )
    )
    total = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} {scope} }} }}"
    )
    return Stats(
        graphs=[(name.removeprefix(str(GRAPH)), count) for name, count in graphs if count],
        classes=_ranked(kg, RDF.type, "FILTER (isIRI(?o))"),
        sources=_ranked(kg, PROV.wasDerivedFrom),
        total=sum(int(n) for (n,) in total),
    )


def _ranked(kg, predicate: URIRef, condition: str = "") -> list[tuple[str, int]]:
    """Distinct subjects per object of ``predicate``, most first, then by name."""
    counts: Counter[str] = Counter()
    rows = kg.query(
        f"SELECT ?o (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} "
        f"{condition} {OUR_GRAPHS} }} GROUP BY ?o"
    )
    for o, n in rows:
        counts[term_text(o)] += int(n)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _stats_of_dataset(kg: KnowledgeGraph) -> Stats:
    """The same counts read from the rdflib dataset directly."""
    graphs = [
        (str(name).removeprefix(str(GRAPH)), len(kg.named_graph(name))) for name in kg.graph_names()
    ]
    union = kg.union()
    classes: Counter[str] = Counter()
    for _, cls in set(union.subject_objects(RDF.type)):
        if isinstance(cls, URIRef):
            classes[term_text(cls)] += 1
    sources: Counter[str] = Counter()
    for _, source in set(union.subject_objects(PROV.wasDerivedFrom)):
        sources[term_text(source)] += 1
    return Stats(
        graphs=[(name, count) for name, count in sorted(graphs) if count],
        classes=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        sources=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
        total=len(union),
    )

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

from .namespaces import GRAPH
from .rdfio import term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph


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


def compute_stats(kg: KnowledgeGraph) -> Stats:
    """Triples per named graph, distinct instances per class, distinct facts per source."""
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
        graphs=graphs,
        classes=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        sources=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
        total=len(union),
    )

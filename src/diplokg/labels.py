"""Human names for terms: the ``rdfs:label`` to show next to an IRI.

Why: reports and ``describe`` print IRIs, and ``dkid:ev-000-1025-1119`` means little without
its label. English is preferred, then a label without language, then any (sorted, so the
choice is stable).
"""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDFS
from rdflib.term import Node

from .rdfio import term_text


def label_of(graph: Graph, term: Node) -> str | None:
    """The preferred ``rdfs:label`` of ``term`` in ``graph``, or ``None``."""
    labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)]
    if not labels:
        return None

    def rank(label: Literal) -> tuple[int, str, str]:
        lang = (label.language or "").lower()
        order = 0 if lang.startswith("en") else 1 if not lang else 2
        return (order, lang, str(label))

    return str(min(labels, key=rank))


def named(graph: Graph, term: Node) -> str:
    """``dkid:laos (Laos)`` for a labelled IRI; the term alone otherwise."""
    text = term_text(term)
    label = label_of(graph, term) if not isinstance(term, Literal) else None
    return f"{text} ({label})" if label else text

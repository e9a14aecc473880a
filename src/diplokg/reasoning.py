"""OWL RL inference, on request only.

Why separate and lazy: owlrl is slow to import and to run, and inferred triples are derived
data — they live in the named graph ``GRAPH["inferred"]`` of the in-memory dataset and are
never written back into ``data/``. Only the triples the reasoner adds are kept, so the
asserted graphs stay exactly as authored.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal

from .rdfio import Triple, new_graph


def infer(triples: Iterable[Triple]) -> set[Triple]:
    """The triples OWL RL entails from ``triples`` that are not already among them."""
    import owlrl

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    before = set(graph)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return {t for t in graph if t not in before and not isinstance(t[0], Literal)}

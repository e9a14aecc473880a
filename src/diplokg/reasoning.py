"""OWL RL inference, on request only.

Why separate and lazy: owlrl is slow to import and to run, and inferred triples are derived
data — they live in the named graph ``GRAPH["inferred"]`` of the in-memory dataset and are
never written back into ``data/``. Only the triples the reasoner adds are kept, so the
asserted graphs stay exactly as authored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rdflib import Literal

from .errors import InferenceLimitError
from .rdfio import Triple, new_graph

MAX_INFERRED = 200_000
"""Most triples one inference run may add (owlrl once grew 602 triples to 41,315)."""
TIME_LIMIT = 60.0
"""Seconds one inference run may take."""


def _bounded_semantics(max_inferred: int, deadline: float, time_limit: float):
    """``OWLRL_Semantics`` that stops with ``InferenceLimitError`` past either limit.

    owlrl has no hook for limits, but every inferred triple goes through ``store_triple``
    and every cycle calls ``rules`` once per triple: both are checked there.
    """
    import owlrl

    class Bounded(owlrl.OWLRL_Semantics):
        stored = 0
        calls = 0

        def store_triple(self, t):  # noqa: ANN001 — owlrl's signature
            before = len(self.added_triples)
            super().store_triple(t)
            if len(self.added_triples) > before:
                self.stored += 1
                if self.stored > max_inferred:
                    raise InferenceLimitError(
                        f"OWL RL inference stopped: it inferred more than {max_inferred} "
                        "triples (the cap; the ontology probably has a runaway property "
                        "such as one both transitive and symmetric)"
                    )
                self._check_time()

        def rules(self, t, cycle_num):  # noqa: ANN001
            self.calls += 1
            if self.calls % 512 == 0:
                self._check_time()
            super().rules(t, cycle_num)

        def _check_time(self) -> None:
            if time.monotonic() > deadline:
                raise InferenceLimitError(
                    f"OWL RL inference stopped: it ran past the time limit of {time_limit:g} s"
                )

    return Bounded


def infer(
    triples: Iterable[Triple],
    max_inferred: int | None = None,
    time_limit: float | None = None,
) -> set[Triple]:
    """The triples OWL RL entails from ``triples`` that are not already among them.

    Raises ``InferenceLimitError`` past ``max_inferred`` new triples or ``time_limit`` s
    (default: ``MAX_INFERRED`` and ``TIME_LIMIT``).
    """
    import owlrl

    max_inferred = MAX_INFERRED if max_inferred is None else max_inferred
    time_limit = TIME_LIMIT if time_limit is None else time_limit

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    before = set(graph)
    semantics = _bounded_semantics(max_inferred, time.monotonic() + time_limit, time_limit)
    # improved_datatypes=False: otherwise owlrl swaps rdflib's global literal converters for
    # its own (which reject a valid "--01-01"^^xsd:gMonthDay) and, if stopped by a limit,
    # never swaps them back.
    owlrl.DeductiveClosure(
        semantics, axiomatic_triples=False, datatype_axioms=False, improved_datatypes=False
    ).expand(graph)
    return {t for t in graph if t not in before and not isinstance(t[0], Literal)}

"""A workaround for rdflib's ``ORDER BY``, installed once when queries run.

Why: rdflib 7 sorts solutions with a key that is ``None`` for an unbound variable or an
expression error (``ORDER BY STR(?date)`` with ``?date`` unbound), and Python cannot compare
``None`` with anything, so the whole query fails with a ``TypeError``. SPARQL 1.1 (15.1) says
unbound and error values sort lowest. We replace the sort key of rdflib's evaluator with one
that ranks them first and, when two literals cannot be compared (a date and a string), falls
back on datatype and lexical form, so the order stays total and deterministic.
"""

from __future__ import annotations

from typing import Any

from rdflib.term import BNode, Literal, URIRef, Variable

_RANKS = ((Variable, 0), (BNode, 1), (URIRef, 2), (Literal, 3))


class OrderKey:
    """Sort key for one ``ORDER BY`` value (only ``<`` is used by ``sorted``)."""

    __slots__ = ("rank", "term")

    def __init__(self, term: Any) -> None:
        self.term = term
        self.rank = next((rank for cls, rank in _RANKS if isinstance(term, cls)), -1)

    def __lt__(self, other: OrderKey) -> bool:
        if self.rank != other.rank:
            return self.rank < other.rank
        if self.rank == -1:
            return False
        try:
            less = self.term < other.term
        except TypeError:
            less = NotImplemented
        if less is NotImplemented:
            return _fallback(self.term) < _fallback(other.term)
        if not less and not other.term < self.term and self.term != other.term:
            return _fallback(self.term) < _fallback(other.term)
        return bool(less)


def _fallback(term: Any) -> tuple[str, str, str]:
    datatype = str(getattr(term, "datatype", None) or "")
    language = str(getattr(term, "language", None) or "")
    return (datatype, language, str(term))


_installed = False


def install() -> None:
    """Point rdflib's ``ORDER BY`` at ``OrderKey`` (idempotent)."""
    global _installed
    if _installed:
        return
    from rdflib.plugins.sparql import evaluate

    evaluate._val = OrderKey
    _installed = True

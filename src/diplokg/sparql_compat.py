"""Two workarounds for rdflib's SPARQL engine, installed once when queries or SHACL run.

1. Parse each query text once. pyshacl runs a SHACL-SPARQL constraint once per focus node
   with the query as a string, and rdflib re-parses the string every time: on our graph that
   was 20+ seconds of parsing for half a second of evaluation. Translated queries are
   immutable during evaluation (``prepareQuery`` relies on this), so a bounded cache of
   ``translateQuery(parseQuery(text))`` keyed by text, base and namespaces is safe.

2. ``ORDER BY`` over unbound values. rdflib 7 sorts solutions with a key that is ``None``
   for an unbound variable or an expression error (``ORDER BY STR(?date)`` with ``?date``
   unbound), and Python cannot compare ``None`` with anything, so the whole query fails with
   a ``TypeError``. SPARQL 1.1 (15.1) says unbound and error values sort lowest. We replace
   the sort key of rdflib's evaluator with one that ranks them first and, when two literals
   cannot be compared (a date and a string), falls back on datatype and lexical form, so the
   order stays total and deterministic.
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
_CACHE_SIZE = 256
_cache: dict[tuple, Any] = {}


def _cached_query_method(original: Any) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            key = (strOrQuery, base, namespaces)
            translated = _cache.get(key)
            if translated is None:
                translated = translateQuery(parseQuery(strOrQuery), base, initNs)
                if len(_cache) >= _CACHE_SIZE:
                    _cache.clear()
                _cache[key] = translated
            strOrQuery = translated
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    return query


def install() -> None:
    """Install the query cache and the ``ORDER BY`` key (idempotent)."""
    global _installed
    if _installed:
        return
    from rdflib.plugins.sparql import evaluate
    from rdflib.plugins.sparql.processor import SPARQLProcessor

    evaluate._val = OrderKey
    SPARQLProcessor.query = _cached_query_method(SPARQLProcessor.query)
    _installed = True

"""What a query may not do, decided from the parsed query before anything is evaluated.

Why here and not in ``server``: the endpoint and the CLI (``diplokg query``) refuse the same
things, so they share one check. rdflib would honour each of them: ``SERVICE <url>`` sends an
HTTP request, ``FROM <file:///etc/passwd>`` (with ``SPARQL_LOAD_GRAPHS``, on by default) reads
a local file or URL into the dataset, ``LOAD`` fetches a URL, and Update changes the graph.
The check reads the algebra, so ``SERVICE`` hidden in ``EXISTS``, ``OPTIONAL`` or a subquery is
found too. ``install`` also turns ``SPARQL_LOAD_GRAPHS`` off, so even a ``FROM`` that slipped
past the check would load nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import URIRef


def install() -> None:
    """Never let rdflib load a graph named in ``FROM``/``FROM NAMED`` (idempotent)."""
    import rdflib.plugins.sparql as sparql

    sparql.SPARQL_LOAD_GRAPHS = False


def walk(node: Any) -> Iterable[Any]:
    """Every ``CompValue`` inside a parsed or translated query (iterative, any depth)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)


def refusal(
    query: Any, dataset_graphs: Iterable[URIRef], where: str = "this endpoint"
) -> str | None:
    """Why ``query`` (a translated ``rdflib`` query) is refused, or None if it may run.

    ``SERVICE`` anywhere, and ``FROM``/``FROM NAMED`` naming a graph the dataset does not hold.
    """
    known = set(dataset_graphs)
    algebra = query.algebra  # CompValue.get(key) returns the key itself when missing
    for clause in (algebra["datasetClause"] if "datasetClause" in algebra else None) or []:
        named = clause["named"] if "named" in clause else None
        iri = named if named is not None else clause["default"]
        if iri not in known:
            keyword = "FROM NAMED" if named is not None else "FROM"
            return (
                f"{keyword} <{iri}> refused: it names no graph of this dataset and {where} "
                "never loads data from URLs or files (graphs: see the service description)"
            )
    for node in walk(query.algebra):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            target = node["term"] if "term" in node else "?"
            return (
                f"SERVICE <{target}> refused: {where} does not run federated queries "
                "(it never connects to other servers)"
            )
    return None


def update_refusal(text: str, where: str = "this endpoint") -> tuple[int, str] | None:
    """If ``text`` parses as SPARQL Update: (400, why) for ``LOAD``, else (403, why).

    None when it is not an update at all.
    """
    from rdflib.plugins.sparql import parser

    try:
        parsed = parser.parseUpdate(text)
    except Exception:  # noqa: BLE001 — not an update either
        return None
    requests = parsed["request"] if "request" in parsed else None
    operations = [getattr(op, "name", "") for op in requests or []]
    if "Load" in operations:
        return (
            400,
            f"LOAD refused: {where} never fetches data from URLs or files, and it is "
            "read-only (SPARQL Update is not allowed)",
        )
    return 403, f"SPARQL Update is not allowed: {where} is read-only"

"""``diplokg serve``: a read-only SPARQL 1.1 Protocol endpoint, saved queries and entity pages.

Why this shape: the HTTP side is Starlette on uvicorn (no hand-rolled HTTP); every query runs
in a forked worker process (``workers``) so a runaway query can be killed at its time limit,
and two workers use two cores. Queries are answered by an in-memory Oxigraph store loaded
before the fork (``--engine rdflib`` or ``--reason``: rdflib's dataset), or forwarded to a
remote endpoint (``--endpoint``: a read-only proxy). Everything a query could do to reach
outside the loaded graph is refused before any engine sees it: by reading rdflib's parsed
algebra (``check_query``: ``SERVICE``, ``FROM``/``FROM NAMED`` outside the dataset, Update and
``LOAD``) and by looking for those words in the text (``reaching_word``, in case the engine's
parser reads it otherwise); then the process-wide audit hook (``sandbox``) refuses outbound
connections and reading files outside home, and local workers have no network at all
(``workers.cut_network``: Oxigraph's own HTTP client is native code the hook cannot see).

Routes:

* ``/sparql`` — GET ``?query=``, POST form (``query=``), POST ``application/sparql-query``;
  results by ``Accept`` or ``?format=``; a service description (Turtle) with no query.
* ``/queries`` — the saved queries (HTML or JSON); ``/queries/NAME?param=value`` runs one.
* ``/id/SLUG`` — the page of ``https://w3id.org/diplokg/id/SLUG`` (HTML, Turtle, JSON-LD).
* ``/`` — a query page: editor, examples, results table (plain HTML/JS/CSS, no CDN).

Status codes: 400 malformed or refused query, bad parameter; 403 SPARQL Update; 404 unknown
query or entity; 413 request too large; 415 unsupported body type; 503 (with
``Retry-After``) time limit exceeded or too many queries in flight.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from .errors import DiplokgError, InputError, QueryParameterError
from .labels import label_of
from .namespaces import DK, DKID, OA, PREFIXES
from .rdfio import term_sort_key, term_text

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .queries import SavedQuery

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_CONCURRENT = 64
DEFAULT_MAX_REQUEST_BYTES = 256 * 1024

TRUNCATED_HEADER = "X-Diplokg-Truncated"
MAX_ROWS_HEADER = "X-Diplokg-Max-Rows"
ENGINE_HEADER = "X-Diplokg-Engine"

# --- formats and content negotiation ---------------------------------------------------------

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "html": "text/html; charset=utf-8",
}
"""The media type sent for each format."""

RESULT_OFFERS = (
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
)
"""What SELECT and ASK results can be sent as; the first is the default."""

GRAPH_OFFERS = (
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/x-turtle", "ttl"),
    ("text/plain", "nt"),
    ("application/json", "jsonld"),
)
"""What CONSTRUCT and DESCRIBE results (and entity data) can be sent as."""

ENTITY_OFFERS = (("text/html", "html"), ("application/xhtml+xml", "html")) + GRAPH_OFFERS

FORMAT_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "ttl": "ttl",
    "turtle": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "html": "html",
}
"""Values of the ``format`` parameter (a media type is accepted too)."""


def parse_accept(header: str | None) -> list[str]:
    """Media ranges of an ``Accept`` header, best first (q-value, then the client's order)."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, index, media))
    return [media for _, _, media in sorted(ranges)]


def negotiate(accept: str | None, offers: Iterable[tuple[str, str]]) -> str:
    """The format of the first offer the client accepts best; the default offer otherwise.

    Lenient on purpose: a client whose ``Accept`` matches nothing still gets the default
    format rather than a 406, as most SPARQL endpoints do.
    """
    offers = list(offers)
    for media in parse_accept(accept):
        for offered, fmt in offers:
            if media in ("*/*", offered) or (
                media.endswith("/*") and offered.startswith(media[:-1])
            ):
                return fmt
    return offers[0][1]


def requested_format(fmt: str | None, accept: str | None, offers: Iterable[tuple[str, str]]) -> str:
    """``?format=`` wins over ``Accept``; a format the offers do not include is an error.

    ``format`` is a short name (``json``, ``ttl``…) or media types, as some clients send it
    (SPARQLWrapper sends ``format=application/ld+json,application/x-json+ld``).
    """
    offers = list(offers)
    if not fmt:
        return negotiate(accept, offers)
    allowed = sorted({f for _, f in offers})
    value = fmt.strip().lower()
    name = FORMAT_NAMES.get(value)
    if name is None:
        for media in parse_accept(value):
            name = dict(offers).get(media) or FORMAT_NAMES.get(media)
            if name in allowed:
                break
    if name not in allowed:
        raise HTTPProblem(400, f"format {fmt!r} does not fit here (one of: {', '.join(allowed)})")
    return name


# --- replies (what a worker sends back) -------------------------------------------------------


@dataclass
class Reply:
    """A finished HTTP answer, small enough to pickle through the worker pipe."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HTTPProblem(Exception):
    """An error with an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def __reduce__(self):  # picklable across the worker pipe
        return (HTTPProblem, (self.status, self.message, self.headers))

    def reply(self) -> Reply:
        return Reply(self.status, (self.message + "\n").encode("utf-8"), headers=self.headers)


# --- the safety check: read the parsed query, not its text ------------------------------------


def check_query(query: Any, dataset_graphs: Iterable[URIRef]) -> None:
    """Refuse (``HTTPProblem`` 400) what would reach outside the loaded dataset.

    ``SERVICE`` anywhere (also inside ``EXISTS`` or a subquery) and ``FROM``/``FROM NAMED``
    naming a graph the dataset does not hold: rdflib would fetch those over the network or
    from the file system. The check itself is shared with the CLI (``sparql_safety``).
    """
    from .sparql_safety import refusal

    message = refusal(query, dataset_graphs)
    if message is not None:
        raise HTTPProblem(400, message)


def update_problem(text: str) -> HTTPProblem | None:
    """If ``text`` parses as SPARQL Update: 400 for ``LOAD`` (it fetches a URL), else 403."""
    from .sparql_safety import update_refusal

    refused = update_refusal(text)
    return None if refused is None else HTTPProblem(*refused)


def syntax_problem(exc: Exception) -> HTTPProblem:
    line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
    reason = getattr(exc, "msg", None) or str(exc)
    if isinstance(line, int) and isinstance(column, int):
        return HTTPProblem(400, f"SPARQL syntax error at line {line}, column {column}: {reason}")
    return HTTPProblem(400, f"SPARQL error: {reason}")


# --- worker-side state and job handling -------------------------------------------------------

ENGINES = ("oxigraph", "rdflib", "remote")
"""What answers the queries: an in-memory Oxigraph store (the default), rdflib's Memory
dataset (``--engine rdflib``, and ``--reason``), or a remote endpoint (``--endpoint``)."""


@dataclass
class State:
    """What every worker shares (copy-on-write after fork): the engine, the saved queries and
    the limits. ``graph_names`` are the graphs a ``FROM`` may name; ``sizes`` holds triples
    per named graph and ``triples`` in the union (``None`` when unknown: a remote endpoint)."""

    engine: str
    graph_names: list[URIRef]
    saved: dict[str, SavedQuery]
    max_rows: int
    triples: int | None = None
    sizes: dict[URIRef, int] = field(default_factory=dict)
    kg: KnowledgeGraph | None = None
    union: Graph | None = None
    store: Any = None
    endpoint: str | None = None
    prepared: dict[str, Any] = field(default_factory=dict)


_STATE: State | None = None


def load_state(
    home: Any = None,
    reason: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    engine: str = "oxigraph",
    endpoint: str | None = None,
) -> State:
    """Load the graph (or check the endpoint answers), and parse the saved queries once.

    Oxigraph: an in-memory store filled from the home's files (safe to share with forked
    workers, unlike a RocksDB store, whose background threads do not survive a fork).
    ``reason`` needs rdflib (the inferences are computed there), so it picks rdflib.
    """
    from .paths import Home, resolve_home
    from .queries import list_saved

    home = home if isinstance(home, Home) else resolve_home(home)
    saved = {q.name: q for q in list_saved(home)}
    if endpoint:
        from .graph import INFERRED_GRAPH, home_graph_names

        names = [n for n in home_graph_names(home) if n != INFERRED_GRAPH]
        state = State("remote", names, saved, max_rows, endpoint=endpoint)
        try:
            remote_result(state, "ASK { }")
        except HTTPProblem as exc:  # fail at once (exit 2), not at the first request
            raise InputError(f"cannot serve {endpoint}: {exc.message}") from None
    elif reason or engine == "rdflib":
        from .graph import KnowledgeGraph

        kg = KnowledgeGraph.load(home, reason=reason)
        names = kg.graph_names()
        state = State("rdflib", names, saved, max_rows, kg=kg, union=kg.union())
        state.triples = len(state.union)
        state.sizes = {name: len(kg.named_graph(name)) for name in names}
    else:
        from .oxstore import open_store

        store = open_store(home, persistent=False)
        counts = store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        sizes = {URIRef(row["g"].value): int(row["n"].value) for row in counts}
        names = sorted((n for n, size in sizes.items() if size), key=str)
        total = store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
        state = State("oxigraph", names, saved, max_rows, store=store, sizes=sizes)
        state.triples = int(next(iter(total))["n"].value)
    for query in state.saved.values():
        try:
            prepare(state, query.text)
        except HTTPProblem:
            pass  # reported when the query is run
    return state


# Words that reach outside a read-only dataset: never keywords of a SPARQL query (SERVICE
# aside). Looked for as bare words, outside strings, IRIs, comments, variables and prefixed
# names, after expanding \u escapes: a second check, in case the engine's parser (Oxigraph's
# in Rust, or the remote's) reads a text differently from rdflib's.
REACHING_WORDS = re.compile(
    r"(?<![\w:?$-])(SERVICE|LOAD|INSERT|DELETE|DROP|CLEAR|CREATE|ADD|MOVE|COPY|DEFINE)(?![\w:-])",
    re.IGNORECASE,
)
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[?$][\w]+|[\w.-]*:[\w.%:-]*"
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def reaching_word(text: str) -> str | None:
    """The first bare ``SERVICE``/``LOAD``/update word of ``text``, or ``None``."""
    expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    found = REACHING_WORDS.search(_NOT_CODE.sub(" ", expanded))
    return found.group(1).upper() if found else None


def prepare(state: State, text: str) -> Any:
    """Parse ``text`` (our prefixes predeclared) with rdflib and check it, whatever engine
    will run it; parsed queries are cached. Nothing reaches an engine before this."""
    cached = state.prepared.get(text)
    if cached is not None:
        return cached
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        query = prepareQuery(text, initNs=dict(PREFIXES))
    except ParseException as exc:
        raise update_problem(text) or syntax_problem(exc) from None
    except Exception as exc:  # noqa: BLE001 — rdflib's translation errors (unknown prefix…)
        raise HTTPProblem(400, f"SPARQL error: {exc}") from None
    check_query(query, state.graph_names)
    word = reaching_word(text)
    if word is not None:
        raise HTTPProblem(
            400, f"{word} refused: this endpoint is read-only and never reaches other servers"
        )
    if len(state.prepared) > 512:
        state.prepared.clear()
    state.prepared[text] = query
    return query


@dataclass
class Outcome:
    """A result cut at the row limit: rows (SELECT), a boolean (ASK) or triples."""

    type: str
    variables: list[Variable] = field(default_factory=list)
    rows: list[dict[Variable, Node]] = field(default_factory=list)
    boolean: bool = False
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False


def _cut_rows(variables: list[Variable], rows: Iterable[dict], limit: int) -> Outcome:
    kept = list(islice(rows, limit + 1))
    return Outcome("SELECT", variables, kept[:limit], truncated=len(kept) > limit)


def _cut_triples(kind: str, triples: Iterable[tuple], limit: int, lazy: bool) -> Outcome:
    """A lazy engine stops reading past the limit; a materialised graph is cut after sorting
    (the same triples every time)."""
    if lazy:
        seen: set[tuple] = set()
        for triple in triples:
            seen.add(triple)
            if len(seen) > limit:
                break
        kept = list(seen)
    else:
        kept = list(triples)
    if len(kept) <= limit:
        return Outcome(kind, triples=kept)
    kept = sorted(kept, key=lambda t: tuple(term_sort_key(x) for x in t))[:limit]
    return Outcome(kind, triples=kept, truncated=True)


def _from_result(result: Any, limit: int) -> Outcome:
    """An rdflib ``Result`` (rdflib engine, remote endpoint) cut at ``limit``."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _cut_triples(result.type, result.graph or [], limit, lazy=False)
    if result.type == "ASK":
        return Outcome("ASK", boolean=bool(result.askAnswer))
    rows = ({Variable(k): v for k, v in row.asdict().items()} for row in result)
    return _cut_rows(list(result.vars or []), rows, limit)


def _has_dataset_clause(query: Any) -> bool:
    algebra = query.algebra
    return bool(algebra["datasetClause"] if "datasetClause" in algebra else None)


def oxigraph_outcome(state: State, text: str, prepared: Any) -> Outcome:
    """Run ``text`` on the in-memory store, reading no further than the row limit.

    The default graph is the union of the named graphs, as in the rdflib dataset, unless the
    query names its own with ``FROM`` (already checked to be graphs of the store).
    """
    import pyoxigraph as ox

    from .oxstore import solution_rows, to_rdflib_triple

    try:
        answer = state.store.query(
            text,
            prefixes={p: str(ns) for p, ns in PREFIXES.items()},
            use_default_graph_as_union=not _has_dataset_clause(prepared),
        )
    except SyntaxError as exc:
        raise HTTPProblem(400, f"SPARQL error: {exc}") from None
    limit = state.max_rows
    if isinstance(answer, ox.QueryBoolean):
        return Outcome("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables, rows = solution_rows(answer)
        return _cut_rows(variables, rows, limit)
    kind = "DESCRIBE" if getattr(prepared.algebra, "name", "") == "DescribeQuery" else "CONSTRUCT"
    triples = (to_rdflib_triple(t) for t in answer)
    return _cut_triples(kind, triples, limit, lazy=True)


def remote_result(state: State, text: str, params: Mapping[str, str] | None = None) -> Any:
    """``text`` (a saved query's, or ad-hoc with our PREFIX block) run at the endpoint;
    an endpoint that cannot be reached or fails is 502, one that refuses the query 400."""
    from .queries import SavedQuery
    from .remote import run_remote

    saved = text if isinstance(text, SavedQuery) else SavedQuery.from_text(text, "<query>")
    try:
        return run_remote(state.endpoint, saved, params)
    except InputError as exc:
        message = str(exc)
        status = 400 if re.search(r": HTTP 4\d\d\b", message) else 502
        raise HTTPProblem(status, f"the remote endpoint answered: {message}") from None


def evaluate(
    state: State,
    text: str,
    fmt: str | None,
    accept: str | None,
    saved: SavedQuery | None = None,
    params: Mapping[str, str] | None = None,
) -> Reply:
    """Check ``text`` (a saved query's own text, or ad-hoc), run it on the state's engine with
    the row limit, and render it in the negotiated format. A saved query's parameters are
    bound as rdflib ``initBindings`` on rdflib, as a ``VALUES`` block elsewhere (as
    ``diplokg query`` does)."""
    from rdflib.query import Result

    from .results import render, render_graph

    query = prepare(state, text)
    limit = state.max_rows
    if state.engine == "rdflib":
        from .queries import variable_bindings

        bindings = variable_bindings(saved.bind(params)) if saved is not None else {}
        outcome = _from_result(state.kg.dataset.query(query, initBindings=bindings), limit)
    elif state.engine == "oxigraph":
        runs = saved.portable_text(params) if saved is not None else text
        outcome = oxigraph_outcome(state, runs, query)
    else:
        from .namespaces import sparql_prologue

        target = saved if saved is not None else sparql_prologue() + text
        outcome = _from_result(remote_result(state, target, params), limit)
    if outcome.type in ("CONSTRUCT", "DESCRIBE"):
        chosen = requested_format(fmt, accept, GRAPH_OFFERS)
        body = render_graph(outcome.triples, chosen)
    else:
        chosen = requested_format(fmt, accept, RESULT_OFFERS)
        result = Result(outcome.type)
        if outcome.type == "ASK":
            result.askAnswer = outcome.boolean
        else:
            result.vars = outcome.variables
            result.bindings = outcome.rows
        body = render(result, chosen)
    headers: dict[str, str] = {ENGINE_HEADER: state.engine}
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = "true"
        headers[MAX_ROWS_HEADER] = str(limit)
        body = _mark_truncated(body, chosen, limit)
    return Reply(200, body.encode("utf-8"), MEDIA_TYPES[chosen], headers)


def truncation_note(limit: int) -> str:
    return (
        f"results cut at the row limit of {limit}: the query has more; narrow it, add "
        "LIMIT/OFFSET, or start the server with a larger --max-rows"
    )


def _mark_truncated(body: str, fmt: str, limit: int) -> str:
    note = truncation_note(limit)
    if fmt == "json":
        data = json.loads(body)
        data["diplokg"] = {"truncated": True, "maxRows": limit, "note": note}
        return json.dumps(data, ensure_ascii=False) + "\n"
    if fmt == "xml":
        head, sep, rest = body.partition("?>")
        comment = f"\n<!-- diplokg: {note} -->"
        return head + sep + comment + rest if sep else f"<!-- diplokg: {note} -->\n" + body
    if fmt in ("ttl", "nt"):
        return f"# diplokg: {note}\n" + body
    return body


def handle_job(job: dict) -> Reply:
    """The worker's entry point: one job in, one ``Reply`` out (never raises)."""
    state = _STATE
    started = time.perf_counter()
    try:
        if state is None:
            raise HTTPProblem(500, "worker has no graph loaded")
        kind = job.get("kind")
        if kind == "sparql":
            reply = evaluate(state, job["query"], job.get("format"), job.get("accept"))
        elif kind == "update":
            problem = update_problem(job["update"])
            raise problem or HTTPProblem(
                403, "SPARQL Update is not allowed: this endpoint is read-only"
            )
        elif kind == "saved":
            reply = run_saved(state, job["name"], job.get("params") or {}, job)
        elif kind == "entity":
            reply = entity_reply(state, job["slug"], job.get("accept"), job.get("format"))
        elif kind == "sleep":  # used by tests of the pool; not reachable over HTTP
            time.sleep(float(job.get("seconds", 0)))
            reply = Reply(200, b"slept\n")
        else:
            raise HTTPProblem(400, f"unknown job kind {kind!r}")
    except HTTPProblem as problem:
        reply = problem.reply()
    except DiplokgError as exc:
        reply = Reply(400, f"{exc}\n".encode())
    except RecursionError:
        reply = Reply(400, b"query too deeply nested\n")
    except MemoryError:
        reply = Reply(503, b"query needs more memory than the server has\n")
    except Exception as exc:  # noqa: BLE001 — evaluation errors are the query's fault
        reply = Reply(400, f"query failed: {type(exc).__name__}: {exc}\n".encode())
    reply.headers["X-Diplokg-Elapsed-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
    return reply


def run_saved(state: State, name: str, params: Mapping[str, str], job: dict) -> Reply:
    saved = state.saved.get(name)
    if saved is None:
        raise HTTPProblem(404, f"unknown query {name!r} (saved queries: {', '.join(state.saved)})")
    try:
        saved.bind(params)
    except QueryParameterError as exc:
        raise HTTPProblem(400, str(exc)) from None
    return evaluate(state, saved.text, job.get("format"), job.get("accept"), saved, params)


# --- entity pages -----------------------------------------------------------------------------


class _UnionView:
    """Enough of ``KnowledgeGraph`` for ``describe``: the cached union graph."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    def union(self) -> Graph:
        return self._graph


def entity_triples(graph: Graph, iri: URIRef) -> list[tuple[Node, Node, Node]]:
    """The entity's statements, the statements pointing at it, and its evidence chain."""
    triples = list(graph.triples((iri, None, None))) + list(graph.triples((None, None, iri)))
    for evidence in graph.objects(iri, DK.evidence):
        triples += list(graph.triples((evidence, None, None)))
        for selector in graph.objects(evidence, OA.hasSelector):
            triples += list(graph.triples((selector, None, None)))
    return triples


NEIGHBOURHOOD = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dk: <https://w3id.org/diplokg/ontology#>
CONSTRUCT { <IRI> ?p1 ?o1 . ?s2 ?p2 <IRI> . ?s ?p ?o }
FROM_CLAUSES
WHERE {
  { <IRI> ?p1 ?o1 }
  UNION { ?s2 ?p2 <IRI> }
  UNION { <IRI> dk:evidence ?s . ?s ?p ?o }
  UNION { <IRI> dk:evidence ?e . ?e oa:hasSelector ?s . ?s ?p ?o }
  UNION { <IRI> dk:evidence ?e . ?e oa:hasSource ?s . ?s ?p ?o
          FILTER (?p IN (rdfs:label, dk:sourceFile)) }
  UNION { <IRI> prov:wasDerivedFrom ?s . ?s ?p ?o FILTER (?p IN (rdfs:label, dk:sourceFile)) }
  UNION { ?s ?x <IRI> . ?s ?p ?o FILTER (?p IN (dk:evidence, prov:wasDerivedFrom)) }
  UNION { ?f ?x <IRI> . ?f dk:evidence ?s . ?s ?p ?o FILTER (?p IN (oa:hasSource, oa:hasSelector)) }
  UNION { ?f ?x <IRI> . ?f dk:evidence ?e . ?e oa:hasSelector ?s . ?s ?p ?o
          FILTER (?p IN (oa:exact, oa:start, oa:end)) }
  UNION { ?f ?x <IRI> . ?f dk:evidence ?e . ?e oa:hasSource ?s . ?s ?p ?o
          FILTER (?p IN (rdfs:label, dk:sourceFile)) }
  UNION { ?f ?x <IRI> . ?f prov:wasDerivedFrom ?s . ?s ?p ?o
          FILTER (?p IN (rdfs:label, dk:sourceFile)) }
  UNION { <IRI> ?s ?x . ?s ?p ?o FILTER (?p = rdfs:label) }
  UNION { <IRI> ?x ?s . ?s ?p ?o FILTER (?p = rdfs:label) }
  UNION { ?s ?x <IRI> . ?s ?p ?o FILTER (?p = rdfs:label) }
  UNION { ?x ?s <IRI> . ?s ?p ?o FILTER (?p = rdfs:label) }
}
"""
"""What an entity page shows, in one query any engine answers: the entity's statements both
ways, its evidence chain (and that of the facts pointing at it), the sources' labels and files,
and the labels of every node shown. ``entity_triples`` and ``entity_html`` read the same from
this small graph as from the whole union (a test checks every entity)."""

_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def entity_graph(state: State, iri: URIRef) -> Graph:
    """The graph an entity page is drawn from: the union (rdflib), else ``NEIGHBOURHOOD``."""
    if state.engine == "rdflib":
        return state.union
    from .rdfio import new_graph

    text = NEIGHBOURHOOD.replace("IRI", str(iri))
    if state.engine == "oxigraph":
        outcome = _oxigraph_triples(state, text.replace("FROM_CLAUSES\n", ""))
    else:  # the endpoint may hold graphs of its own: read ours only
        froms = "".join(f"FROM <{name}>\n" for name in state.graph_names)
        outcome = remote_result(state, text.replace("FROM_CLAUSES\n", froms)).graph or []
    graph = new_graph()
    for triple in outcome:
        graph.add(triple)
    return graph


def _oxigraph_triples(state: State, text: str) -> list[tuple[Node, Node, Node]]:
    from .oxstore import to_rdflib_triple

    answer = state.store.query(text, use_default_graph_as_union=True)
    return [to_rdflib_triple(t) for t in answer]


def entity_reply(state: State, slug: str, accept: str | None, fmt: str | None) -> Reply:
    from .results import render_graph

    iri = URIRef(str(DKID) + slug)
    if not slug or _NOT_IN_IRI.search(slug):
        raise HTTPProblem(404, f"unknown entity <{iri}>: the graph says nothing about it")
    graph = entity_graph(state, iri)
    if (
        next(graph.triples((iri, None, None)), None) is None
        and next(graph.triples((None, None, iri)), None) is None
    ):
        raise HTTPProblem(404, f"unknown entity <{iri}>: the graph says nothing about it")
    chosen = requested_format(fmt, accept, ENTITY_OFFERS)
    if chosen != "html":
        body = render_graph(entity_triples(graph, iri), chosen)
        return Reply(200, body.encode("utf-8"), MEDIA_TYPES[chosen], {"Vary": "Accept"})
    return Reply(
        200,
        entity_html(graph, iri).encode("utf-8"),
        MEDIA_TYPES["html"],
        {"Vary": "Accept", **HTML_HEADERS},
    )


def local_href(term: Node) -> str | None:
    """``/id/SLUG`` for an IRI under ``dkid:``, else ``None``."""
    if isinstance(term, URIRef) and str(term).startswith(str(DKID)):
        return "/id/" + quote(str(term)[len(str(DKID)) :], safe="/-._~")
    return None


def term_html(graph: Graph, term: Node) -> str:
    """A term for a page: a local link with its label, a prefixed IRI, or a literal."""
    esc = html.escape
    if isinstance(term, Literal):
        tag = ""
        if term.language:
            tag = f'<span class="tag">@{esc(term.language)}</span>'
        elif term.datatype is not None:
            tag = f'<span class="tag">{esc(term_text(term.datatype))}</span>'
        return f'<span class="literal">{esc(str(term))}</span>{tag}'
    label = label_of(graph, term) if isinstance(term, URIRef) else None
    short = esc(term_text(term))
    href = local_href(term)
    if href:
        text = esc(label) if label else short
        return f'<a href="{esc(href)}" title="{esc(str(term))}">{text}</a>'
    if label:
        return f'<span title="{esc(str(term))}">{esc(label)}</span> <code>{short}</code>'
    return f'<code title="{esc(str(term))}">{short}</code>'


def _quotes_html(graph: Graph, fact: Node, description: Any) -> str:
    items = [e for e in description.evidence if e.fact == fact and e.quote is not None]
    out = []
    for item in items:
        where = term_html(graph, item.source) if item.source is not None else "unknown source"
        if item.source_file:
            where += f" <small>({html.escape(item.source_file)}"
            if item.start is not None and item.end is not None:
                where += f", characters {item.start}–{item.end}"
            where += ")</small>"
        out.append(
            f'<blockquote class="quote">“{html.escape(item.quote)}”'
            f"<footer>— {where}</footer></blockquote>"
        )
    return "".join(out)


def entity_html(graph: Graph, iri: URIRef) -> str:
    """The browser page of one entity: labels, facts by predicate, quotes, related links."""
    from .describe import describe

    description = describe(_UnionView(graph), str(iri))
    esc = html.escape
    title = description.label or term_text(iri)
    labels = sorted(
        (o for o in graph.objects(iri, RDFS.label) if isinstance(o, Literal)),
        key=term_sort_key,
    )
    types = sorted(graph.objects(iri, RDF.type), key=term_sort_key)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="iri"><code>{esc(str(iri))}</code></p>',
    ]
    if types:
        parts.append('<p class="types">' + ", ".join(term_html(graph, t) for t in types) + "</p>")
    if len(labels) > 1:
        parts.append(
            '<p class="labels">Also known as: '
            + "; ".join(term_html(graph, label) for label in labels)
            + "</p>"
        )
    parts.append('<section><h2>Facts</h2><table class="facts">')
    for predicate in sorted(description.outgoing, key=term_sort_key):
        if predicate in (RDF.type,):
            continue
        values = "".join(f"<li>{term_html(graph, o)}</li>" for o in description.outgoing[predicate])
        parts.append(f"<tr><th>{term_html(graph, predicate)}</th><td><ul>{values}</ul></td></tr>")
    parts.append("</table>")
    own = _quotes_html(graph, iri, description)
    if own:
        parts.append(f'<div class="evidence"><h3>Source quotes for these facts</h3>{own}</div>')
    parts.append("</section>")
    if description.incoming:
        parts.append("<section><h2>Mentioned in</h2>")
        for predicate in sorted(description.incoming, key=term_sort_key):
            parts.append(f'<h3>{term_html(graph, predicate)} → this</h3><ul class="incoming">')
            for subject in description.incoming[predicate]:
                quotes = _quotes_html(graph, subject, description)
                parts.append(f"<li>{term_html(graph, subject)}{quotes}</li>")
            parts.append("</ul>")
        parts.append("</section>")
    href = esc(local_href(iri) or "")
    parts.append(
        f'<p class="formats">This entity as <a href="{href}?format=ttl">Turtle</a>, '
        f'<a href="{href}?format=jsonld">JSON-LD</a>, '
        f'<a href="{href}?format=nt">N-Triples</a>.</p>'
    )
    return page(title, "\n".join(parts))


# --- pages ------------------------------------------------------------------------------------

HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def asset(name: str) -> str:
    return resources.files("diplokg").joinpath("templates", name).read_text(encoding="utf-8")


def page(title: str, body: str, script: str | None = None) -> str:
    tail = f'<script src="/assets/{script}"></script>' if script else ""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} — diplokg</title>"
        '<link rel="stylesheet" href="/assets/style.css"></head><body>'
        '<header><a class="brand" href="/">diplokg</a> '
        '<nav><a href="/">Query</a> <a href="/queries">Saved queries</a> '
        '<a href="/sparql?format=ttl">Service description</a></nav></header>'
        f"<main>{body}</main>{tail}</body></html>\n"
    )


def examples(saved: Iterable[SavedQuery]) -> list[dict[str, str]]:
    """The saved queries as editor examples: default values bound as a VALUES block."""
    out = []
    for query in saved:
        try:
            text = query.portable_text({})
        except DiplokgError:
            text = query.text  # a required parameter without default: the raw text
        out.append({"name": query.name, "summary": query.summary, "text": text})
    return out


def index_html(saved: Iterable[SavedQuery]) -> str:
    data = json.dumps(examples(saved), ensure_ascii=False).replace("</", "<\\/")
    body = asset("index.html").replace("{{examples}}", data)
    return page("SPARQL query", body, script="app.js")


def queries_json(saved: Iterable[SavedQuery]) -> list[dict[str, Any]]:
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "required": p.default is None,
                    "description": p.description,
                }
                for p in q.parameters
            ],
            "url": f"/queries/{q.name}",
            "query": q.text,
        }
        for q in saved
    ]


def queries_html(saved: Iterable[SavedQuery]) -> str:
    esc = html.escape
    rows = []
    for q in saved:
        inputs = "".join(
            f"<label>{esc(p.name)} <small>{esc(p.type)}</small> "
            f'<input name="{esc(p.name)}" value="{esc(p.default or "")}"'
            f"{'' if p.default is not None else ' required'} "
            f'title="{esc(p.description)}"></label> '
            for p in q.parameters
        )
        choices = "".join(
            f'<option value="{f}">{f}</option>'
            for f in ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld")
        )
        form = (
            f'<form method="get" action="/queries/{esc(q.name)}">{inputs}'
            f'<select name="format" title="format">{choices}</select> '
            '<button type="submit">Run</button></form>'
        )
        rows.append(
            f'<tr><td><a href="/queries/{esc(q.name)}"><code>{esc(q.name)}</code></a></td>'
            f"<td>{esc(q.summary)}<br><small>{esc(q.description)}</small></td><td>{form}</td></tr>"
        )
    table = (
        '<table class="results"><thead><tr><th>Query</th><th>What it answers</th>'
        "<th>Parameters</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else "<p>No saved queries.</p>"
    )
    intro = (
        "<h1>Saved queries</h1><p>Run one as <code>/queries/NAME?param=value</code>; "
        "results come as SPARQL JSON by default (<code>Accept</code> or "
        "<code>?format=</code> for XML, CSV, TSV, Turtle, N-Triples, JSON-LD).</p>"
    )
    return page("Saved queries", intro + table)


def service_description(endpoint: str, state: State) -> str:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    from rdflib import BNode, Namespace
    from rdflib.namespace import DCTERMS, VOID

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("sd", sd), ("formats", formats), ("dcterms", DCTERMS), ("void", VOID)):
        g.bind(prefix, ns)
    service = URIRef(endpoint)
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, service))
    g.add((service, DCTERMS.title, Literal("diplokg SPARQL endpoint (read-only)", lang="en")))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
    ):
        g.add((service, sd.resultFormat, formats[name]))
    dataset = BNode("dataset")
    default = BNode("default")
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    if state.triples is not None:
        g.add((default, VOID.triples, Literal(state.triples)))
    for index, name in enumerate(state.graph_names):
        named, inner = BNode(f"named{index}"), BNode(f"graph{index}")
        g.add((dataset, sd.namedGraph, named))
        g.add((named, RDF.type, sd.NamedGraph))
        g.add((named, sd.name, name))
        g.add((named, sd.graph, inner))
        g.add((inner, RDF.type, sd.Graph))
        if name in state.sizes:
            g.add((inner, VOID.triples, Literal(state.sizes[name])))
    return g.serialize(format="turtle")


# --- the ASGI application ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServeConfig:
    """The knobs of ``diplokg serve`` (see ``run_serve``)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    reason: bool = False
    workers: int = 0
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    sandbox: bool = True
    engine: str = "oxigraph"
    endpoint: str | None = None

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)


def create_app(state: State, config: ServeConfig, pool: Any):
    """The Starlette application over ``state``, running queries through ``pool``."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from .workers import Busy, JobTimeout, PoolError

    saved_list = list(state.saved.values())
    index_page = index_html(saved_list).encode("utf-8")
    queries_page = queries_html(saved_list).encode("utf-8")
    static = {
        "style.css": ("text/css; charset=utf-8", asset("style.css").encode("utf-8")),
        "app.js": ("text/javascript; charset=utf-8", asset("app.js").encode("utf-8")),
    }
    descriptions: dict[str, bytes] = {}

    def respond(reply: Reply) -> Response:
        return Response(reply.body, reply.status, reply.headers, media_type=reply.media_type)

    def problem(status: int, message: str, headers: Mapping[str, str] | None = None):
        return respond(HTTPProblem(status, message, headers).reply())

    async def run(job: dict) -> Response:
        try:
            reply = await pool.submit(job)
        except JobTimeout as exc:
            return problem(
                503,
                f"{exc} (stopped after {exc.elapsed:.2f} s); simplify the query or add a LIMIT",
                {"Retry-After": "1"},
            )
        except Busy as exc:
            return problem(503, f"{exc}; try again shortly", {"Retry-After": "2"})
        except PoolError as exc:
            return problem(503, str(exc), {"Retry-After": "1"})
        if not isinstance(reply, Reply):
            return problem(500, "internal error: the worker sent no reply")
        return respond(reply)

    async def read_body(request: Request) -> bytes:
        limit = config.max_request_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise HTTPProblem(413, f"request body too large: {declared} bytes (limit {limit})")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise HTTPProblem(413, f"request body too large (limit {limit} bytes)")
        return bytes(body)

    def check_url(request: Request) -> None:
        size = len(request.scope.get("query_string", b""))
        if size > config.max_request_bytes:
            raise HTTPProblem(
                413, f"request too large: {size} bytes of URL (limit {config.max_request_bytes})"
            )

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPProblem as exc:
                return respond(exc.reply())

        return endpoint

    async def sparql(request: Request) -> Response:
        check_url(request)
        params = dict(request.query_params)
        query = params.get("query")
        update = params.get("update")
        if request.method == "POST":
            body = await read_body(request)
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPProblem(400, "request body is not UTF-8") from None
            if ctype == "application/sparql-query":
                query = text
            elif ctype == "application/sparql-update":
                update = text
            elif ctype == "application/x-www-form-urlencoded":
                form = dict(parse_qsl(text, keep_blank_values=True))
                params.update(form)
                query = form.get("query", query)
                update = form.get("update", update)
            elif body:
                raise HTTPProblem(
                    415,
                    f"unsupported Content-Type {ctype!r}: use application/sparql-query or "
                    "application/x-www-form-urlencoded (query=…)",
                )
        for key in ("default-graph-uri", "named-graph-uri", "using-graph-uri"):
            if key in params:
                raise HTTPProblem(
                    400, f"{key} is not supported: the dataset is fixed (use GRAPH in the query)"
                )
        if query is not None and update is not None:
            raise HTTPProblem(400, "give either query or update, not both")
        if update is not None:
            return await run({"kind": "update", "update": update})
        if query is None or not query.strip():
            if request.method == "POST" or query is not None:
                raise HTTPProblem(400, "no query given (query= parameter or request body)")
            wanted = requested_format(
                params.get("format"),
                request.headers.get("accept"),
                (("text/turtle", "ttl"), ("text/html", "html")),
            )
            if wanted == "html":  # a browser: the query page is the human description
                return Response(index_page, media_type=MEDIA_TYPES["html"], headers=HTML_HEADERS)
            endpoint = str(request.url.replace(query="", fragment=""))
            if endpoint not in descriptions:
                descriptions[endpoint] = service_description(endpoint, state).encode("utf-8")
            return Response(descriptions[endpoint], media_type=MEDIA_TYPES["ttl"])
        job = {
            "kind": "sparql",
            "query": query,
            "accept": request.headers.get("accept"),
            "format": params.get("format"),
        }
        return await run(job)

    async def queries(request: Request) -> Response:
        wanted = requested_format(
            request.query_params.get("format"),
            request.headers.get("accept"),
            (("text/html", "html"), ("application/json", "json")),
        )
        if wanted == "json":
            return JSONResponse({"queries": queries_json(saved_list)})
        return Response(queries_page, media_type=MEDIA_TYPES["html"], headers=HTML_HEADERS)

    async def saved_query(request: Request) -> Response:
        check_url(request)
        name = request.path_params["name"]
        if name not in state.saved:
            known = ", ".join(state.saved) or "none"
            raise HTTPProblem(404, f"unknown query {name!r} (saved queries: {known})")
        params = {k: v for k, v in request.query_params.multi_items() if k != "format"}
        job = {
            "kind": "saved",
            "name": name,
            "params": params,
            "accept": request.headers.get("accept"),
            "format": request.query_params.get("format"),
        }
        return await run(job)

    async def entity(request: Request) -> Response:
        job = {
            "kind": "entity",
            "slug": request.path_params["slug"],
            "accept": request.headers.get("accept"),
            "format": request.query_params.get("format"),
        }
        return await run(job)

    async def index(request: Request) -> Response:
        return Response(index_page, media_type=MEDIA_TYPES["html"], headers=HTML_HEADERS)

    async def assets(request: Request) -> Response:
        found = static.get(request.path_params["name"])
        if found is None:
            raise HTTPProblem(404, "no such asset")
        return Response(found[1], media_type=found[0], headers={"Cache-Control": "max-age=300"})

    routes = [
        Route("/", guarded(index), methods=["GET"]),
        Route("/sparql", guarded(sparql), methods=["GET", "POST"]),
        Route("/queries", guarded(queries), methods=["GET"]),
        Route("/queries/{name:path}", guarded(saved_query), methods=["GET"]),
        Route("/id/{slug:path}", guarded(entity), methods=["GET"]),
        Route("/assets/{name}", guarded(assets), methods=["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.close()

    return Starlette(routes=routes, lifespan=lifespan)


def run_serve(
    home: Any = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    reason: bool = False,
    workers: int = 0,
    max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    sandbox: bool = True,
    engine: str = "oxigraph",
    endpoint: str | None = None,
) -> None:
    """Load the graph, fork the query workers, lock the process down, serve until stopped.

    Order matters: the graph is loaded and the saved queries parsed before the workers are
    forked (they share it copy-on-write), and the sandbox is installed before the fork (the
    workers, which run the queries, inherit it) and before uvicorn starts listening. With a
    local engine each worker also moves into a network namespace of its own, with no network
    (``workers.cut_network``): Oxigraph, in Rust, opens connections the audit hook never sees
    (its ``SERVICE`` client). With ``endpoint`` the server is a read-only proxy: the same
    checks run here, and only the endpoint may be connected to.
    """
    global _STATE
    try:
        import uvicorn
    except ImportError:  # pragma: no cover — the extra is missing
        raise DiplokgError(
            "diplokg serve needs Starlette and uvicorn: pip install 'diplokg[serve]'"
        ) from None
    import rdflib.plugins.sparql

    from .paths import Home, resolve_home
    from .workers import WorkerPool, call_with_time_limit, cut_network

    if engine not in ("oxigraph", "rdflib"):
        raise DiplokgError(f"unknown engine {engine!r} (oxigraph or rdflib)")
    if endpoint and reason:
        raise DiplokgError(
            "--reason computes inferences locally: it cannot be combined with --endpoint"
        )
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    config = ServeConfig(
        host,
        port,
        timeout,
        max_rows,
        reason,
        workers,
        max_concurrent,
        max_request_bytes,
        sandbox,
        engine,
        endpoint,
    )
    home = home if isinstance(home, Home) else resolve_home(home)
    _STATE = load_state(home, reason=reason, max_rows=max_rows, engine=engine, endpoint=endpoint)
    isolate = None
    if _STATE.engine != "remote" and call_with_time_limit(cut_network, 10):
        isolate = cut_network
    pool = WorkerPool(handle_job, config.worker_count, timeout, max_concurrent, isolate)
    app = create_app(_STATE, config, pool)
    if sandbox:
        from . import sandbox as guard

        guard.install(home.root, endpoints=[endpoint] if endpoint else [])
    pool.start()
    shown = f"[{host}]" if ":" in host else host
    if _STATE.engine == "remote":
        what = f"a read-only proxy for {endpoint}"
    else:
        what = f"{_STATE.triples} triples, engine {_STATE.engine}"
        what += " (in memory)" if _STATE.engine == "oxigraph" else ""
        what += ", workers without network" if isolate else ", workers with network"
    print(
        f"diplokg: serving {home.root} at http://{shown}:{port}/ — {what},"
        f" {len(_STATE.saved)} saved queries, {config.worker_count} query workers, time limit"
        f" {timeout:g} s, row limit {max_rows}, at most {max_concurrent} queries in flight,"
        f" sandbox {'on' if sandbox else 'off'}",
        file=sys.stderr,
        flush=True,
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            http="h11",
            loop="asyncio",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    finally:
        pool.close()


__all__ = [
    "ServeConfig",
    "check_query",
    "create_app",
    "negotiate",
    "run_serve",
]

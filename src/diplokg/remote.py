"""A remote SPARQL 1.1 endpoint as the engine: run saved queries there, push the graph there.

Why plain HTTP: the SPARQL 1.1 Protocol is a POST with ``query=`` (or ``update=``) and an
``Accept`` header; the standard library does it, with Basic and Digest authentication
(Virtuoso's authenticated endpoints use Digest). Credentials come only from the environment
(``DIPLOKG_ENDPOINT_USER``, ``DIPLOKG_ENDPOINT_PASSWORD``), never from the command line.

``push`` is idempotent: each source file is one named graph (``GRAPH[stem]``, as locally),
written again whole: with the SPARQL 1.1 Graph Store HTTP Protocol when a graph store URL is
given (one ``PUT`` of N-Triples per graph, which replaces it), else with SPARQL Update
(``DROP SILENT GRAPH``, then ``INSERT DATA`` in batches of N-Triples lines).

``export``, ``describe`` and ``stats`` read an endpoint as they read a local engine, through
``query`` (see ``quads``, ``describe.neighbourhood`` and ``stats.compute_stats``), restricted
to the home's named graphs (``https://w3id.org/diplokg/graph/...``): an endpoint such as
Virtuoso holds system graphs of its own.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from .errors import InputError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .paths import Home
    from .queries import SavedQuery

USER_ENV = "DIPLOKG_ENDPOINT_USER"
PASSWORD_ENV = "DIPLOKG_ENDPOINT_PASSWORD"
BATCH = 2000


def _opener(endpoint: str) -> urllib.request.OpenerDirector:
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    handlers: list = []
    if user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, endpoint, user, password or "")
        handlers += [
            urllib.request.HTTPBasicAuthHandler(manager),
            urllib.request.HTTPDigestAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def _post(endpoint: str, form: dict[str, str], accept: str, timeout: float = 300) -> bytes:
    data = urllib.parse.urlencode(form).encode("utf-8")
    content = "application/x-www-form-urlencoded"
    return _send(endpoint, data, {"Accept": accept, "Content-Type": content}, timeout=timeout)


def _send(
    endpoint: str,
    data: bytes | None,
    headers: dict[str, str],
    method: str = "POST",
    url: str | None = None,
    timeout: float = 300,
) -> bytes:
    """One HTTP request (credentials for ``endpoint``); HTTP and network errors → InputError."""
    request = urllib.request.Request(url or endpoint, data=data, headers=headers, method=method)
    opener = _opener(endpoint)
    if data is not None and len(data) > PREFLIGHT_BYTES and os.environ.get(USER_ENV):
        opener = _authorize(endpoint, request, timeout)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")[:500]
        raise InputError(f"{endpoint}: HTTP {exc.code}: {body}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"{endpoint}: cannot reach the endpoint: {exc}") from None


PREFLIGHT_BYTES = 64 * 1024
"""A body larger than this is not sent to be refused: the server's challenge is fetched first."""


def _authorize(endpoint: str, request: urllib.request.Request, timeout: float):
    """Set ``request``'s Authorization from the challenge of a body-less ``HEAD``, and return
    an opener without auth handlers. Why: urllib answers a 401 by sending again, and a server
    that refuses a large unauthenticated PUT closes the connection while the body is still
    being written (Virtuoso's ``/sparql-graph-crud-auth``: "connection reset")."""
    import base64

    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        urllib.request.build_opener().open(probe, timeout=timeout).close()
        return urllib.request.build_opener()  # no authentication asked for
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"{endpoint}: cannot reach the endpoint: {exc}") from None
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, endpoint, user, password)
        manager.add_password(None, request.full_url, user, password)
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        value = handler.get_authorization(request, fields)
        if value:
            request.add_unredirected_header("Authorization", "Digest " + value)
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        request.add_unredirected_header("Authorization", "Basic " + token)
    return urllib.request.build_opener()


def _term(binding: Mapping[str, str]):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such word outside comment lines."""
    import re

    code = re.sub(r"^[ \t]*#[^\n]*$", "", text, flags=re.MULTILINE)
    found = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", code, re.IGNORECASE)
    return found.group(1).upper() if found else "SELECT"


def run_remote(endpoint: str, saved: SavedQuery, params: Mapping[str, str] | None = None) -> Result:
    """Evaluate ``saved`` (values bound as a VALUES block) at ``endpoint``."""
    text = saved.portable_text(params)
    if _form(text) in ("CONSTRUCT", "DESCRIBE"):
        from .rdfio import new_graph

        body = _post(endpoint, {"query": text}, "application/n-triples")
        graph = new_graph()
        graph.parse(data=body.decode("utf-8"), format="nt")
        result = Result("CONSTRUCT")
        result.graph = graph
        return result
    answer = json.loads(_post(endpoint, {"query": text}, "application/sparql-results+json"))
    if "boolean" in answer:
        result = Result("ASK")
        result.askAnswer = bool(answer["boolean"])
        return result
    if _form(text) == "ASK":
        # Virtuoso 7 answers some ASK queries (a GRAPH pattern) as a table of one variable,
        # __ASK_RETVAL: no row for false, 1 for true
        result = Result("ASK")
        rows = answer.get("results", {}).get("bindings", [])
        result.askAnswer = any(v.get("value") in ("1", "true") for r in rows for v in r.values())
        return result
    result = Result("SELECT")
    names = answer["head"].get("vars", [])
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(k): _term(v) for k, v in row.items() if k in names}
        for row in answer["results"]["bindings"]
    ]
    _fix_booleans(text, result)
    return result


_BOOLEAN_FORMS = {
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
    "Builtin_BOUND",
    "Builtin_sameTerm",
    "Builtin_isIRI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_isNUMERIC",
    "Builtin_REGEX",
    "Builtin_CONTAINS",
    "Builtin_STRSTARTS",
    "Builtin_STRENDS",
    "Builtin_LANGMATCHES",
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "UnaryNot",
}


def _boolean_variables(text: str) -> set[Variable]:
    """Variables a query binds (BIND or SELECT expression) to a boolean-valued expression."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # noqa: BLE001 — rdflib cannot read it: nothing is normalised
        return set()
    found: set[Variable] = set()

    def boolean(expr) -> bool:
        if isinstance(expr, Literal):
            return expr.datatype == XSD.boolean
        return isinstance(expr, CompValue) and expr.name in _BOOLEAN_FORMS

    def walk(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "Extend" and boolean(node.get("expr")):
                found.add(node.get("var"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(algebra)
    return found


def _fix_booleans(text: str, result: Result) -> None:
    """Virtuoso 7 returns a boolean expression's value as ``0``/``1`` (``xsd:integer``, or
    ``xsd:boolean`` with lexical 1/0). Where the query's own expression for the variable is
    boolean (EXISTS, BOUND, a comparison, ...), read them back as ``false``/``true``."""
    odd = {XSD.integer, XSD.boolean}

    def suspicious(term) -> bool:
        return isinstance(term, Literal) and term.datatype in odd and str(term) in ("0", "1")

    if not any(suspicious(t) for row in result.bindings for t in row.values()):
        return
    variables = _boolean_variables(text)
    for row in result.bindings:
        for var in variables & row.keys():
            if suspicious(row[var]):
                row[var] = Literal(str(row[var]) == "1")


class RemoteKnowledgeGraph:
    """A home whose queries are answered by a remote endpoint."""

    engine = "remote"

    def __init__(self, home: Home, endpoint: str) -> None:
        self.home = home
        self.endpoint = endpoint

    def query(self, name_or_text, params: Mapping[str, str] | None = None) -> Result:
        from .queries import SavedQuery, resolve_query

        saved = (
            name_or_text
            if isinstance(name_or_text, SavedQuery)
            else resolve_query(self.home, name_or_text)
        )
        saved.bind(params)
        check_refusals(saved)
        return run_remote(self.endpoint, saved, params)


def check_refusals(saved: SavedQuery) -> None:
    """Refuse here what ``diplokg query`` refuses locally (SERVICE, FROM, Update, LOAD):
    the endpoint must not be asked to reach further or to change."""
    from .oxstore import COMMENT_LINE, REACHES_OUT

    if not REACHES_OUT.search(COMMENT_LINE.sub("", saved.text)):
        return
    from rdflib.plugins.sparql import prepareQuery

    from .errors import QueryRefusedError
    from .sparql_safety import refusal, update_refusal

    where = str(saved.path) if saved.path else saved.name
    refused = update_refusal(saved.text, where="diplokg query")
    if refused is not None:
        raise QueryRefusedError(f"{where}:1:1: {refused[1]}")
    try:
        prepared = prepareQuery(saved.text)
    except Exception as exc:  # noqa: BLE001 — pyparsing and rdflib errors alike
        raise InputError(f"{where}: SPARQL syntax error: {exc}") from None
    message = refusal(prepared, [], where="diplokg query")
    if message is not None:
        raise QueryRefusedError(f"{where}: {message}")


def _batches(lines: Iterable[str], size: int) -> Iterable[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def push(
    kg: KnowledgeGraph,
    endpoint: str | None,
    graph: str | None = None,
    graph_store: str | None = None,
) -> dict[str, int]:
    """Replace, at ``endpoint``, one named graph per source file (or all in ``graph``).

    With ``graph_store`` (a SPARQL 1.1 Graph Store HTTP Protocol URL, e.g. Virtuoso's
    ``/sparql-graph-crud-auth``) each graph is one ``PUT`` of N-Triples; otherwise SPARQL
    Update batches at ``endpoint``. Returns triples written per graph IRI. Running it twice
    leaves the same graphs.
    """
    targets: dict[str, list[str]] = {}
    for source_graph, text in _ntriples_per_graph(kg):
        name = graph or source_graph
        targets.setdefault(name, []).extend(line for line in text.splitlines() if line.strip())
    written = {}
    for name, lines in targets.items():
        if graph_store:
            _put_graph(graph_store, name, lines)
        else:
            _update_graph(endpoint or "", name, lines)
        written[name] = len(lines)
    return written


def _ntriples_per_graph(kg) -> Iterable[tuple[str, str]]:
    """(graph IRI, N-Triples text) for every source file, in file order.

    From the Oxigraph store when ``kg`` has one (no rdflib dataset: at 1M triples that saves
    a minute and a gigabyte; Oxigraph writes some typed literals in canonical form, which
    any endpoint would do too), else from the rdflib dataset with diplokg's writer.
    """
    store = getattr(kg, "store", None)
    if store is not None:
        import pyoxigraph as ox

        from .oxstore import source_files

        for _, name in source_files(kg.home):
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            yield name, body.decode("utf-8")
        return
    from .rdfio import to_ntriples

    for source in kg.files:
        yield str(source.graph), to_ntriples(kg.dataset.graph(source.graph))


def graph_store_url(graph_store: str, name: str) -> str:
    """The Graph Store Protocol's indirect identification: ``?graph=<IRI>``."""
    joiner = "&" if "?" in graph_store else "?"
    return graph_store + joiner + urllib.parse.urlencode({"graph": name})


def _put_graph(graph_store: str, name: str, lines: list[str]) -> None:
    url = graph_store_url(graph_store, name)
    if not lines:  # nothing to put: the graph is removed (absent already is fine)
        try:
            _send(graph_store, None, {"Accept": "*/*"}, method="DELETE", url=url)
        except InputError as exc:
            if "HTTP 404" not in str(exc):
                raise
        return
    body = ("\n".join(lines) + "\n").encode("utf-8")
    headers = {"Content-Type": "application/n-triples", "Accept": "*/*"}
    _send(graph_store, body, headers, method="PUT", url=url)


def _update_graph(endpoint: str, name: str, lines: list[str]) -> None:
    _post(endpoint, {"update": f"DROP SILENT GRAPH <{name}>"}, "*/*")
    plain = [line for line in lines if "_:" not in line]
    for batch in _batches(plain, BATCH):
        update = f"INSERT DATA {{ GRAPH <{name}> {{\n" + "\n".join(batch) + "\n} }"
        _post(endpoint, {"update": update}, "*/*")
    # Blank nodes (OWL class expressions in the ontology): Virtuoso refuses them in
    # INSERT DATA, so they go in one INSERT ... WHERE {} (one request keeps each blank
    # node one node).
    blank = [line for line in lines if "_:" in line]
    if blank:
        update = f"INSERT {{ GRAPH <{name}> {{\n" + "\n".join(blank) + "\n} } WHERE {}"
        _post(endpoint, {"update": update}, "*/*")


# --- reading the whole graph through ``query`` -----------------------------------------------


def quads(kg) -> dict[URIRef, set[tuple]]:
    """Every triple of the home's named graphs, by graph, from any engine.

    The rdflib graph is read directly; other engines are asked graph by graph, and a result
    an endpoint cut short (Virtuoso's ``ResultSetMaxRows``) is fetched again in pages of the
    size it returned, ordered, until the graph's count is reached.
    """
    from .describe import OUR_GRAPHS
    from .graph import KnowledgeGraph

    if isinstance(kg, KnowledgeGraph):
        return {name: set(kg.named_graph(name)) for name in kg.graph_names()}
    counts = {
        URIRef(str(g)): int(n)
        for g, n in kg.query(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }} "
            "GROUP BY ?g"
        )
    }
    out: dict[URIRef, set[tuple]] = {}
    for name, count in sorted(counts.items()):
        if not count:
            continue
        pattern = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        rows = [tuple(row) for row in kg.query(pattern)]
        if len(rows) < count and rows:
            page, rows = len(rows), []
            while len(rows) < count:
                more = [
                    tuple(row)
                    for row in kg.query(
                        f"{pattern} ORDER BY ?s ?p ?o LIMIT {page} OFFSET {len(rows)}"
                    )
                ]
                if not more:
                    break
                rows += more
        if len(rows) != count:
            raise InputError(f"{name}: the endpoint returned {len(rows)} of its {count} triples")
        out[name] = set(rows)
    return out


def export_graph(kg, fmt: str = "ttl") -> str:
    """``KnowledgeGraph.export`` for any engine: the same writers, the same bytes."""
    from .errors import FormatError
    from .graph import EXPORT_FORMATS
    from .rdfio import to_jsonld, to_ntriples, to_trig, to_turtle

    store = getattr(kg, "store", None)
    if store is not None:
        from .oxstore import STREAMED_FORMATS, export_store

        if fmt in STREAMED_FORMATS:
            return export_store(store, fmt)  # no rdflib dataset, no SPARQL round trip
    graphs = quads(kg)
    if fmt in ("ttl", "nt", "jsonld"):
        union = set().union(*graphs.values()) if graphs else set()
        writer = {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}[fmt]
        return writer(union)
    if fmt == "trig":
        return to_trig(graphs.items())
    if fmt == "nq":
        return "".join(to_ntriples(graphs[name], graph=name) for name in sorted(graphs, key=str))
    raise FormatError(f"unknown export format {fmt!r} (one of: {', '.join(EXPORT_FORMATS)})")

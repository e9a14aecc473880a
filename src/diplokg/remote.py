"""A remote SPARQL 1.1 endpoint as the engine: run saved queries there, push the graph there.

Why plain HTTP: the SPARQL 1.1 Protocol is a POST with ``query=`` (or ``update=``) and an
``Accept`` header; the standard library does it, with Basic and Digest authentication
(Virtuoso's authenticated endpoints use Digest). Credentials come only from the environment
(``DIPLOKG_ENDPOINT_USER``, ``DIPLOKG_ENDPOINT_PASSWORD``), never from the command line.

``push`` is idempotent: each source file is one named graph (``GRAPH[stem]``, as locally),
dropped and written again whole, with ``INSERT DATA`` in batches of N-Triples lines.
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
    request = urllib.request.Request(
        endpoint,
        data=data,
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with _opener(endpoint).open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")[:500]
        raise InputError(f"{endpoint}: HTTP {exc.code}: {body}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"{endpoint}: cannot reach the endpoint: {exc}") from None


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
    result = Result("SELECT")
    names = answer["head"].get("vars", [])
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(k): _term(v) for k, v in row.items() if k in names}
        for row in answer["results"]["bindings"]
    ]
    return result


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


def push(kg: KnowledgeGraph, endpoint: str, graph: str | None = None) -> dict[str, int]:
    """Replace, at ``endpoint``, one named graph per source file (or all in ``graph``).

    Returns triples written per graph IRI. Running it twice leaves the same graphs.
    """
    from .rdfio import to_ntriples

    targets: dict[str, list[str]] = {}
    for source in kg.files:
        name = graph or str(source.graph)
        text = to_ntriples(kg.dataset.graph(source.graph))
        targets.setdefault(name, []).extend(line for line in text.splitlines() if line.strip())
    written = {}
    for name, lines in targets.items():
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
        written[name] = len(lines)
    return written

"""``diplokg serve`` with real clients against a real server process.

A session fixture starts ``python -m diplokg serve`` on a free loopback port (the real home:
ontology, data, saved queries) and stops it afterwards; a second, strict server (tiny row,
size and concurrency limits) is started for the limit tests. Every answer is parsed back and
compared with what the Python API returns for the same query. Clients: SPARQLWrapper, curl,
Comunica (Node) and headless Chromium, which ``.ci/install-system-deps`` installs (the
README's test command runs it); a missing one fails its tests rather than skipping them.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from rdflib.util import from_n3

from diplokg.graph import KnowledgeGraph
from diplokg.namespaces import DKID, GRAPH
from diplokg.paths import Home
from diplokg.queries import list_saved

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"
JS = Path(__file__).parent / "js"
HOME = Home(ROOT)
SAVED = list_saved(HOME)
RUNNABLE = [q for q in SAVED if all(p.default is not None for p in q.parameters)]
SD = "http://www.w3.org/ns/sparql-service-description#"

PROBES = {
    "probe-select": "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 50",
    "probe-ask": "ASK { ?s a dk:BilateralRelationship }",
    "probe-construct": "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }",
    "probe-describe": "DESCRIBE dkid:laos-south-korea-relations",
}
"""Ad-hoc queries, so every query form is exercised whatever the saved queries are."""

PROLOGUE = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX dk: <https://w3id.org/diplokg/ontology#>\n"
    "PREFIX dkid: <https://w3id.org/diplokg/id/>\n"
)

CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_server(log_dir: Path, *options: str, before: tuple[str, ...] = ()) -> Server:
    """``python -m diplokg --home ROOT BEFORE serve --port P OPTIONS`` and wait until it
    answers (``BEFORE``: global options, ``--engine rdflib`` or ``--endpoint URL``)."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    env = dict(os.environ, PYTHONPATH=str(SRC), PYTHONUNBUFFERED="1")
    for name in ("DIPLOKG_HOME", "DIPLOKG_ENGINE", "DIPLOKG_ENDPOINT"):
        env.pop(name, None)
    command = [sys.executable, "-m", "diplokg", "--home", str(ROOT), *before, "serve"]
    command += ["--port", str(port), *options]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"diplokg serve exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/queries?format=json", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    pytest.fail(f"diplokg serve did not answer within 60 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve"), "--timeout", "20")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def strict(tmp_path_factory) -> Iterator[Server]:
    """A server with tiny limits: 2 s, 5 rows, 2000 request bytes, one query in flight."""
    running = start_server(
        tmp_path_factory.mktemp("strict"),
        "--timeout",
        "2",
        "--max-rows",
        "5",
        "--max-request-bytes",
        "2000",
        "--max-concurrent",
        "1",
        "--workers",
        "1",
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rdflib_server(tmp_path_factory) -> Iterator[Server]:
    """The same server answering with rdflib's engine (``--engine rdflib``)."""
    running = start_server(
        tmp_path_factory.mktemp("rdflib"), "--timeout", "20", before=("--engine", "rdflib")
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(HOME)


@pytest.fixture(scope="session")
def expected(kg):
    """``expected(name)``: what the API answers, computed once per query per session."""
    return functools.cache(lambda name: expected_rows(kg, name))


# --- small HTTP client (stdlib, loopback only) ------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Answer:
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def post_query(server: Server, query: str, accept: str | None = None) -> Answer:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    data = urllib.parse.urlencode({"query": query}).encode()
    return http(server.sparql, data, headers)


def curl(url: str, *args: str) -> tuple[int, bytes]:
    """``curl -s -w STATUS URL ARGS``: (status, body)."""
    done = subprocess.run(
        ["curl", "-s", "-S", "--max-time", "30", "-o", "-", "-w", "\n%{http_code}", *args, url],
        capture_output=True,
        check=True,
    )
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


# --- comparing results ------------------------------------------------------------------------


def key(term) -> tuple:
    """A comparable form of a term: blank node labels and xsd:string are normalised."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        datatype = "" if term.language else str(term.datatype or XSD.string)
        return ("literal", str(term), (term.language or "").lower(), datatype)
    return ("uri", str(term))


def json_key(term: dict | None) -> tuple:
    if term is None:
        return ("unbound",)
    kind = term["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):
        lang = (term.get("xml:lang") or term.get("lang") or "").lower()
        datatype = "" if lang else (term.get("datatype") or str(XSD.string))
        return ("literal", term["value"], lang, datatype)
    return ("uri", term["value"])


def expected_rows(kg: KnowledgeGraph, name: str) -> tuple[list[str], list[tuple]]:
    """Variables and sorted rows the Python API gives for a saved query or a probe."""
    result = kg.query(name) if name not in PROBES else kg.dataset.query(query_text(name))
    variables = [str(v) for v in result.vars]
    rows = sorted(tuple(key(row[i]) for i in range(len(variables))) for row in result)
    return variables, rows


def rows_from_json(data: dict) -> tuple[list[str], list[tuple]]:
    variables = data["head"]["vars"]
    rows = [tuple(json_key(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
    return variables, sorted(rows)


def rows_from_xml(text: bytes) -> tuple[list[str], list[tuple]]:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(text)
    variables = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    rows = []
    for result in root.findall("r:results/r:result", ns):
        cells: dict[str, dict] = {}
        for binding in result.findall("r:binding", ns):
            node = binding[0]
            kind = node.tag.split("}")[1]
            term = {"type": kind, "value": node.text or ""}
            if kind == "literal":
                term["xml:lang"] = node.get(lang_attr) or ""
                term["datatype"] = node.get("datatype") or ""
            cells[binding.get("name")] = term
        rows.append(tuple(json_key(cells.get(v)) for v in variables))
    return variables, sorted(rows)


def rows_from_csv(text: str) -> tuple[list[str], list[tuple]]:
    reader = list(csv.reader(io.StringIO(text, newline="")))
    variables = reader[0]
    rows = [tuple("_" if cell.startswith("_:") else cell for cell in row) for row in reader[1:]]
    return variables, sorted(rows)


def csv_view(rows: list[tuple]) -> list[tuple]:
    def cell(k: tuple) -> str:
        return "" if k[0] == "unbound" else "_" if k[0] == "bnode" else k[1]

    return sorted(tuple(cell(k) for k in row) for row in rows)


def rows_from_tsv(text: str) -> tuple[list[str], list[tuple]]:
    lines = text.rstrip("\n").split("\n")
    variables = [v.lstrip("?") for v in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append(tuple(key(from_n3(c)) if c else key(None) for c in cells))
    return variables, sorted(rows)


def expected_graph(kg: KnowledgeGraph, name: str) -> Graph:
    graph = Graph()
    for triple in kg.dataset.query(query_text(name)).graph:
        graph.add(triple)
    return graph


# --- the protocol and the formats -------------------------------------------------------------

SELECT_NAMES = [q.name for q in RUNNABLE] + ["probe-select"]


def query_text(name: str) -> str:
    if name in PROBES:
        return PROLOGUE + PROBES[name]
    return next(q for q in SAVED if q.name == name).portable_text({})


def test_binds_loopback_by_default(server):
    from diplokg.cli import serve

    defaults = {p.name: p.default for p in serve.params}
    assert defaults["host"] == "127.0.0.1"
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.split(":")
            if state == "0A" and int(port, 16) == server.port:  # 0A = LISTEN
                listening.add(address)
    assert listening == {"0100007F"}  # 127.0.0.1, nothing else
    assert "sandbox on" in server.log.read_text()  # the audit hook is in the serving process


def test_service_description(server):
    answer = http(server.sparql)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    service = URIRef(server.sparql)
    assert (service, RDF.type, URIRef(SD + "Service")) in graph
    assert (service, URIRef(SD + "endpoint"), service) in graph
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    assert (None, URIRef(SD + "name"), GRAPH["ontology"]) in graph
    browser = http(server.sparql, headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")  # the query page


def test_get_post_form_and_post_query_give_the_same_bytes(server):
    query = query_text("probe-select")
    accept = {"Accept": "application/sparql-results+json"}
    by_get = http(server.sparql + "?" + urllib.parse.urlencode({"query": query}), headers=accept)
    by_form = post_query(server, query, accept["Accept"])
    by_body = http(
        server.sparql,
        query.encode(),
        {"Content-Type": "application/sparql-query; charset=utf-8", **accept},
    )
    assert by_get.status == by_form.status == by_body.status == 200
    assert by_get.body == by_form.body == by_body.body


@pytest.mark.parametrize("name", SELECT_NAMES)
def test_sparqlwrapper_every_result_format(server, expected, name):
    from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper

    variables, rows = expected(name)
    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.setQuery(query_text(name))
    client.setReturnFormat(JSON)
    assert rows_from_json(client.query().convert()) == (variables, rows)
    client.setReturnFormat(XML)
    assert rows_from_xml(client.query().convert().toxml().encode()) == (variables, rows)
    client.setReturnFormat(CSV)
    assert rows_from_csv(client.query().convert().decode()) == (variables, csv_view(rows))
    client.setReturnFormat(TSV)
    assert rows_from_tsv(client.query().convert().decode()) == (variables, rows)


@pytest.mark.parametrize("name", [q.name for q in RUNNABLE])
def test_curl_saved_query_route_every_format(server, expected, name):
    variables, rows = expected(name)
    url = f"{server.url}/queries/{name}"
    status, body = curl(url, "-H", "Accept: application/sparql-results+json")
    assert status == 200
    assert rows_from_json(json.loads(body)) == (variables, rows)
    status, body = curl(url + "?format=xml")
    assert status == 200 and rows_from_xml(body) == (variables, rows)
    status, body = curl(url, "-H", "Accept: text/csv")
    assert status == 200 and rows_from_csv(body.decode()) == (variables, csv_view(rows))
    status, body = curl(url, "-H", "Accept: text/tab-separated-values")
    assert status == 200 and rows_from_tsv(body.decode()) == (variables, rows)


def test_saved_query_parameters_are_typed(server, kg):
    with_params = [q for q in RUNNABLE if q.parameters]
    assert with_params, "the saved queries declare parameters"
    query = with_params[0]
    param = query.parameters[0]
    status, body = curl(f"{server.url}/queries/{query.name}?nope=1")
    assert status == 400 and b"unknown parameter 'nope'" in body
    bad = "not-a-date" if param.type.startswith("xsd:") else "has space"
    status, body = curl(
        f"{server.url}/queries/{query.name}?{urllib.parse.urlencode({param.name: bad})}"
    )
    assert status == 400 and f"parameter {param.name!r}".encode() in body
    status, body = curl(f"{server.url}/queries/no-such-query")
    assert status == 404 and b"unknown query" in body


def test_status_on_date_with_a_parameter_matches_the_api(server, kg):
    expected = kg.query("status-on-date", {"date": "1980-01-01"})
    status, body = curl(
        f"{server.url}/queries/status-on-date?date=1980-01-01", "-H", "Accept: text/csv"
    )
    assert status == 200
    from diplokg.results import render

    assert body.decode() == render(expected, "csv")  # the same bytes as the CLI prints


def test_ask_in_json_and_xml(server, kg):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    expected = kg.dataset.query(query_text("probe-ask")).askAnswer
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query_text("probe-ask"))
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is expected
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()


@pytest.mark.parametrize("name", ["probe-construct", "probe-describe"])
def test_construct_and_describe_as_turtle_ntriples_jsonld(server, kg, name):
    from SPARQLWrapper import JSONLD, TURTLE, SPARQLWrapper

    expected = expected_graph(kg, name)
    assert len(expected) > 0
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query_text(name))
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), expected)
    client.setReturnFormat(JSONLD)
    assert isomorphic(client.query().convert(), expected)
    url = server.sparql + "?" + urllib.parse.urlencode({"query": query_text(name)})
    status, body = curl(url, "-H", "Accept: application/n-triples")
    assert status == 200
    assert isomorphic(Graph().parse(data=body.decode(), format="nt"), expected)


def test_format_that_does_not_fit_the_query_is_400(server):
    url = (
        server.sparql
        + "?"
        + urllib.parse.urlencode({"query": query_text("probe-select"), "format": "ttl"})
    )
    answer = http(url)
    assert answer.status == 400 and "does not fit" in answer.text


# --- Comunica ---------------------------------------------------------------------------------


def test_comunica_returns_the_same_rows(server, kg, expected):
    comunica = JS / "node_modules" / "@comunica" / "query-sparql"
    assert comunica.is_dir(), "Comunica is not installed: run .ci/install-system-deps"
    names = SELECT_NAMES + ["probe-ask", "probe-construct"]
    queries = [{"name": n, "query": query_text(n)} for n in names]
    done = subprocess.run(
        ["node", str(JS / "run-queries.mjs"), server.sparql],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    got = json.loads(done.stdout)
    for name in SELECT_NAMES:
        assert got[name]["kind"] == "bindings", got[name]
        variables, rows = expected(name)
        theirs = sorted(tuple(json_key(r.get(v)) for v in variables) for r in got[name]["rows"])
        assert theirs == rows, name
    assert got["probe-ask"] == {"kind": "boolean", "value": True}
    quads = {tuple(json_key(t) for t in q) for q in got["probe-construct"]["quads"]}
    assert quads == {
        tuple(key(t) for t in triple) for triple in expected_graph(kg, "probe-construct")
    }


# --- saved query listing and entity pages -----------------------------------------------------


def test_queries_listing_in_json_and_html(server):
    listing = json.loads(http(server.url + "/queries", headers={"Accept": "application/json"}).body)
    assert [q["name"] for q in listing["queries"]] == [q.name for q in SAVED]
    for entry, saved in zip(listing["queries"], SAVED, strict=True):
        assert entry["summary"] == saved.summary
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in saved.parameters]
    page = http(server.url + "/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    for saved in SAVED:
        assert f'href="/queries/{saved.name}"' in page.text


def test_entity_page_html_turtle_jsonld(server, kg):
    slug = "laos-south-korea-relations"
    iri = DKID[slug]
    union = kg.union()
    assert (iri, None, None) in union
    page = http(f"{server.url}/id/{slug}", headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    from diplokg.labels import label_of

    assert f"<h1>{label_of(union, iri)}</h1>" in page.text
    assert '<blockquote class="quote">' in page.text  # quotes from dk:evidence → oa:exact
    assert 'href="/id/' in page.text  # links to related entities
    turtle = http(f"{server.url}/id/{slug}", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert set(union.triples((iri, None, None))) <= set(graph)
    jsonld = http(f"{server.url}/id/{slug}?format=jsonld")
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=jsonld.text, format="json-ld"), graph)
    assert http(f"{server.url}/id/no-such-entity").status == 404


def test_every_entity_iri_resolves(server, kg):
    union = kg.union()
    iris = sorted(
        {t for t in union.all_nodes() if isinstance(t, URIRef) and str(t).startswith(str(DKID))}
    )
    assert iris

    def status(iri: URIRef) -> int:
        return http(f"{server.url}/id/{str(iri)[len(str(DKID)) :]}").status

    with ThreadPoolExecutor(4) as pool:
        statuses = dict(zip(iris, pool.map(status, iris), strict=True))
    assert {iri: s for iri, s in statuses.items() if s != 200} == {}


# --- safety -----------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A loopback socket that counts who connects to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    yield sock, sock.getsockname()[1]
    sock.close()


def connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            return count
        conn.close()
        count += 1


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE SILENT <http://127.0.0.1:{port}/> "
        "{{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ OPTIONAL {{ SERVICE <http://localhost:{port}/> {{ ?s ?p ?o }} }} }}",
    ],
)
def test_service_is_refused_and_nothing_connects(server, listener, template):
    sock, port = listener
    answer = post_query(server, template.format(port=port))
    assert answer.status == 400 and "SERVICE" in answer.text
    assert connections(sock) == 0


def test_from_outside_the_dataset_is_refused(server, listener):
    sock, port = listener
    for query in (
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    ):
        answer = post_query(server, query)
        assert answer.status == 400, query
        assert "refused" in answer.text and "passwd" not in answer.text.split("refused")[1]
    assert connections(sock) == 0


def test_from_a_graph_of_the_dataset_is_allowed(server, kg):
    name = kg.graph_names()[0]
    answer = post_query(
        server,
        f"SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}",
        "application/sparql-results+json",
    )
    assert answer.status == 200
    count = int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])
    assert count == len(kg.named_graph(name))


def test_load_is_refused_and_nothing_connects(server, listener):
    sock, port = listener
    answer = post_query(server, f"LOAD <http://127.0.0.1:{port}/data.ttl>")
    assert answer.status == 400 and "LOAD refused" in answer.text
    answer = http(
        server.sparql,
        f"LOAD <http://127.0.0.1:{port}/x.ttl> INTO GRAPH <urn:x>".encode(),
        {"Content-Type": "application/sparql-update"},
    )
    assert answer.status == 400 and "LOAD refused" in answer.text
    assert connections(sock) == 0


def data_digest() -> dict[str, str]:
    files = sorted((ROOT / "data").rglob("*")) + sorted((ROOT / "ontology").glob("*"))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def test_update_is_refused_and_data_files_are_unchanged(server):
    before = data_digest()
    insert = "INSERT DATA { <urn:diplokg:test> <urn:diplokg:p> 'written' }"
    by_update = http(server.sparql, insert.encode(), {"Content-Type": "application/sparql-update"})
    assert by_update.status == 403 and "read-only" in by_update.text
    assert post_query(server, insert).status == 403
    form = urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode()
    assert (
        http(server.sparql, form, {"Content-Type": "application/x-www-form-urlencoded"}).status
        == 403
    )
    check = post_query(
        server, "ASK { <urn:diplokg:test> ?p ?o }", "application/sparql-results+json"
    )
    assert json.loads(check.body)["boolean"] is False
    count = post_query(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert json.loads(count.body)["boolean"] is True
    assert data_digest() == before


def test_malformed_query_is_400_with_line_and_column(server):
    answer = post_query(
        server, "PREFIX dk: <https://w3id.org/diplokg/ontology#>\nSELECT ?s\nWHERE { ?s dk: }"
    )
    assert answer.status == 400
    assert "line 3, column" in answer.text, answer.text


def test_runaway_query_is_stopped_and_the_server_recovers(strict):
    started = time.monotonic()
    answer = post_query(strict, COUNT_CROSS_PRODUCT)
    elapsed = time.monotonic() - started
    assert answer.status == 503 and "time limit" in answer.text
    assert elapsed < 2 + 1, f"stopped after {elapsed:.2f} s"
    print(f"\nrunaway query stopped after {elapsed:.2f} s (limit 2 s)")
    after = post_query(strict, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert after.status == 200 and json.loads(after.body)["boolean"] is True


def test_row_limit_is_marked_never_silent(strict):
    answer = post_query(strict, CROSS_PRODUCT, "application/sparql-results+json")
    assert answer.status == 200
    assert answer.headers["x-diplokg-truncated"] == "true"
    assert answer.headers["x-diplokg-max-rows"] == "5"
    data = json.loads(answer.body)
    assert len(data["results"]["bindings"]) == 5
    assert data["diplokg"]["truncated"] is True and "row limit of 5" in data["diplokg"]["note"]
    small = post_query(strict, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", "text/csv")
    assert small.status == 200 and "x-diplokg-truncated" not in small.headers


def test_oversized_request_is_413(strict):
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 3000
    answer = http(strict.sparql, big.encode(), {"Content-Type": "application/sparql-query"})
    assert answer.status == 413
    by_url = http(strict.sparql + "?" + urllib.parse.urlencode({"query": big}))
    assert by_url.status == 413


def test_past_the_concurrency_limit_is_503_with_retry_after(strict):
    slow: dict[str, Answer] = {}
    thread = threading.Thread(
        target=lambda: slow.setdefault("answer", post_query(strict, COUNT_CROSS_PRODUCT))
    )
    thread.start()
    time.sleep(0.5)
    refused = post_query(strict, "ASK { ?s ?p ?o }")
    thread.join()
    assert refused.status in (429, 503)
    assert int(refused.headers["retry-after"]) >= 1
    assert "busy" in refused.text
    assert slow["answer"].status == 503  # the slow one hit the 2 s limit
    assert post_query(strict, "ASK { ?s ?p ?o }").status == 200


def test_sandbox_refuses_files_and_connections_in_its_own_process(tmp_path, listener):
    """The audit hook, installed in a child process (never in this one)."""
    sock, port = listener
    outside = tmp_path.parent / "outside.txt"
    code = f"""
import socket, sys
from pathlib import Path
from diplokg import sandbox
sandbox.install(Path({str(ROOT)!r}))
results = []
try:
    open("/etc/passwd").read(); results.append("read /etc/passwd")
except PermissionError as e:
    results.append("refused /etc/passwd")
try:
    open({str(ROOT / "data" / "wrote.ttl")!r}, "w"); results.append("wrote in data/")
except PermissionError:
    results.append("refused writing data/")
s = socket.socket()
try:
    s.connect(("127.0.0.1", {port})); results.append("connected")
except PermissionError:
    results.append("refused connect")
Path({str(ROOT / "pyproject.toml")!r}).read_text(); results.append("read home")
import urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:{port}/"); results.append("fetched")
except PermissionError:
    results.append("refused fetch")
print(",".join(results))
"""
    del outside
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(",") == [
        "refused /etc/passwd",
        "refused writing data/",
        "refused connect",
        "read home",
        "refused fetch",
    ]
    assert connections(sock) == 0
    assert not (ROOT / "data" / "wrote.ttl").exists()


def test_sandbox_will_not_install_in_the_test_process():
    from diplokg import sandbox

    with pytest.raises(RuntimeError, match="pytest"):
        sandbox.install(ROOT)


# --- the query page in headless Chromium ------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1200,900",
]


def test_query_page_auto_runs_a_query_from_the_url(server, tmp_path):
    assert CHROMIUM, "Chromium is not installed: run .ci/install-system-deps"
    query = "SELECT ?s ?label WHERE { ?s a dk:Person ; rdfs:label ?label }"
    url = f"{server.url}/#" + urllib.parse.urlencode({"query": PROLOGUE + query})
    shot = tmp_path / "query-page.png"
    base = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run(
        [*base, "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert 'id="result-table"' in done.stdout, done.stderr[-2000:]
    assert "<td>" in done.stdout and 'href="/id/' in done.stdout
    subprocess.run(
        [*base, "--virtual-time-budget=10000", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=60,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_query_page_type_and_run_in_chromium(server, tmp_path):
    """Drive the page through the DevTools protocol: pick an example, type, click Run."""
    assert CHROMIUM, "Chromium is not installed: run .ci/install-system-deps"
    import websocket

    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            target = next(t for t in json.load(r) if t["type"] == "page")
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30)
        counter = iter(range(1, 10_000))

        def call(method: str, **params):
            ident = next(counter)
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == ident:
                    assert "error" not in message, message
                    return message["result"]

        def js(expression: str):
            result = call(
                "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
            )
            return result["result"].get("value")

        def wait_for(expression: str, seconds: float = 15):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                value = js(expression)
                if value:
                    return value
                time.sleep(0.1)
            pytest.fail(f"timed out waiting for {expression}")

        call("Page.enable")
        call("Page.navigate", url=server.url + "/")
        wait_for("document.readyState === 'complete' && !!document.getElementById('run')")
        options = js("Array.from(document.querySelectorAll('#example option')).map(o => o.text)")
        assert options[1:] == [q.name for q in SAVED]
        if RUNNABLE:  # pick the first example: the editor gets its text
            index = [q.name for q in SAVED].index(RUNNABLE[0].name)
            js(
                f"const s = document.getElementById('example'); s.value = '{index}';"
                "s.dispatchEvent(new Event('change'))"
            )
            assert js("document.getElementById('query').value") == RUNNABLE[0].portable_text({})
        typed = (
            PROLOGUE + "SELECT ?label WHERE { dkid:laos-south-korea-relations rdfs:label ?label }"
        )
        js("document.getElementById('query').value = ''")
        js("document.getElementById('query').focus()")
        call("Input.insertText", text=typed)
        assert js("document.getElementById('query').value") == typed
        js("document.getElementById('run').click()")
        wait_for("document.getElementById('results').getAttribute('data-done') === 'true'")
        cells = js(
            "Array.from(document.querySelectorAll('#result-table tbody td'))"
            ".map(td => td.textContent)"
        )
        assert cells and "Laos" in " ".join(cells)
        assert "row" in js("document.getElementById('status').textContent")
        js("document.getElementById('query').value = 'SELECT * WHERE { ?s ?p }'")
        js("document.getElementById('run').click()")
        wait_for("!document.getElementById('error').hidden")
        assert "line 1" in js("document.getElementById('error').textContent")
        shot = call("Page.captureScreenshot", format="png")
        (tmp_path / "query-page-error.png").write_bytes(base64.b64decode(shot["data"]))
        ws.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


# --- engines: Oxigraph (default), rdflib, rdflib with --reason ---------------------------------


def test_default_engine_is_oxigraph_in_memory_with_workers_cut_off(server):
    log = server.log.read_text()
    assert "engine oxigraph (in memory), workers without network" in log
    answer = post_query(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert answer.headers["x-diplokg-engine"] == "oxigraph"


@pytest.mark.parametrize("name", SELECT_NAMES + ["probe-ask"])
def test_oxigraph_and_rdflib_engines_answer_alike(server, rdflib_server, name):
    """Every format, both engines: the same rows (and for ordered queries the same bytes)."""
    query = query_text(name)
    for accept in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        ours = post_query(server, query, accept)
        theirs = post_query(rdflib_server, query, accept)
        assert ours.status == theirs.status == 200
        assert ours.headers["x-diplokg-engine"] == "oxigraph"
        assert theirs.headers["x-diplokg-engine"] == "rdflib"
        if accept.endswith("json"):
            a, b = json.loads(ours.body), json.loads(theirs.body)
            if "boolean" in a:
                assert a == b
            else:
                assert rows_from_json(a) == rows_from_json(b)
        elif "ORDER BY" in query.upper() and accept == "text/csv" and name not in PROBES:
            assert ours.body == theirs.body  # (the probe orders labels in several languages,
            # which SPARQL leaves to the engine)
        else:
            assert sorted(ours.text.splitlines()) == sorted(theirs.text.splitlines())


@pytest.mark.parametrize("name", [q.name for q in RUNNABLE])
def test_saved_query_routes_give_the_same_bytes_on_both_engines(server, rdflib_server, name):
    for fmt in ("json", "xml", "csv", "tsv"):
        ours = http(f"{server.url}/queries/{name}?format={fmt}")
        theirs = http(f"{rdflib_server.url}/queries/{name}?format={fmt}")
        assert ours.status == theirs.status == 200
        if fmt == "csv":
            assert sorted(ours.text.splitlines()) == sorted(theirs.text.splitlines())
    ours = http(f"{server.url}/queries/{name}", headers={"Accept": "application/json"})
    theirs = http(f"{rdflib_server.url}/queries/{name}", headers={"Accept": "application/json"})
    assert rows_from_json(json.loads(ours.body)) == rows_from_json(json.loads(theirs.body))


def test_entity_pages_are_the_same_on_both_engines(server, rdflib_server, kg):
    slugs = sorted(
        str(t)[len(str(DKID)) :]
        for t in kg.union().all_nodes()
        if isinstance(t, URIRef) and str(t).startswith(str(DKID))
    )
    for slug in slugs[:: max(1, len(slugs) // 40)]:
        for accept in ("text/html", "application/n-triples"):
            ours = http(f"{server.url}/id/{slug}", headers={"Accept": accept})
            theirs = http(f"{rdflib_server.url}/id/{slug}", headers={"Accept": accept})
            assert ours.status == theirs.status == 200, slug
            assert ours.body == theirs.body, (slug, accept)


def test_neighbourhood_query_reads_what_the_union_has_for_every_entity(kg):
    """``NEIGHBOURHOOD`` (one CONSTRUCT, any engine) gives the page the whole union gives."""
    from diplokg.oxstore import open_store
    from diplokg.server import State, entity_graph, entity_html, entity_triples

    union = kg.union()
    state = State("oxigraph", kg.graph_names(), {}, 10, store=open_store(HOME, persistent=False))
    iris = sorted(
        {t for t in union.all_nodes() if isinstance(t, URIRef) and str(t).startswith(str(DKID))}
    )
    assert len(iris) > 50
    for iri in iris:
        small = entity_graph(state, iri)
        assert set(entity_triples(small, iri)) == set(entity_triples(union, iri)), iri
        assert entity_html(small, iri) == entity_html(union, iri), iri


def test_reason_serves_the_inferences_with_rdflib(tmp_path):
    running = start_server(tmp_path, "--reason", "--workers", "1")
    try:
        query = (
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/diplokg/graph/inferred> "
            "{ ?s ?p ?o } }"
        )
        answer = post_query(running, query, "application/sparql-results+json")
        assert answer.status == 200 and answer.headers["x-diplokg-engine"] == "rdflib"
        assert int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]) > 0
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('SELECT * WHERE { ?s rdfs:label "SERVICE" }', None),
        ("SELECT ?service WHERE { ?service a dk:Service } # SERVICE <x> {}", None),
        ("SELECT * WHERE { ?s ?p <http://x/SERVICE> }", None),
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { service silent <http://x/> { ?s ?p ?o } }", "SERVICE"),
        (r"SELECT * WHERE { \u0053ERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
        ("LOAD <http://x/>", "LOAD"),
        ("DEFINE get:soft 'replace' SELECT * FROM <http://x/> { ?s ?p ?o }", "DEFINE"),
    ],
)
def test_reaching_words_are_found_outside_strings_iris_and_names(text, word):
    """The second check, in case an engine's parser reads a text unlike rdflib's."""
    from diplokg.server import reaching_word

    assert reaching_word(text) == word


def test_a_worker_cut_off_from_the_network_cannot_connect_even_from_oxigraph(listener):
    """Oxigraph's SERVICE client (Rust) is not seen by the audit hook; the namespace stops it."""
    from diplokg.workers import call_with_time_limit, cut_network

    sock, port = listener

    def attempt() -> list[str]:
        import pyoxigraph

        outcome = [f"cut {cut_network()}"]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2)
            outcome.append("python connected")
        except OSError as exc:
            outcome.append(f"python refused ({exc.errno})")
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        try:
            list(pyoxigraph.Store().query(query))
            outcome.append("oxigraph answered")
        except OSError:
            outcome.append("oxigraph refused")
        return outcome

    outcome = call_with_time_limit(attempt, 20)
    assert outcome[0] == "cut True", "unprivileged user namespaces are off on this machine"
    assert outcome[1].startswith("python refused") and outcome[2] == "oxigraph refused"
    assert connections(sock) == 0


# --- proxy mode: diplokg --endpoint URL serve ---------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    from _virtuoso import Virtuoso

    from diplokg.remote import push

    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        push(KnowledgeGraph.load(HOME), server.endpoint)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def proxy(virtuoso, tmp_path_factory) -> Iterator[Server]:
    running = start_server(
        tmp_path_factory.mktemp("proxy"),
        "--timeout",
        "20",
        before=("--endpoint", virtuoso.endpoint),
    )
    yield running
    running.stop()


def virtuoso_count(virtuoso) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    url = virtuoso.endpoint + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_proxy_answers_saved_queries_as_the_local_server_does(proxy, server):
    assert "a read-only proxy for http://127.0.0.1:" in proxy.log.read_text()
    differ = []
    for saved in RUNNABLE:
        theirs = http(f"{proxy.url}/queries/{saved.name}", headers={"Accept": "application/json"})
        ours = http(f"{server.url}/queries/{saved.name}", headers={"Accept": "application/json"})
        assert theirs.status == 200, (saved.name, theirs.text)
        assert theirs.headers["x-diplokg-engine"] == "remote"
        if rows_from_json(json.loads(theirs.body)) != rows_from_json(json.loads(ours.body)):
            differ.append(saved.name)
        for fmt in ("csv", "tsv", "xml"):
            assert http(f"{proxy.url}/queries/{saved.name}?format={fmt}").status == 200
    assert differ == []
    status, body = curl(
        f"{proxy.url}/queries/status-on-date?date=1980-01-01", "-H", "Accept: text/csv"
    )
    assert (status, body) == curl(
        f"{server.url}/queries/status-on-date?date=1980-01-01", "-H", "Accept: text/csv"
    )


def test_proxy_sparql_select_ask_construct(proxy, server):
    """Ad-hoc queries (our prefixes predeclared) give what the local server gives; the
    select keeps to our IRIs (Virtuoso's default graph holds its own system graphs too)."""
    ours_only = (
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label "
        "FILTER (STRSTARTS(STR(?s), STR(dkid:))) } ORDER BY ?s ?label LIMIT 50"
    )
    for query in (ours_only, PROBES["probe-ask"]):
        theirs = post_query(proxy, query, "application/sparql-results+json")
        ours = post_query(server, query, "application/sparql-results+json")
        assert theirs.status == 200, theirs.text
        a, b = json.loads(theirs.body), json.loads(ours.body)
        if "boolean" in b:
            assert a == b, (a, b)
        else:
            assert rows_from_json(a) == rows_from_json(b)
    theirs = post_query(proxy, query_text("probe-construct"), "application/n-triples")
    ours = post_query(server, query_text("probe-construct"), "application/n-triples")
    assert isomorphic(
        Graph().parse(data=theirs.text, format="nt"), Graph().parse(data=ours.text, format="nt")
    )


def test_proxy_entity_pages_match_the_local_ones(proxy, server):
    for slug in ("laos-south-korea-relations", "laos"):
        for accept in ("text/html", "application/n-triples"):
            theirs = http(f"{proxy.url}/id/{slug}", headers={"Accept": accept})
            ours = http(f"{server.url}/id/{slug}", headers={"Accept": accept})
            assert theirs.status == 200, theirs.text
            if accept == "text/html":
                assert theirs.body == ours.body
            else:
                assert isomorphic(
                    Graph().parse(data=theirs.text, format="nt"),
                    Graph().parse(data=ours.text, format="nt"),
                )
    assert http(f"{proxy.url}/id/no-such-entity").status == 404


def test_proxy_refuses_update_load_service_and_virtuoso_is_unchanged(proxy, virtuoso, listener):
    sock, port = listener
    before = virtuoso_count(virtuoso)
    insert = "INSERT DATA { GRAPH <urn:diplokg:test> { <urn:diplokg:a> <urn:diplokg:p> 1 } }"
    assert (
        http(proxy.sparql, insert.encode(), {"Content-Type": "application/sparql-update"}).status
        == 403
    )
    assert post_query(proxy, insert).status == 403
    drop = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    answer = http(proxy.sparql, drop, {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 403 and "read-only" in answer.text
    load = post_query(proxy, f"LOAD <http://127.0.0.1:{port}/x.ttl>")
    assert load.status == 400 and "LOAD refused" in load.text
    service = post_query(
        proxy, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    )
    assert service.status == 400 and "SERVICE" in service.text
    outside = post_query(
        proxy, f"SELECT * FROM <http://127.0.0.1:{port}/d.ttl> WHERE {{ ?s ?p ?o }}"
    )
    assert outside.status == 400 and "refused" in outside.text
    assert connections(sock) == 0
    assert virtuoso_count(virtuoso) == before


class FakeEndpoint:
    """A loopback SPARQL endpoint that records every query: ``ASK`` answers at once, a query
    with ``slow`` in it sleeps 30 s, anything else gets 20 rows."""

    def __init__(self) -> None:
        import http.server

        self.queries: list[str] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — the http.server convention
                length = int(self.headers.get("content-length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                text = form.get("query") or form.get("update") or ""
                fake.queries.append(text)
                if "ASK" in text:
                    body = {"head": {}, "boolean": True}
                else:
                    if "slow" in text:
                        time.sleep(30)
                    rows = [{"x": {"type": "literal", "value": str(i)}} for i in range(20)]
                    body = {"head": {"vars": ["x"]}, "results": {"bindings": rows}}
                data = json.dumps(body).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_proxy_time_limit_row_limit_and_nothing_refused_is_forwarded(tmp_path):
    fake = FakeEndpoint()
    running = start_server(
        tmp_path, "--timeout", "2", "--max-rows", "5", "--workers", "1",
        before=("--endpoint", fake.endpoint),
    )  # fmt: skip
    try:
        started = time.monotonic()
        slow = post_query(running, "SELECT ?x WHERE { ?x ?p 'slow' }")
        assert slow.status == 503 and "time limit" in slow.text
        assert time.monotonic() - started < 3
        cut = post_query(running, "SELECT ?x WHERE { ?x ?p ?o }", "application/sparql-results+json")
        assert cut.status == 200 and cut.headers["x-diplokg-truncated"] == "true"
        assert len(json.loads(cut.body)["results"]["bindings"]) == 5
        seen = list(fake.queries)
        for refused in (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "LOAD <http://example.org/x.ttl>",
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
            "SELECT * WHERE { ?s ?p ?o ",
        ):
            assert post_query(running, refused).status in (400, 403), refused
        assert fake.queries == seen  # none of them reached the endpoint
    finally:
        running.stop()
        fake.stop()


def test_proxy_to_an_endpoint_that_does_not_answer_exits_2_at_once():
    from _toolkit import run

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    result = run("--endpoint", dead, "serve", "--port", str(free_port()), home=ROOT)
    assert result.exit_code == 2
    assert f"cannot serve {dead}" in result.stderr
    both = run("--endpoint", dead, "serve", "--reason", home=ROOT)
    assert both.exit_code == 2 and "--reason" in both.stderr

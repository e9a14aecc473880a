"""`diplokg queries` and `diplokg query`: listing, parameters, every output format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from _toolkit import MINI_HOME, run
from rdflib import Dataset, Graph, URIRef

from diplokg.graph import KnowledgeGraph
from diplokg.queries import resolve_query

DKID = "https://w3id.org/diplokg/id/"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def test_queries_lists_names_summaries_and_parameters():
    result = run("queries")
    assert result.exit_code == 0
    assert result.output == (
        "has-relations  Is there any diplomatic relation at all?\n"
        "labels-of  All labels of one entity.\n"
        "    -p entity=<iri> = dkid:laos  The entity whose labels are listed.\n"
        "    -p limit=<xsd:integer> = 10  At most this many labels.\n"
        "parties-graph  The parties of each relation, as a graph.\n"
        "relations-in-year  Relations that started in a given year.\n"
        "    -p year=<xsd:gYear> (required)  The year (required, no default).\n"
        "relations-on-date  Diplomatic relations in force on a given day.\n"
        "    -p date=<xsd:date> = 2000-01-01  The day whose status is asked for.\n"
        "checks/end-before-start-violation  Relations that end before they start"
        " (must be empty).\n"
    )


def test_query_table_is_aligned():
    result = run("query", "relations-on-date", "-p", "date=1974-07-01")
    assert result.exit_code == 0
    assert result.output == (
        "relation       label                                      start\n"
        "-------------  -----------------------------------------  ----------\n"
        "dkid:rel-1974  Laos–South Korea relations (1974–1975)@en  1974-06-22\n"
        "(1 row)\n"
    )


def test_query_default_parameter_applies():
    result = run("query", "relations-on-date", "-f", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output, newline="")))
    assert rows == [
        ["relation", "label", "start"],
        [DKID + "rel-1995", "Laos–South Korea relations (since 1995)", "1995-10-25"],
    ]


def test_query_json_is_w3c_results():
    result = run("query", "labels-of", "-p", "entity=dkid:south-korea", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["label", "lang"]
    assert data["results"]["bindings"] == [
        {
            "label": {"type": "literal", "value": "South Korea", "xml:lang": "en"},
            "lang": {"type": "literal", "value": "en"},
        },
        {
            "label": {"type": "literal", "value": "대한민국", "xml:lang": "ko"},
            "lang": {"type": "literal", "value": "ko"},
        },
    ]


def test_query_xml_is_w3c_results():
    result = run("query", "relations-on-date", "-p", "date=1996-01-01", "-f", "xml")
    assert result.exit_code == 0
    root = ET.fromstring(result.output.encode("utf-8"))
    assert root.tag == RESULTS_NS + "sparql"
    names = [v.get("name") for v in root.iter(RESULTS_NS + "variable")]
    assert names == ["relation", "label", "start"]
    (row,) = root.iter(RESULTS_NS + "result")
    bindings = {b.get("name"): b[0] for b in row.iter(RESULTS_NS + "binding")}
    assert bindings["relation"].tag == RESULTS_NS + "uri"
    assert bindings["relation"].text == DKID + "rel-1995"
    assert bindings["start"].get("datatype") == "http://www.w3.org/2001/XMLSchema#date"
    assert bindings["start"].text == "1995-10-25"


def test_query_csv_uses_crlf_and_parses():
    result = run("query", "labels-of", "-f", "csv")
    assert result.exit_code == 0
    text = result.stdout_bytes.decode("utf-8")
    assert text == "label,lang\r\nLaos,en\r\nລາວ,lo\r\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["label", "lang"], ["Laos", "en"], ["ລາວ", "lo"]]


def test_query_tsv_uses_turtle_terms():
    result = run("query", "relations-on-date", "-p", "date=1996-01-01", "-f", "tsv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows == [
        ["?relation", "?label", "?start"],
        [
            f"<{DKID}rel-1995>",
            '"Laos–South Korea relations (since 1995)"@en',
            '"1995-10-25"^^<http://www.w3.org/2001/XMLSchema#date>',
        ],
    ]


def test_query_markdown_table():
    result = run("query", "relations-in-year", "-p", "year=1995", "-f", "md")
    assert result.exit_code == 0
    assert result.output == "| relation |\n|---|\n| dkid:rel-1995 |\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("table", "true\n"), ("md", "true\n")],
)
def test_ask_prints_true(fmt, expected):
    result = run("query", "has-relations", "-f", fmt)
    assert (result.exit_code, result.output) == (0, expected)


def test_ask_json_and_xml():
    data = json.loads(run("query", "has-relations", "-f", "json").output)
    assert data["boolean"] is True
    root = ET.fromstring(run("query", "has-relations", "-f", "xml").output.encode())
    assert root.find(RESULTS_NS + "boolean").text == "true"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_prints_rdf_that_parses(fmt, rdflib_format):
    result = run("query", "parties-graph", "-f", fmt)
    assert result.exit_code == 0
    graph = Graph().parse(data=result.output, format=rdflib_format)
    assert len(graph) == 4
    assert (URIRef(DKID + "rel-1974"), None, URIRef(DKID + "laos")) in graph


def test_construct_default_is_turtle_and_select_refuses_turtle():
    assert "dkid:rel-1974 dk:party" in run("query", "parties-graph").output
    result = run("query", "labels-of", "-f", "ttl")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: format 'ttl' does not fit a SELECT query "
        "(use one of: table, csv, tsv, json, xml, md)\n"
    )


def test_ill_typed_parameter_is_a_usage_error():
    result = run("query", "relations-on-date", "-p", "date=2025-13-45")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: parameter 'date': '2025-13-45' is not a valid xsd:date\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["relations-on-date", "-p", "day=2000-01-01"],
            "unknown parameter 'day' for query 'relations-on-date' (parameters: date)",
        ),
        (
            ["relations-in-year"],
            "missing parameter 'year' (xsd:gYear) for query 'relations-in-year':"
            " pass -p year=VALUE",
        ),
        (["relations-in-year", "-p", "year=95"], "parameter 'year': '95' is not a valid xsd:gYear"),
        (["labels-of", "-p", "limit=ten"], "parameter 'limit': 'ten' is not a valid xsd:integer"),
        (
            ["labels-of", "-p", "entity=foo:bar"],
            "parameter 'entity': unknown prefix 'foo' in 'foo:bar'",
        ),
        (["labels-of", "-p", "entity"], "parameter 'entity' must look like KEY=VALUE"),
        (
            ["no-such-query"],
            "unknown query 'no-such-query' (saved queries: has-relations, labels-of, "
            "parties-graph, relations-in-year, relations-on-date, "
            "checks/end-before-start-violation)",
        ),
    ],
)
def test_parameter_and_name_errors_exit_2(args, message):
    result = run("query", *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


@pytest.mark.parametrize(
    "entity",
    ["dkid:south-korea", f"<{DKID}south-korea>", f"{DKID}south-korea"],
)
def test_iri_parameter_accepts_prefixed_bracketed_and_bare(entity):
    result = run("query", "labels-of", "-p", f"entity={entity}", "-f", "csv")
    assert result.output.splitlines()[1:] == ["South Korea,en", "대한민국,ko"]


def test_check_queries_run_by_name_and_are_empty():
    result = run("query", "checks/end-before-start-violation", "-f", "csv")
    assert (result.exit_code, result.stdout_bytes) == (0, b"relation,start,end\r\n")


def test_query_from_file_and_from_text(tmp_path):
    path = tmp_path / "states.rq"
    path.write_text(
        "#+ summary: States.\nPREFIX dk: <https://w3id.org/diplokg/ontology#>\n"
        "SELECT ?s WHERE { ?s a dk:State } ORDER BY ?s\n"
    )
    assert run("query", str(path), "-f", "md").output == (
        "| s |\n|---|\n| dkid:laos |\n| dkid:south-korea |\n"
    )
    text = run("query", "SELECT ?s WHERE { ?s a dk:Person }", "-f", "md")
    assert text.output == "| s |\n|---|\n| dkid:jane-doe |\n"


def test_bad_sparql_file_reports_position(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?s WHERE {\n  ?s ?p \n}\n")
    result = run("query", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}:")
    assert "SPARQL syntax error" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_reason_adds_subclass_inferences():
    query = "SELECT ?a WHERE { ?a a dk:Actor } ORDER BY ?a"
    assert run("query", query, "-f", "md").output == "| a |\n|---|\n"
    assert run("query", query, "-f", "md", "--reason").output == (
        "| a |\n|---|\n| dkid:jane-doe |\n| dkid:laos |\n| dkid:south-korea |\n"
    )


@pytest.mark.parametrize("date", ["1974-07-01", "1980-01-01", "1996-01-01"])
def test_portable_values_text_gives_the_same_rows_as_init_bindings(date):
    kg = KnowledgeGraph.load(MINI_HOME)
    saved = resolve_query(kg.home, "relations-on-date")
    bound = [tuple(row) for row in kg.query(saved, {"date": date})]
    portable = saved.portable_text({"date": date})
    assert "VALUES (?date) {" in portable
    plain = Dataset(default_union=True)
    for graph in kg.dataset.graphs():
        for triple in graph:
            plain.graph(graph.identifier).add(triple)
    assert [tuple(row) for row in plain.query(portable)] == bound


def test_show_prints_the_portable_query():
    result = run("query", "relations-in-year", "-p", "year=1995", "--show")
    assert result.exit_code == 0
    assert 'VALUES (?year) { ("1995"^^<http://www.w3.org/2001/XMLSchema#gYear>) }' in result.output

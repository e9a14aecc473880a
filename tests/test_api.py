"""The Python API under the CLI: loading, named graphs, headers, binding, paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from _toolkit import FACTS, MINI_HOME, copy_home
from rdflib import Literal, URIRef
from rdflib import namespace as rdf_namespace

from diplokg.errors import HomeError, InputError, QueryParameterError
from diplokg.graph import INFERRED_GRAPH, KnowledgeGraph
from diplokg.namespaces import GRAPH, PREFIXES
from diplokg.paths import ENV_VAR, Home, bundled_home, resolve_home
from diplokg.queries import SavedQuery, parse_value, with_values
from diplokg.rdfio import subject_line, to_turtle


@pytest.fixture
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(MINI_HOME)


def test_one_named_graph_per_file(kg):
    assert kg.graph_names() == [GRAPH["ontology"], GRAPH["relations"], GRAPH["states"]]
    assert len(kg.named_graph(GRAPH["states"])) == 9


def test_all_our_prefixes_are_bound(kg):
    bound = dict(kg.dataset.namespaces())
    for prefix, namespace in PREFIXES.items():
        assert str(bound[prefix]) == str(namespace)


def test_reason_fills_only_the_inferred_graph(kg):
    before = {name: len(kg.named_graph(name)) for name in kg.graph_names()}
    added = kg.reason()
    assert added > 0
    assert len(kg.named_graph(INFERRED_GRAPH)) == added
    after = {name: len(kg.named_graph(name)) for name in kg.graph_names() if name != INFERRED_GRAPH}
    assert after == before


def test_saved_query_header():
    saved = SavedQuery.from_file(MINI_HOME / "queries" / "relations-on-date.rq")
    assert saved.summary == "Diplomatic relations in force on a given day."
    assert saved.description == (
        "Lists every relation whose start date is on or before the day and whose end date, "
        "if any, is after it."
    )
    (param,) = saved.parameters
    assert (param.name, param.type, param.default) == ("date", "xsd:date", "2000-01-01")
    assert param.description == "The day whose status is asked for."
    assert saved.bind({}) == {"date": Literal("2000-01-01", datatype=rdf_namespace.XSD.date)}


@pytest.mark.parametrize(
    "line",
    ["#+ param: date xsd:datetime = 2000 -- bad type", "#+ param: date xsd:date = 2000-13-01"],
)
def test_bad_param_declarations_are_input_errors(line):
    with pytest.raises(InputError):
        SavedQuery.from_text(line + "\nSELECT * { ?s ?p ?o }\n")


@pytest.mark.parametrize(
    ("ptype", "value", "expected"),
    [
        ("xsd:gYearMonth", "1995-10", Literal("1995-10", datatype=rdf_namespace.XSD.gYearMonth)),
        ("xsd:string", 'a "quoted" }', Literal('a "quoted" }', datatype=rdf_namespace.XSD.string)),
        ("iri", "dk:State", URIRef("https://w3id.org/diplokg/ontology#State")),
    ],
)
def test_parse_value(ptype, value, expected):
    assert parse_value("x", ptype, value) == expected


@pytest.mark.parametrize(
    ("ptype", "value"),
    [("xsd:gYearMonth", "1995-13"), ("iri", "<not an iri>"), ("xsd:date", "2025-02-30")],
)
def test_parse_value_refuses(ptype, value):
    with pytest.raises(QueryParameterError):
        parse_value("x", ptype, value)


def test_values_block_goes_into_the_where_group_not_into_a_construct_template():
    text = (
        "# { not this }\nPREFIX dk: <https://w3id.org/diplokg/ontology#>\n"
        'CONSTRUCT { ?s dk:p "}" } WHERE { ?s dk:q ?x }'
    )
    bound = with_values(text, {"x": Literal("a } b")})
    assert bound.endswith('WHERE {\n  VALUES (?x) { ("a } b") } ?s dk:q ?x }')
    ask = with_values("ASK { ?s ?p ?x }", {"x": URIRef("urn:a")})
    assert ask == "ASK {\n  VALUES (?x) { (<urn:a>) } ?s ?p ?x }"


def test_string_parameter_cannot_inject(kg):
    saved = SavedQuery.from_text(
        "#+ param: name xsd:string = x -- A label.\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(STR(?l) = ?name) }\n"
    )
    assert list(kg.query(saved, {"name": 'Laos" || true || "'})) == []
    assert [r[0] for r in kg.query(saved, {"name": "Laos"})] == [
        URIRef("https://w3id.org/diplokg/id/laos")
    ]


def test_order_by_unbound_values_does_not_crash(kg):
    result = kg.query(
        "SELECT ?s ?end WHERE { ?s a dk:DiplomaticRelation OPTIONAL { ?s dk:endDate ?end } }"
        " ORDER BY STR(?end) ?s"
    )
    assert [str(r[0]).rsplit("/", 1)[1] for r in result] == ["rel-1995", "rel-1974"]


def test_subject_line_finds_statement_starts_only():
    text = (
        "@prefix dkid: <https://w3id.org/diplokg/id/> .\n"
        "dkid:a dkid:p\n"
        "    dkid:b .\n"
        '# dkid:b in a comment\ndkid:c dkid:p "dkid:b" .\n'
        "<https://w3id.org/diplokg/id/b> dkid:p dkid:a .\n"
    )
    assert subject_line(text, URIRef("https://w3id.org/diplokg/id/b")) == 6
    assert subject_line(text, URIRef("https://w3id.org/diplokg/id/c")) == 5
    assert subject_line(text, URIRef("https://w3id.org/diplokg/id/zzz")) is None


def test_turtle_writer_is_sorted_and_reparses():
    kg = KnowledgeGraph.load(MINI_HOME)
    text = to_turtle(kg.union())
    assert text == to_turtle(reversed(list(kg.union())))


def test_home_resolution_order(tmp_path, monkeypatch):
    option, env = copy_home(tmp_path / "a"), copy_home(tmp_path / "b")
    monkeypatch.setenv(ENV_VAR, str(env))
    assert resolve_home(option) == Home(option.resolve())
    assert resolve_home(None) == Home(env.resolve())
    monkeypatch.delenv(ENV_VAR)
    checkout = Path(__file__).parents[1]
    assert resolve_home(None, environ={}).root in (checkout, bundled_home())
    with pytest.raises(HomeError):
        resolve_home(tmp_path / "missing")


def test_add_api_updates_the_loaded_graph(tmp_path):
    home = copy_home(tmp_path)
    kg = KnowledgeGraph.load(home)
    result = kg.add(FACTS / "good-relation.ttl")
    assert (result.added, result.duplicates, result.created) == (6, 0, True)
    assert GRAPH["good-relation"] in kg.graph_names()

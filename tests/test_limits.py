"""Limits and guarantees around our dependencies: inference caps, explicit SHACL graphs,
literals kept as written, backups of replaced data files."""

from __future__ import annotations

import pytest
from _toolkit import FACTS, copy_home, run
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from diplokg import reasoning
from diplokg.errors import InferenceLimitError, InputError
from diplokg.rdfio import new_graph
from diplokg.validation import shacl

P = URIRef("https://w3id.org/diplokg/ontology#near")


def runaway(n: int = 600) -> set:
    """A ring of ``n`` nodes under one transitive and symmetric property (owlrl: n² triples)."""
    triples = {(P, RDF.type, OWL.TransitiveProperty), (P, RDF.type, OWL.SymmetricProperty)}
    for i in range(n):
        a, b = (
            URIRef(f"https://w3id.org/diplokg/id/n{i}"),
            URIRef(f"https://w3id.org/diplokg/id/n{(i + 1) % n}"),
        )
        triples.add((a, P, b))
    return triples


def test_inference_stops_at_the_triple_cap():
    with pytest.raises(InferenceLimitError, match="inferred more than 2000 triples"):
        reasoning.infer(runaway(), max_inferred=2000)


def test_inference_stops_at_the_time_limit():
    with pytest.raises(InferenceLimitError, match="time limit of 0.5 s"):
        reasoning.infer(runaway(), time_limit=0.5)


def test_cli_reason_past_the_cap_is_exit_2(tmp_path, monkeypatch):
    home = copy_home(tmp_path)
    monkeypatch.setattr(reasoning, "MAX_INFERRED", 50)
    result = run("export", "--reason", home=home)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: OWL RL inference stopped: it inferred more than 50")


def test_pyshacl_never_runs_without_shapes():
    """pyshacl with ``shacl_graph=None`` validates the data against itself and conforms."""
    data = {(URIRef("https://w3id.org/diplokg/id/x"), RDF.type, OWL.Thing)}
    with pytest.raises(InputError, match="shapes graph is empty"):
        shacl(data, new_graph())


def test_literals_keep_their_lexical_form(tmp_path):
    """rdflib's normalisation turned "2025-01-01Z"^^xsd:date into "2025-01-01"."""
    home = copy_home(tmp_path)
    facts = tmp_path / "zoned.ttl"
    facts.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/diplokg/id/laos> rdfs:comment\n"
        '    "2025-01-01Z"^^xsd:date , "007"^^xsd:integer .\n'
    )
    assert run("add", str(facts), home=home).exit_code == 0
    text = (home / "data" / "zoned.ttl").read_text()
    assert '"2025-01-01Z"^^xsd:date' in text
    assert '"007"^^xsd:integer' in text
    assert Literal("2025-01-01Z", datatype=XSD.date) != Literal("2025-01-01", datatype=XSD.date)


def test_add_backs_up_the_file_it_replaces(tmp_path):
    home = copy_home(tmp_path)
    target = home / "data" / "relations.ttl"
    old = target.read_bytes()
    result = run("add", str(FACTS / "good-relation.ttl"), "--into", "relations.ttl", home=home)
    assert result.exit_code == 0, result.stderr
    backups = list((home / "data" / ".backup").iterdir())
    assert [b.name.startswith("relations.ttl.") for b in backups] == [True]
    assert backups[0].read_bytes() == old
    assert target.read_bytes() != old

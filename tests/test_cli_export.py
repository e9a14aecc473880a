"""`diplokg export`: round-trips, named graphs, determinism, atomic -o."""

from __future__ import annotations

import shutil

import pytest
from _toolkit import FACTS, MINI_HOME, copy_home, run, run_process
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

GRAPH = "https://w3id.org/diplokg/graph/"


@pytest.fixture
def home(tmp_path):
    return copy_home(tmp_path)


def files_union(home) -> Graph:
    union = Graph()
    for path in [home / "ontology" / "diplomacy.ttl", *sorted((home / "data").glob("*.ttl"))]:
        union.parse(path, format="turtle")
    return union


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_export_round_trips_isomorphic(fmt, rdflib_format):
    result = run("export", "-f", fmt)
    assert result.exit_code == 0
    exported = Graph().parse(data=result.output, format=rdflib_format)
    assert isomorphic(exported, files_union(MINI_HOME))


def test_turtle_keeps_our_prefixes():
    text = run("export").output
    assert text.startswith("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n")
    assert "@prefix dkid: <https://w3id.org/diplokg/id/> .\n" in text
    assert "dkid:laos a dk:State ;\n" in text


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nq", "nquads")])
def test_trig_and_nquads_keep_one_graph_per_file(fmt, rdflib_format):
    result = run("export", "-f", fmt)
    dataset = Dataset()
    dataset.parse(data=result.output, format=rdflib_format)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {GRAPH + "ontology", GRAPH + "relations", GRAPH + "states"}
    states = dataset.graph(URIRef(GRAPH + "states"))
    assert isomorphic(states, Graph().parse(MINI_HOME / "data" / "states.ttl"))


def test_reason_adds_an_inferred_graph_and_leaves_data_alone(home):
    before = {p: p.read_bytes() for p in (home / "data").glob("*.ttl")}
    result = run("export", "-f", "trig", "--reason", home=home)
    dataset = Dataset()
    dataset.parse(data=result.output, format="trig")
    inferred = dataset.graph(URIRef(GRAPH + "inferred"))
    actor = URIRef("https://w3id.org/diplokg/ontology#Actor")
    assert (URIRef("https://w3id.org/diplokg/id/laos"), None, actor) in inferred
    assert {p: p.read_bytes() for p in (home / "data").glob("*.ttl")} == before


def test_export_is_byte_identical_across_hash_seeds(home):
    shutil.copy(FACTS / "blank-nodes.ttl", home / "data" / "notes.ttl")
    for fmt in ("ttl", "trig", "nq"):
        first = run_process("export", "-f", fmt, home=home, seed="1")
        second = run_process("export", "-f", fmt, home=home, seed="4242")
        assert first.returncode == 0, first.stderr
        assert first.stdout == second.stdout
    exported = Dataset()
    exported.parse(data=first.stdout.decode(), format="nquads")
    assert len({t for g in exported.graphs() for t in g}) == len(files_union(home))


def test_output_file_is_written_atomically(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old")
    result = run("export", "-o", str(target))
    assert (result.exit_code, result.output) == (0, "")
    assert target.read_text() == run("export").output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_output_into_missing_folder_is_exit_2(tmp_path):
    result = run("export", "-o", str(tmp_path / "missing" / "out.ttl"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'missing' / 'out.ttl'}: cannot write")

"""`diplokg add`: all-or-nothing, idempotent, safe under concurrency."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from _toolkit import FACTS, SRC, copy_home, digest, run, run_process
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

LAOS = URIRef("https://w3id.org/diplokg/id/laos")


@pytest.fixture
def home(tmp_path):
    return copy_home(tmp_path)


def test_rejected_add_leaves_every_file_byte_identical(home):
    before = digest(home)
    result = run("add", str(FACTS / "bad-relation.ttl"), home=home)
    assert result.exit_code == 1
    assert "Rejected: 3 violations" in result.stdout
    assert result.stderr == (
        f"Error: {FACTS / 'bad-relation.ttl'}: rejected, 3 violations; nothing was written\n"
    )
    assert digest(home) == before


def test_add_creates_a_new_file_then_is_idempotent(home):
    source = FACTS / "good-relation.ttl"
    target = home / "data" / "good-relation.ttl"
    first = run("add", str(source), home=home)
    assert first.exit_code == 0
    assert first.output == f"6 triples added, 0 duplicates skipped; {target} created.\n"
    assert Graph().parse(target).isomorphic(Graph().parse(source))
    written = target.read_bytes()
    second = run("add", str(source), home=home)
    assert second.exit_code == 0
    assert second.output == f"0 triples added, 6 duplicates skipped; {target} unchanged.\n"
    assert target.read_bytes() == written
    assert not (home / "data" / ".diplokg.lock").exists()


def test_add_into_existing_file_appends_and_keeps_comments(home):
    target = home / "data" / "states.ttl"
    old = target.read_text(encoding="utf-8")
    result = run(
        "add", str(FACTS / "duplicate-and-new.ttl"), "--into", "data/states.ttl", home=home
    )
    assert result.exit_code == 0
    assert result.output == f"1 triple added, 1 duplicate skipped; {target} updated.\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith(old)
    assert "# The two states." in text
    graph = Graph().parse(target)
    assert (LAOS, RDFS.label, Literal("Lao PDR", lang="en")) in graph
    assert len(graph) == len(Graph().parse(data=old, format="turtle")) + 1
    assert run("validate", "--all", home=home).exit_code == 0


@pytest.mark.parametrize("into", ["states.ttl", "data/states.ttl"])
def test_into_accepts_name_or_data_path(home, into):
    result = run("add", str(FACTS / "duplicate-and-new.ttl"), "--into", into, home=home)
    assert result.exit_code == 0


@pytest.mark.parametrize("into", ["ontology/x.ttl", "data/notes.txt", "/tmp/elsewhere.ttl"])
def test_into_outside_data_is_a_usage_error(home, into):
    before = digest(home)
    result = run("add", str(FACTS / "good-relation.ttl"), "--into", into, home=home)
    assert result.exit_code == 2
    assert "must be a .ttl file directly in" in result.stderr
    assert digest(home) == before


def test_malformed_file_is_exit_2_and_writes_nothing(home):
    before = digest(home)
    path = FACTS / "ill-typed-date.ttl"
    result = run("add", str(path), home=home)
    assert result.exit_code == 2
    assert result.stderr == (
        f'Error: {path}:6:5: ill-typed literal "2025-13-45"^^xsd:date (not a valid xsd:date)\n'
    )
    assert digest(home) == before


def test_two_concurrent_adds_both_land(home, tmp_path):
    sources = []
    for n in range(2):
        source = tmp_path / f"extra-{n}.ttl"
        source.write_text(
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix dkid: <https://w3id.org/diplokg/id/> .\n"
            f'dkid:laos rdfs:label "Concurrent label {n}"@en .\n',
            encoding="utf-8",
        )
        sources.append(source)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("DIPLOKG_HOME", None)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "diplokg",
                "--home",
                str(home),
                "add",
                str(source),
                "--into",
                "data/states.ttl",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for source in sources
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    graph = Graph().parse(home / "data" / "states.ttl")
    for n in range(2):
        assert (LAOS, RDFS.label, Literal(f"Concurrent label {n}", lang="en")) in graph
    assert not (home / "data" / ".diplokg.lock").exists()


def test_stale_lock_of_a_dead_process_is_removed(home):
    probe = subprocess.Popen(["true"])
    probe.wait()
    (home / "data" / ".diplokg.lock").write_text(f"{probe.pid}\n")
    result = run_process("add", str(FACTS / "good-relation.ttl"), home=home)
    assert result.returncode == 0, result.stderr
    assert not (home / "data" / ".diplokg.lock").exists()
    assert (home / "data" / "good-relation.ttl").exists()


def test_live_lock_times_out_with_exit_2(home):
    from diplokg.errors import LockError
    from diplokg.locking import DataLock

    lock = home / "data" / ".diplokg.lock"
    lock.write_text(f"{os.getpid()}\n")
    with pytest.raises(LockError, match="held by process"):
        DataLock(lock, timeout=0.2).acquire()
    assert lock.read_text() == f"{os.getpid()}\n"


def test_add_copies_nothing_when_only_duplicates(home):
    shutil.copy(home / "data" / "states.ttl", home / "states-again.ttl")
    before = digest(home / "data")
    result = run("add", str(home / "states-again.ttl"), "--into", "states.ttl", home=home)
    assert result.exit_code == 0
    assert result.output.startswith("0 triples added, 9 duplicates skipped;")
    assert digest(home / "data") == before


LITERALS = """@prefix dkid: <https://w3id.org/diplokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
dkid:laos rdfs:comment "07"^^xsd:integer, "x", "8"^^xsd:integer .
"""


@pytest.mark.parametrize(
    "facts",
    [
        # "07" is stored by Oxigraph as "7": the same lexical form is a duplicate, "7" is new
        '"07"^^xsd:integer, "7"^^xsd:integer',
        # "x"^^xsd:string is "x" to Oxigraph, not to rdflib (nor to the file)
        '"x"^^xsd:string, "x", "08"^^xsd:integer, "8"^^xsd:integer',
    ],
)
def test_add_counts_duplicates_alike_on_both_engines(tmp_path, facts):
    """Oxigraph keeps typed literals in canonical form; ``add`` on its store still counts a
    duplicate exactly where ``--engine rdflib`` (lexical forms) does."""
    outputs = []
    for engine in ("rdflib", "oxigraph"):
        home = copy_home(tmp_path / engine)
        (home / "data" / "literals.ttl").write_text(LITERALS, encoding="utf-8")
        source = tmp_path / engine / "new.ttl"
        source.write_text(LITERALS.rsplit("dkid:", 1)[0] + f"dkid:laos rdfs:comment {facts} .\n")
        result = run("--engine", engine, "add", str(source), "--into", "literals.ttl", home=home)
        assert result.exit_code == 0, result.output
        outputs.append(result.output.replace(str(home), "HOME"))
        written = Graph().parse(home / "data" / "literals.ttl")
        outputs.append(sorted(str(o) + repr(o.datatype) for o in written.objects(LAOS, None)))
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]

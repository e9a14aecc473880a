"""Evidence points at the exact text it quotes.

Every ``oa:exact`` in ``data/`` is the source text at ``[oa:start, oa:end)`` (Unicode code
points, end exclusive, the text read as UTF-8 with no newline translation); every fact is
derived from the sources its evidence comes from and has evidence from every source it is
derived from; every ``dk:sourceFile`` exists; and the source texts are byte for byte the ones
the offsets were computed against (their SHA-256 is recorded here).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SOURCES_DIR = DATA_DIR / "sources"

DK = "https://w3id.org/diplokg/ontology#"
DKID = "https://w3id.org/diplokg/id/"
OA = "http://www.w3.org/ns/oa#"

EVIDENCE = URIRef(DK + "Evidence")
EVIDENCE_OF = URIRef(DK + "evidence")
SOURCE_FILE = URIRef(DK + "sourceFile")
HAS_SOURCE = URIRef(OA + "hasSource")
HAS_SELECTOR = URIRef(OA + "hasSelector")
EXACT = URIRef(OA + "exact")
START = URIRef(OA + "start")
END = URIRef(OA + "end")
QUOTE_SELECTOR = URIRef(OA + "TextQuoteSelector")
POSITION_SELECTOR = URIRef(OA + "TextPositionSelector")

# SHA-256 of each source text, taken when the texts were added. A changed byte would move
# every offset after it, so a source text may never be edited in place.
SOURCE_SHA256 = {
    "000_dab8069bf6a7fff5.txt": "d05f85fda8768c2b356338809fb4caf9b0a823e9eb1cd9cb7ef7e25d40d8dbe5",
    "001_2ab29c625339e27c.txt": "61251beb0884574f4da02b6347219feeff18ddd57c91f8fdf444d02962c475f1",
}

_EVIDENCE_IRI = re.compile(r"^ev-(?P<key>\d{3})-(?P<start>\d+)-(?P<end>\d+)$")


def read_source(name: str) -> str:
    with open(SOURCES_DIR / name, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def data() -> Graph:
    """All of data/*.ttl in one graph (no ontology: only the facts are checked here)."""
    graph = Graph()
    for path in sorted(DATA_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def evidence(data: Graph) -> dict[URIRef, dict]:
    """Each evidence node with its source, quote and offsets (lists, to catch duplicates)."""
    found = {}
    for node in data.subjects(RDF.type, EVIDENCE):
        record = {"sources": list(data.objects(node, HAS_SOURCE)), "quotes": [], "spans": []}
        for selector in data.objects(node, HAS_SELECTOR):
            record["quotes"] += [str(q) for q in data.objects(selector, EXACT)]
            for start in data.objects(selector, START):
                for end in data.objects(selector, END):
                    record["spans"].append((int(start), int(end)))
        found[node] = record
    return found


def test_sources_are_unchanged():
    assert sorted(p.name for p in SOURCES_DIR.glob("*.txt")) == sorted(SOURCE_SHA256)
    for name, digest in SOURCE_SHA256.items():
        assert hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest() == digest, name


def test_every_source_file_exists_and_every_text_has_a_source_node(data):
    files = {str(name) for name in data.objects(None, SOURCE_FILE)}
    for name in files:
        assert (SOURCES_DIR / name).is_file(), f"dk:sourceFile {name!r} is not in data/sources"
    assert files == {p.name for p in SOURCES_DIR.glob("*.txt")}


def test_there_is_evidence(evidence):
    assert len(evidence) >= 40


def test_every_quote_is_the_source_text_at_its_offsets(data, evidence):
    wrong = []
    for node, record in sorted(evidence.items()):
        assert len(record["sources"]) == 1, f"{node}: {len(record['sources'])} oa:hasSource"
        assert len(record["quotes"]) == 1, f"{node}: {len(record['quotes'])} quotes"
        assert len(record["spans"]) == 1, f"{node}: {len(record['spans'])} positions"
        name = data.value(record["sources"][0], SOURCE_FILE)
        assert name is not None, f"{node}: its source has no dk:sourceFile"
        text = read_source(str(name))
        (start, end), quote = record["spans"][0], record["quotes"][0]
        if text[start:end] != quote:
            wrong.append(f"{node}: [{start}, {end}) is {text[start:end]!r}, not {quote!r}")
    assert wrong == []


def test_evidence_iris_name_their_source_and_offsets(data, evidence):
    for node, record in evidence.items():
        match = _EVIDENCE_IRI.match(str(node).removeprefix(DKID))
        assert match, f"{node} is not named dkid:ev-NNN-START-END"
        assert record["sources"] == [URIRef(f"{DKID}src-{match['key']}")], node
        assert record["spans"] == [(int(match["start"]), int(match["end"]))], node
        selectors = set(data.objects(node, HAS_SELECTOR))
        assert selectors == {URIRef(f"{node}-quote"), URIRef(f"{node}-pos")}, node
        assert (URIRef(f"{node}-quote"), RDF.type, QUOTE_SELECTOR) in data
        assert (URIRef(f"{node}-pos"), RDF.type, POSITION_SELECTOR) in data
        for value in data.objects(URIRef(f"{node}-pos"), None):
            if isinstance(value, Literal):
                assert value.datatype == URIRef("http://www.w3.org/2001/XMLSchema#integer")


def test_evidence_lives_in_the_file_of_its_source():
    for path in sorted(DATA_DIR.glob("source-*.ttl")):
        key = path.stem.removeprefix("source-")
        graph = Graph().parse(path, format="turtle")
        for node in graph.subjects(RDF.type, EVIDENCE):
            assert str(node).startswith(f"{DKID}ev-{key}-"), f"{node} is in {path.name}"


def test_every_fact_is_derived_from_its_evidence_sources(data, evidence):
    """Evidence from a source ⇔ derived from that source, for every fact."""
    evidence_sources: dict[URIRef, set] = defaultdict(set)
    for fact, node in data.subject_objects(EVIDENCE_OF):
        assert node in evidence, f"{fact} cites {node}, which is not a dk:Evidence"
        evidence_sources[fact].update(evidence[node]["sources"])
    derived: dict[URIRef, set] = defaultdict(set)
    for fact, source in data.subject_objects(PROV.wasDerivedFrom):
        derived[fact].add(source)
    assert evidence_sources, "no fact cites evidence"
    mismatched = {
        fact: (sorted(derived.get(fact, ())), sorted(sources))
        for fact, sources in evidence_sources.items()
        if derived.get(fact, set()) != sources
    }
    mismatched.update(
        {fact: (sorted(sources), []) for fact, sources in derived.items() if fact not in
         evidence_sources}
    )  # fmt: skip
    assert mismatched == {}


def test_every_evidence_node_is_cited(data, evidence):
    cited = set(data.objects(None, EVIDENCE_OF))
    assert sorted(set(evidence) - cited) == []


def test_facts_stated_in_both_sources(data):
    """Derived from both sources: the 1995 restoration (src-001: "Since re-establishing
    diplomatic ties in 1995") and the restored phase (src-001 gives its end, the upgrade)."""
    both = {
        fact
        for fact in set(data.subjects(PROV.wasDerivedFrom, None))
        if len(set(data.objects(fact, PROV.wasDerivedFrom))) == 2
    }
    assert both == {URIRef(DKID + "restoration-1995"), URIRef(DKID + "phase-restored-1995")}

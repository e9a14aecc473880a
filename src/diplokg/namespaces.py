"""Every namespace and prefix diplokg uses, defined once.

Why one module: prefixes leak into Turtle output, SPARQL headers, CLI output and the
endpoint; keeping them here means a renamed namespace is a one-line change.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

BASE = "https://w3id.org/diplokg/"

DK = Namespace(BASE + "ontology#")
"""Terms of the diplomacy ontology (classes and properties)."""

DKID = Namespace(BASE + "id/")
"""Individuals: states, people, events, sources, evidence."""

DKSH = Namespace(BASE + "shapes#")
"""SHACL shapes."""

GRAPH = Namespace(BASE + "graph/")
"""Named graphs: one per data file, plus ``ontology`` and ``inferred``."""

OA = Namespace("http://www.w3.org/ns/oa#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace] = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "time": Namespace(str(TIME)),
    "sh": Namespace(str(SH)),
    "oa": OA,
    "sem": SEM,
    "schema": SCHEMA,
    "wd": WD,
    "dk": DK,
    "dkid": DKID,
    "dksh": DKSH,
}
"""The prefixes bound on every graph we load or write, in the order they are printed."""


def sparql_prologue() -> str:
    """The PREFIX block for ad-hoc queries (saved queries carry their own)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

"""Diagrams with Graphviz: the neighbourhood of one entity, and the ontology's main classes.

Why Graphviz: a neighbourhood is a small labelled graph, and ``dot`` lays those out well.
The ``graphviz`` Python package only writes DOT text; turning it into SVG or PNG needs the
``dot`` program (Debian package ``graphviz``). ``.dot`` output never needs it, so a diagram
can be made anywhere and rendered elsewhere.

Nodes are styled by the family of their class (polity, person, event, place, agreement, …,
found through ``rdfs:subClassOf*``), edges carry the ``rdfs:label`` of their property from
the ontology. Evidence — evidence nodes, their selectors and the source documents — is
left out unless asked for, because every fact has some and they would crowd everything else.
Output is deterministic: nodes and edges are written in sorted order.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import FormatError, InputError
from .labels import label_of
from .namespaces import DK, OA
from .paths import output_suffix
from .rdfio import term_text

if TYPE_CHECKING:
    from graphviz import Digraph

    from .graph import KnowledgeGraph

FORMATS = (".svg", ".png", ".dot")
"""Suffixes a diagram can be written as; only ``.dot`` works without the ``dot`` program."""


@dataclass(frozen=True)
class Family:
    """How nodes of a group of classes look."""

    key: str
    roots: tuple[URIRef, ...]
    shape: str
    fill: str
    style: str = "filled"


FAMILIES = (
    Family(
        "evidence",
        (DK.Evidence, DK.SourceDocument, OA.TextQuoteSelector, OA.TextPositionSelector),
        "note",
        "#eeeeee",
    ),
    Family("polity", (DK.Polity,), "doubleoctagon", "#fdd49e"),
    Family("person", (DK.Person,), "ellipse", "#fbb4ae"),
    Family("relationship", (DK.BilateralRelationship, DK.RelationshipPhase), "hexagon", "#b3cde3"),
    Family("event", (DK.Event,), "box", "#ccebc5", "filled,rounded"),
    Family("place", (DK.Place,), "house", "#e5d8bd"),
    Family("agreement", (DK.Agreement, DK.Hotline), "component", "#decbe4"),
    Family("organisation", (DK.Organisation,), "tab", "#fed9a6"),
    Family("post", (DK.Post, DK.PostHolding), "cds", "#ffffcc"),
    Family(
        "concept",
        (SKOS.Concept, DK.Policy, DK.Project, DK.DesignationStatus, DK.DiplomaticPractice),
        "oval",
        "#f2f2f2",
    ),
)
"""Families in order of precedence: a node takes the first whose root it falls under."""

OTHER = Family("other", (), "ellipse", "#ffffff")

HIDDEN_BY_DEFAULT = frozenset({"evidence"})
"""Families left out unless ``evidence=True``."""

_SKIPPED_PREDICATES = frozenset({RDF.type, OWL.sameAs})
_EVIDENCE_PREDICATES = frozenset({DK.evidence, PROV.wasDerivedFrom, OA.hasSource, OA.hasSelector})


@dataclass
class Neighbourhood:
    """Nodes and labelled edges within ``depth`` links of ``centre``."""

    centre: URIRef
    depth: int
    nodes: dict[URIRef, tuple[str, Family]] = field(default_factory=dict)  # label, family
    edges: set[tuple[URIRef, URIRef, URIRef]] = field(default_factory=set)
    property_labels: dict[URIRef, str] = field(default_factory=dict)


def family_of(graph: Graph, node: Node) -> Family:
    """The family of the first class of ``node`` that falls under a family's roots."""
    classes = set(graph.objects(node, RDF.type))
    if not classes:
        return OTHER
    closure: set[Node] = set()
    for cls in classes:
        closure.update(graph.transitive_objects(cls, RDFS.subClassOf))
    for family in FAMILIES:
        if closure.intersection(family.roots):
            return family
    return OTHER


def neighbourhood(
    kg: KnowledgeGraph, term: str, depth: int = 1, evidence: bool = False
) -> Neighbourhood:
    """The entity ``term`` names (resolved as ``diplokg describe`` does) and its links.

    Links in both directions are followed ``depth`` times between IRIs; literals, ``rdf:type``
    and (unless ``evidence``) evidence nodes and links are left out.
    """
    from .describe import resolve_term

    if depth < 1:
        raise InputError(f"depth must be at least 1 (got {depth})")
    graph = kg.union()
    centre = resolve_term(graph, term)
    hood = Neighbourhood(centre=centre, depth=depth)

    def visible(node: Node) -> bool:
        if not isinstance(node, URIRef):
            return False
        if node == centre:
            return True
        return evidence or family_of(graph, node).key not in HIDDEN_BY_DEFAULT

    def keep(predicate: Node) -> bool:
        return predicate not in _SKIPPED_PREDICATES and (
            evidence or predicate not in _EVIDENCE_PREDICATES
        )

    frontier = {centre}
    seen = {centre}
    for _ in range(depth):
        following: set[URIRef] = set()
        for node in sorted(frontier, key=str):
            links = [(node, p, o) for p, o in graph.predicate_objects(node)]
            links += [(s, p, node) for s, p in graph.subject_predicates(node)]
            for s, p, o in links:
                if not keep(p) or not visible(s) or not visible(o):
                    continue
                hood.edges.add((s, p, o))
                for end in (s, o):
                    if end not in seen:
                        seen.add(end)
                        following.add(end)
        frontier = following
    for node in seen:
        hood.nodes[node] = (label_of(graph, node) or term_text(node), family_of(graph, node))
    for _, p, _ in hood.edges:
        hood.property_labels[p] = label_of(graph, p) or term_text(p)
    return hood


def _node_id(node: Node) -> str:
    """A DOT node name: the prefixed name with its colon replaced (a colon means a port)."""
    return term_text(node).replace(":", "_", 1)


def _title_with_legend(hood: Neighbourhood) -> str:
    """An HTML-like graph label: the title, then one coloured cell per node kind shown."""
    from html import escape

    shown = {family.key: family for _, family in hood.nodes.values()}
    cells = "".join(
        f'<td bgcolor="{shown[key].fill}" border="1" color="#999999">&nbsp;{escape(key)}&nbsp;</td>'
        for key in sorted(shown)
    )
    title = escape(f"Neighbourhood of {term_text(hood.centre)} (depth {hood.depth})")
    return (
        f'<<table border="0" cellspacing="3" cellpadding="2"><tr><td colspan="{len(shown)}">'
        f"<b>{title}</b></td></tr><tr>{cells}</tr></table>>"
    )


def _wrap(text: str, width: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def to_digraph(hood: Neighbourhood) -> Digraph:
    """The neighbourhood as a ``graphviz.Digraph`` (nothing is rendered yet)."""
    from graphviz import Digraph

    dot = Digraph(
        "neighbourhood",
        graph_attr={
            "rankdir": "LR",
            "fontname": "DejaVu Sans",
            "fontsize": "10",
            "label": _title_with_legend(hood),
            "labelloc": "t",
            "overlap": "false",
        },
        node_attr={"fontname": "DejaVu Sans", "fontsize": "9", "penwidth": "0.8"},
        edge_attr={"fontname": "DejaVu Sans", "fontsize": "8", "color": "#555555"},
    )
    for node in sorted(hood.nodes, key=str):
        label, family = hood.nodes[node]
        dot.node(
            _node_id(node),
            label=_wrap(label),
            shape=family.shape,
            style=family.style,
            fillcolor=family.fill,
            tooltip=f"{term_text(node)} ({family.key})",
            penwidth="2" if node == hood.centre else "0.8",
        )
    for s, p, o in sorted(hood.edges, key=lambda t: tuple(map(str, t))):
        dot.edge(_node_id(s), _node_id(o), label=hood.property_labels[p])
    return dot


def render(dot: Digraph, suffix: str) -> bytes:
    """DOT text for ``.dot``; SVG or PNG bytes through the ``dot`` program otherwise."""
    if suffix not in FORMATS:
        raise FormatError(
            f"cannot write a diagram as {suffix or 'a file without suffix'!r}"
            f" (use one of: {', '.join(FORMATS)})"
        )
    if suffix == ".dot":
        return dot.source.encode("utf-8")
    if shutil.which("dot") is None:
        raise InputError(
            "the Graphviz program 'dot' is needed to write .svg or .png (Debian: apt-get "
            "install graphviz; or run .ci/install-system-deps); .dot output works without it"
        )
    data = dot.pipe(format=suffix[1:])
    if suffix == ".svg":
        data = _strip_svg_comments(data)
    return data


def _strip_svg_comments(data: bytes) -> bytes:
    """Drop the ``<!-- Generated by graphviz version … -->`` comment (it spans two lines) so
    that the output does not change with the installed Graphviz's banner."""
    import re

    text = re.sub(r"<!-- Generated by graphviz.*?-->\n", "", data.decode("utf-8"), flags=re.S)
    return text.encode("utf-8")


def check_suffix(path: Path) -> str:
    """The output suffix of ``path`` if a diagram can be written as it."""
    return output_suffix(path, FORMATS, "a diagram")


def neighbourhood_diagram(
    kg: KnowledgeGraph, term: str, depth: int = 1, evidence: bool = False, suffix: str = ".dot"
) -> bytes:
    """The neighbourhood of ``term`` as DOT, SVG or PNG bytes."""
    if suffix not in FORMATS:
        check_suffix(Path("output" + suffix))
    return render(to_digraph(neighbourhood(kg, term, depth, evidence)), suffix)


# --- the ontology's main classes ------------------------------------------------------------

MODEL_CLASSES = (
    DK.BilateralRelationship,
    DK.RelationshipPhase,
    DK.RelationshipStatus,
    DK.Event,
    DK.Polity,
    DK.Country,
    DK.Regime,
    DK.Person,
    DK.Post,
    DK.PostHolding,
    DK.Place,
    DK.Agreement,
    DK.AgreementStatus,
    DK.Organisation,
    DK.SourceDocument,
    DK.Evidence,
    DK.Topic,
    PROV.Agent,
)
"""The classes ``model_diagram`` draws: the ones every fact hangs on."""


USUAL_ENDS = {
    DK.about: (DK.Event, DK.Topic),
    DK.evidence: (DK.Event, DK.Evidence),
    DK.party: (DK.BilateralRelationship, DK.Polity),
    DK.concerns: (DK.Event, DK.Polity),
    DK.attestedAt: (DK.PostHolding, DK.Event),
}
"""Where a ``dk:`` property without a domain or range is used (per docs/data-model.md)."""

EXTERNAL_LINKS = {
    PROV.wasDerivedFrom: (DK.Event, DK.SourceDocument, "prov:wasDerivedFrom"),
    OA.hasSource: (DK.Evidence, DK.SourceDocument, "oa:hasSource"),
}
"""Links by other vocabularies' properties that every fact uses (``data-model.md``)."""


def model_diagram(ontology: Graph, classes: Iterable[URIRef] = MODEL_CLASSES) -> Digraph:
    """The main classes of the ontology and the object properties between them.

    An edge is drawn for every ``dk:`` property whose ``rdfs:domain`` and ``rdfs:range`` are
    both (or fall under) drawn classes, labelled with the property's ``rdfs:label``;
    ``rdfs:subClassOf`` between drawn classes is a dashed "is a" edge. A sub-property without
    its own domain or range takes its super-property's (``dk:visitor`` those of
    ``dk:participant``); ``USUAL_ENDS`` and ``EXTERNAL_LINKS`` add the few links the data model
    relies on that the ontology cannot type (evidence is on every fact, drawn from events).
    """
    from graphviz import Digraph

    drawn = list(classes)
    drawn_set = set(drawn)

    def nearest(cls: Node) -> URIRef | None:
        for candidate in ontology.transitive_objects(cls, RDFS.subClassOf):
            if candidate in drawn_set:
                return candidate
        return None

    dot = Digraph(
        "model",
        graph_attr={
            "rankdir": "LR",
            "fontname": "DejaVu Sans",
            "fontsize": "10",
            "nodesep": "0.25",
            "ranksep": "0.5",
        },
        node_attr={"fontname": "DejaVu Sans", "fontsize": "10", "penwidth": "0.8"},
        edge_attr={"fontname": "DejaVu Sans", "fontsize": "8", "color": "#555555"},
    )
    for cls in drawn:
        family = family_of(_typed_as_itself(ontology, cls), cls)
        dot.node(
            _node_id(cls),
            label=label_of(ontology, cls) or term_text(cls),
            shape="box",
            style="filled,rounded",
            fillcolor=family.fill,
            tooltip=term_text(cls),
        )
    for cls in drawn:
        for parent in sorted(ontology.objects(cls, RDFS.subClassOf), key=str):
            if parent in drawn_set:
                dot.edge(
                    _node_id(cls),
                    _node_id(parent),
                    label="is a",
                    style="dashed",
                    arrowhead="onormal",
                )
    edges: dict[tuple[URIRef, URIRef], list[str]] = {}

    def inherited(prop: URIRef, axis: URIRef) -> Node | None:
        for ancestor in ontology.transitive_objects(prop, RDFS.subPropertyOf):
            value = ontology.value(ancestor, axis)
            if value is not None:
                return value
        return None

    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)), key=str):
        if not str(prop).startswith(str(DK)):
            continue
        usual = USUAL_ENDS.get(prop, (None, None))
        domain = inherited(prop, RDFS.domain) or usual[0]
        range_ = inherited(prop, RDFS.range) or usual[1]
        if domain is None or range_ is None:
            continue
        source, target = nearest(domain), nearest(range_)
        if source is None or target is None:
            continue
        edges.setdefault((source, target), []).append(label_of(ontology, prop) or term_text(prop))
    for domain, range_, label in EXTERNAL_LINKS.values():
        edges.setdefault((domain, range_), []).append(label)
    for (source, target), labels in sorted(edges.items(), key=lambda kv: tuple(map(str, kv[0]))):
        dot.edge(_node_id(source), _node_id(target), label=_wrap(", ".join(sorted(set(labels)))))
    return dot


def _typed_as_itself(ontology: Graph, cls: URIRef) -> Graph:
    """A tiny graph in which ``cls`` is an instance of itself, so ``family_of`` can style
    a class like its members."""
    graph = Graph()
    graph.add((cls, RDF.type, cls))
    for s, o in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(o, URIRef) and not isinstance(s, Literal):
            graph.add((s, RDFS.subClassOf, o))
    return graph

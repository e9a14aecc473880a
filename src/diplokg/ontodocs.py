"""HTML documentation of the ontology, with the SHACL shapes that constrain each term.

Why our own small page rather than pyLODE: pyLODE 3.4.1 (the current release) fails on
import when installed from its wheel (it reads a ``pyproject.toml`` that the wheel does not
ship), and 3.2.1, which works, leaves out what this ontology's readers need most — the
``skos:closeMatch`` alignments, the ``dk:cameoCode`` of each event class — and has no way to
show the SHACL shapes. A page of plain f-strings with ``html.escape`` does all of that in a
few hundred lines, with no template engine and no network.

The page lists every class, property and named individual of ``ontology/diplomacy.ttl``:
label, IRI, comment, super- and sub-terms, domain and range, alignments to external
vocabularies (``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` outside ``dk:``, ``skos:closeMatch``,
``skos:exactMatch``), CAMEO codes, and the shapes of ``ontology/shapes.ttl`` that apply: node
shapes whose ``sh:targetClass`` is the class, and property constraints whose ``sh:path`` is the
property, each with its ``sh:message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from .labels import label_of
from .namespaces import DK
from .rdfio import parse_turtle, term_sort_key, term_text

ALIGNMENT_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)

KINDS = (
    ("classes", "Classes", (OWL.Class, RDFS.Class)),
    ("object-properties", "Object properties", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
    ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)),
)


@dataclass(frozen=True)
class ShapeNote:
    """One shape constraint that applies to a term: the shape, what it checks, the message."""

    shape: str
    shape_label: str
    path: str | None
    message: str


def ontology_terms(ontology: Graph) -> dict[str, list[URIRef]]:
    """The ``dk:`` terms by kind (classes, object/datatype/annotation properties), sorted;
    ``individuals`` are the other ``dk:`` subjects (statuses, concept schemes)."""
    found: dict[str, list[URIRef]] = {}
    placed: set[URIRef] = set()
    for key, _, types in KINDS:
        terms = {
            s
            for t in types
            for s in ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(str(DK))
        }
        terms -= placed
        placed |= terms
        found[key] = sorted(terms, key=str)
    others = {
        s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(DK))
    }
    found["individuals"] = sorted(others - placed, key=str)
    return found


def shape_notes(shapes: Graph | None) -> tuple[dict[URIRef, list[ShapeNote]], dict]:
    """``(by class, by property)``: the constraints of ``shapes`` that name each term."""
    by_class: dict[URIRef, list[ShapeNote]] = {}
    by_property: dict[URIRef, list[ShapeNote]] = {}
    if shapes is None:
        return by_class, by_property
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=term_sort_key):
        name = term_text(shape) if isinstance(shape, URIRef) else "(unnamed shape)"
        label = label_of(shapes, shape) or name
        summary = _text(shapes.value(shape, SH.message) or shapes.value(shape, RDFS.comment))
        constraints = [
            (shapes.value(p, SH.path), _text(shapes.value(p, SH.message)))
            for p in shapes.objects(shape, SH.property)
        ]
        for cls in shapes.objects(shape, SH.targetClass):
            notes = by_class.setdefault(cls, [])
            if summary:
                notes.append(ShapeNote(name, label, None, summary))
            for path, message in constraints:
                notes.append(ShapeNote(name, label, _path_text(shapes, path), message))
        for path, message in constraints:
            if isinstance(path, URIRef):
                by_property.setdefault(path, []).append(
                    ShapeNote(name, label, term_text(path), message)
                )
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            if summary and isinstance(prop, URIRef):
                by_property.setdefault(prop, []).append(ShapeNote(name, label, None, summary))
    for notes in (*by_class.values(), *by_property.values()):
        unique = list(dict.fromkeys(notes))
        notes[:] = sorted(unique, key=lambda n: (n.shape, n.path or "", n.message))
    return by_class, by_property


def _text(node: Node | None) -> str:
    return "" if node is None else str(node)


def _path_text(shapes: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return term_text(path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{term_text(inverse)}"
    if isinstance(path, BNode) and shapes.value(path, RDF.first) is not None:
        return "/".join(term_text(p) for p in Collection(shapes, path))
    return "(complex path)"


_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
section.term { border-top: 1px solid #eee; padding: .4rem 0 .8rem; }
section.term h3 { margin: .6rem 0 .2rem; font-size: 1.1rem; }
code { background: #f4f4f4; padding: 0 .2rem; border-radius: 3px; }
table.props { border-collapse: collapse; margin: .3rem 0; }
table.props th { text-align: left; vertical-align: top; padding: .1rem .8rem .1rem 0;
                 color: #555; font-weight: 600; white-space: nowrap; }
table.props td { padding: .1rem 0; }
ul.shapes { margin: .2rem 0; padding-left: 1.2rem; }
nav.toc a { margin-right: .5rem; white-space: nowrap; }
.kind { color: #777; font-size: .85rem; font-weight: normal; }
"""


def render_html(ontology: Graph, shapes: Graph | None = None) -> str:
    """The whole documentation page as one HTML string (deterministic)."""
    header = next(iter(ontology.subjects(RDF.type, OWL.Ontology)), None)
    title = _text(ontology.value(header, DCTERMS.title)) if header else "Ontology"
    description = _text(ontology.value(header, DCTERMS.description)) if header else ""
    terms = ontology_terms(ontology)
    by_class, by_property = shape_notes(shapes)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if header is not None:
        rows = [("IRI", _link(header))]
        for label, predicate in (
            ("version", OWL.versionInfo),
            ("version IRI", OWL.versionIRI),
            ("license", DCTERMS.license),
            ("created", DCTERMS.created),
            ("modified", DCTERMS.modified),
            ("creator", DCTERMS.creator),
        ):
            value = ontology.value(header, predicate)
            if value is not None:
                rows.append((label, _link(value) if isinstance(value, URIRef) else escape(value)))
        out.append(_table(rows))
        out += [f"<p>{escape(p)}</p>" for p in description.split("\n\n") if p.strip()]
    out.append('<nav class="toc">')
    for key, heading, _ in (*KINDS, ("individuals", "Named individuals", ())):
        if terms.get(key):
            links = " ".join(f'<a href="#{_anchor(t)}">{escape(_local(t))}</a>' for t in terms[key])
            out.append(f"<h2>{heading}</h2><p>{links}</p>")
    out.append("</nav>")
    for key, heading, _ in (*KINDS, ("individuals", "Named individuals", ())):
        if not terms.get(key):
            continue
        out.append(f'<h2 id="{key}">{heading} in detail</h2>')
        for term in terms[key]:
            notes = by_class.get(term, []) if key == "classes" else by_property.get(term, [])
            out.append(_term_section(ontology, term, key, notes))
    if shapes is None:
        out.append("<p><em>No shapes file was given: shape constraints are not shown.</em></p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _term_section(ontology: Graph, term: URIRef, kind: str, notes: list[ShapeNote]) -> str:
    label = label_of(ontology, term) or _local(term)
    rows: list[tuple[str, str]] = [("IRI", f"<code>{escape(str(term))}</code>")]
    comment = ontology.value(term, RDFS.comment)
    types = sorted(
        (t for t in ontology.objects(term, RDF.type) if t not in (OWL.Class, RDFS.Class)),
        key=str,
    )
    if kind == "individuals" or (types and kind != "classes"):
        rows.append(("type", ", ".join(_link(t) for t in types)))
    parent = RDFS.subClassOf if kind == "classes" else RDFS.subPropertyOf
    supers = sorted(ontology.objects(term, parent), key=term_sort_key)
    internal = [s for s in supers if _is_ours(s)]
    external = [s for s in supers if isinstance(s, URIRef) and not _is_ours(s)]
    if internal:
        rows.append(("sub-term of" if kind != "classes" else "subclass of", _links(internal)))
    subs = sorted((s for s in ontology.subjects(parent, term) if isinstance(s, URIRef)), key=str)
    if subs and kind != "individuals":
        rows.append(("has sub-terms" if kind != "classes" else "superclass of", _links(subs)))
    for name, predicate in (("domain", RDFS.domain), ("range", RDFS.range)):
        values = sorted(ontology.objects(term, predicate), key=term_sort_key)
        if values:
            rows.append((name, ", ".join(_class_expression(ontology, v) for v in values)))
    alignments = [f"{_link(s)} <span class=kind>({term_text(parent)})</span>" for s in external]
    for predicate in ALIGNMENT_PREDICATES:
        for value in sorted(ontology.objects(term, predicate), key=term_sort_key):
            alignments.append(f"{_link(value)} <span class=kind>({term_text(predicate)})</span>")
    if alignments:
        rows.append(("alignments", "<br>".join(alignments)))
    codes = sorted(str(c) for c in ontology.objects(term, DK.cameoCode))
    if codes:
        rows.append(("CAMEO code", ", ".join(f"<code>{escape(c)}</code>" for c in codes)))
    if notes:
        items = "".join(
            f"<li><code>{escape(n.shape)}</code> ({escape(n.shape_label)})"
            + (f", <code>sh:path {escape(n.path)}</code>" if n.path else "")
            + (f": {escape(n.message)}" if n.message else "")
            + "</li>"
            for n in notes
        )
        rows.append(("SHACL shapes", f'<ul class="shapes">{items}</ul>'))
    kind_text = {
        "classes": "class",
        "object-properties": "object property",
        "datatype-properties": "datatype property",
        "annotation-properties": "annotation property",
        "individuals": "individual",
    }[kind]
    parts = [
        f'<section class="term" id="{_anchor(term)}">',
        f"<h3>{escape(label)} <code>{escape(term_text(term))}</code>"
        f' <span class="kind">{kind_text}</span></h3>',
    ]
    if comment is not None:
        parts.append(f"<p>{escape(str(comment))}</p>")
    parts += [_table(rows), "</section>"]
    return "\n".join(parts)


def _class_expression(graph: Graph, node: Node) -> str:
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_link(m) for m in Collection(graph, members))
        return "(class expression)"
    return _link(node)


def _is_ours(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(DK))


def _local(term: URIRef) -> str:
    return str(term)[len(str(DK)) :] if _is_ours(term) else term_text(term)


def _anchor(term: URIRef) -> str:
    return _local(term)


def _link(node: Node) -> str:
    if _is_ours(node):
        return f'<a href="#{_anchor(node)}"><code>{escape(term_text(node))}</code></a>'
    if isinstance(node, URIRef):
        return f'<a href="{escape(str(node))}"><code>{escape(term_text(node))}</code></a>'
    if isinstance(node, Literal):
        return escape(str(node))
    return escape(term_text(node))


def _links(nodes: list[Node]) -> str:
    return ", ".join(_link(n) for n in nodes)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="props">{body}</table>'


def write_docs(ontology_file: Path, shapes_file: Path | None, folder: Path) -> Path:
    """Write ``folder/index.html`` for the ontology (and its shapes, if the file exists)."""
    from .rdfio import atomic_write

    ontology = parse_turtle(ontology_file)
    shapes = parse_turtle(shapes_file) if shapes_file and shapes_file.is_file() else None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    atomic_write(target, render_html(ontology, shapes).encode("utf-8"))
    return target

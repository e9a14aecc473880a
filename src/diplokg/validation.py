"""SHACL validation of new facts in the context of the existing graph.

Why a difference of two runs: the shapes look at the whole graph (a new relation may break a
cardinality of an existing state, an old fact may already be flagged), so new files are
validated as ``ontology + existing data + new files``, and only the results that are not
already produced by ``ontology + existing data`` are reported. Results are compared by
(focus node, path, value, source shape, message). Only ``sh:Violation`` rejects; warnings
and infos are reported but do not fail (``allow_warnings``).

pyshacl and owlrl are imported inside the functions: listing or running queries must not pay
for them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import InputError
from .labels import label_of
from .rdfio import (
    Triple,
    keep_literals,
    new_graph,
    parse_turtle,
    read_text,
    subject_line,
    term_text,
    to_turtle,
)

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

REPORT_FORMATS = ("text", "json", "ttl")

_ADVANCED_PREDICATES = (SH.rule, SH.target, SH.expression, SH.condition)
_ADVANCED_TYPES = (
    SH.SPARQLFunction,
    SH.SPARQLTargetType,
    SH.SPARQLTarget,
    SH.SPARQLRule,
    SH.TripleRule,
)


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with what a person needs to fix it."""

    focus: Node
    path: str | None
    value: Node | None
    shape: Node
    component: Node | None
    severity: URIRef
    message: str
    focus_label: str | None = None
    location: str | None = None

    @property
    def is_violation(self) -> bool:
        return self.severity == SH.Violation

    def key(self) -> tuple:
        """Identity across two validation runs (blank-node shapes by component and path)."""
        shape = self.shape if isinstance(self.shape, URIRef) else ("_", self.component)
        return (self.focus, self.path, self.value, shape, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "focus": term_text(self.focus),
            "focus_iri": str(self.focus),
            "label": self.focus_label,
            "location": self.location,
            "severity": _local(self.severity),
            "path": self.path,
            "value": None if self.value is None else term_text(self.value),
            "message": self.message,
            "shape": term_text(self.shape) if isinstance(self.shape, URIRef) else None,
            "component": None if self.component is None else term_text(self.component),
        }


@dataclass
class ValidationReport:
    """Results introduced by ``files`` (or all results, for the whole graph)."""

    results: list[ValidationResult]
    files: list[Path] = field(default_factory=list)
    report_graph: Graph = field(default_factory=new_graph)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.is_violation]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def scope(self) -> str:
        return ", ".join(str(p) for p in self.files) if self.files else "the whole graph"

    def to_text(self) -> str:
        """Grouped by focus node: label and ``file:line``, then path, value and message."""
        violations = len(self.violations)
        others = len(self.results) - violations
        if not self.results:
            return f"Conforms: no violations in {self.scope()}.\n"
        groups: dict[Node, list[ValidationResult]] = {}
        for result in self.results:
            groups.setdefault(result.focus, []).append(result)
        lines = []
        for focus in sorted(groups, key=lambda f: (groups[f][0].location or "~", str(f))):
            first = groups[focus][0]
            head = term_text(focus)
            if first.focus_label:
                head += f' "{first.focus_label}"'
            head += f" at {first.location}" if first.location else " (location unknown)"
            lines.append(head)
            for result in sorted(groups[focus], key=lambda r: (r.path or "", r.message)):
                lines.append(f"  - {_local(result.severity)}: {result.message}")
                if result.path:
                    lines.append(f"    path: {result.path}")
                if result.value is not None:
                    lines.append(f"    value: {term_text(result.value)}")
            lines.append("")
        verdict = "Rejected" if violations else "Conforms"
        lines.append(
            f"{verdict}: {_count(violations, 'violation')}"
            + (f" and {_count(others, 'warning/info')}" if others else "")
            + f" in {self.scope()}."
        )
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps([r.to_dict() for r in self.results], indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        return to_turtle(self.report_graph)

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            return self.to_json()
        if fmt == "ttl":
            return self.to_turtle()
        return self.to_text()


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- running pyshacl -------------------------------------------------------------------------


_SHAPES: dict[tuple[str, str], Graph] = {}
"""Parsed shapes files by (path, SHA-256 of the text): parsed once per process."""
_SHAPES_GRAPHS: dict[int, tuple[Graph, int, object]] = {}
"""pyshacl ``ShapesGraph`` (shapes, SPARQL helpers) per shapes graph, built once per process."""


def load_shapes(kg: KnowledgeGraph) -> Graph:
    """The home's shapes graph, parsed once per process (until the file's text changes).

    Why: parsing costs ~50 ms, and a graph parsed anew lists the ``sh:declare`` prefixes in
    another order, so every SPARQL text changes and the parse cache of ``sparql_compat``
    never hits. The graph is shared: do not change it (copy it first).
    """
    path = kg.home.shapes_file
    text = read_text(path)
    key = (str(path), hashlib.sha256(text.encode("utf-8")).hexdigest())
    shapes = _SHAPES.get(key)
    if shapes is None:
        shapes = parse_turtle(path, text)
        if len(_SHAPES) >= 8:
            _SHAPES.clear()
        _SHAPES[key] = shapes
    return shapes


def _shapes_graph(shapes: Graph) -> object:
    """pyshacl's ``ShapesGraph`` for ``shapes``, kept while ``shapes`` keeps its size.

    Building it harvests every shape and its SPARQL helpers; reusing it across runs is what
    pyshacl itself does for the shapes of one run. A graph that changed size gets a new one.
    """
    from pyshacl.shapes_graph import ShapesGraph

    entry = _SHAPES_GRAPHS.get(id(shapes))
    if entry is not None and entry[0] is shapes and entry[1] == len(shapes):
        return entry[2]
    built = ShapesGraph(shapes)  # adds pyshacl's two system triples to ``shapes``
    if not any(shapes.triples((None, SH.rule, None))):
        restricted = _restricted_shape_class()
        for shape in built.shapes:  # harvests the shapes once
            shape.__class__ = restricted
    if len(_SHAPES_GRAPHS) >= 8:
        _SHAPES_GRAPHS.clear()
    _SHAPES_GRAPHS[id(shapes)] = (shapes, len(shapes), built)
    return built


def uses_advanced_features(shapes: Graph) -> bool:
    """SHACL-AF (rules, custom targets, functions) needs pyshacl's ``advanced=True``."""
    if any(shapes.triples((None, p, None)) for p in _ADVANCED_PREDICATES):
        return True
    return any(shapes.triples((None, RDF.type, t)) for t in _ADVANCED_TYPES)


def shacl(
    triples: Iterable[Triple],
    shapes: Graph,
    reason: bool = False,
    focus: AbstractSet[Node] | None = None,
) -> tuple[list[ValidationResult], Graph]:
    """Run pyshacl on ``triples`` (explicit graphs, no pyshacl inference).

    With ``reason`` the data graph is first expanded with our OWL RL inferences. With
    ``focus`` (a neighbourhood graph, see ``incremental``) only those nodes are validated
    (the results on them are the same) and Oxigraph evaluates the SPARQL targets
    (``incremental.TargetsOnOxigraph``). Returns the parsed results and the raw report graph.
    """
    from .sparql_compat import install

    install()
    if len(shapes) == 0 or not any(
        shapes.subjects(RDF.type, kind) for kind in (SH.NodeShape, SH.PropertyShape)
    ):
        # pyshacl given no shapes validates the data against itself and says it conforms.
        raise InputError("the shapes graph is empty: nothing to validate against")
    small = focus is not None and not reason
    if small:
        from .incremental import TargetsOnOxigraph

        data: Graph = TargetsOnOxigraph(triples)
    else:
        data = new_graph()
        for triple in triples:
            data.add(triple)
    if reason:
        from .reasoning import infer

        for triple in infer(data):
            data.add(triple)
    report = _run_pyshacl(data, shapes, frozenset(focus) if small else None)
    keep_literals()  # pyshacl turns rdflib's literal normalisation back on
    results = [
        _result(report, node, data) for node in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return results, report


_WANTED: ContextVar[frozenset[Node] | None] = ContextVar("diplokg_wanted", default=None)
"""During a run on a neighbourhood graph: the focus set whose results are kept."""


def _restricted_shape_class() -> type:
    """pyshacl's ``Shape`` whose target lookup keeps only the nodes of ``_WANTED`` (if set).

    pyshacl asks a shape for its targets only at the top level (nested shapes get their value
    nodes passed in), so this drops exactly the evaluations whose results the incremental
    method throws away: neighbours in the small graph, whose context is incomplete, and the
    ontology. (pyshacl's own ``focus_nodes`` option filters nested evaluations too, and keeps
    IRIs only.) Shapes with rules are never restricted (rules run on every target)."""
    from pyshacl.shape import Shape

    class WantedOnly(Shape):
        __slots__ = ()

        def focus_nodes(self, data_graph, debug=False):  # noqa: ANN001, ANN201
            found = super().focus_nodes(data_graph, debug=debug)
            wanted = _WANTED.get()
            return found if wanted is None else {node for node in found if node in wanted}

    return WantedOnly


def _run_pyshacl(data: Graph, shapes: Graph, wanted: frozenset[Node] | None = None) -> Graph:
    """What ``pyshacl.validate(data, shacl_graph=shapes, inplace=True, ...)`` does, with the
    ``ShapesGraph`` of ``shapes`` reused across calls (see ``_shapes_graph``)."""
    from pyshacl.errors import ValidationFailure
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.monkey import apply_patches, rdflib_bool_patch, rdflib_bool_unpatch
    from pyshacl.validator import Validator, assign_baked_in

    apply_patches()
    assign_baked_in()
    # validate() patches rdflib's booleans while it loads the shapes and unpatches them (which
    # also turns literal normalisation back on) before it runs: the same state here
    rdflib_bool_patch()
    rdflib_bool_unpatch()
    shapes_graph = _shapes_graph(shapes)
    options = {
        "inference": "none",
        "inplace": True,
        "abort_on_first": False,
        "allow_infos": False,
        "allow_warnings": True,
        "advanced": uses_advanced_features(shapes),
        "iterate_rules": False,
        "use_js": False,
        "sparql_mode": False,
        "focus_nodes": None,
        "use_shapes": None,
    }
    validator = Validator(DataGraph.from_rdflib(data), shacl_graph=shapes, options=options)
    validator.shacl_graph = shapes_graph
    token = _WANTED.set(wanted)
    try:
        _, report, _ = validator.run()
    except ValidationFailure as exc:
        raise InputError(f"SHACL validation failed: {exc.message}") from None
    finally:
        _WANTED.reset(token)
    return report


def _result(report: Graph, node: Node, data: Graph) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    component = report.value(node, SH.sourceConstraintComponent)
    return ValidationResult(
        focus=focus,
        path=None if path is None else path_text(report, path),
        value=report.value(node, SH.value),
        shape=report.value(node, SH.sourceShape),
        component=component,
        severity=report.value(node, SH.resultSeverity) or SH.Violation,
        message=" ".join(messages) or (_local(component) if component else "constraint failed"),
        focus_label=label_of(data, focus) if focus is not None else None,
    )


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL-like syntax (``dk:a/dk:b``, ``^dk:c``, ``dk:d*``)."""
    if isinstance(path, URIRef):
        return term_text(path)
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:
            return "/".join(path_text(graph, p) for p in Collection(graph, path))
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = graph.value(path, predicate)
            if inner is not None:
                return template.format(path_text(graph, inner))
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
            )
    if isinstance(path, Literal):
        return term_text(path)
    return str(path)


def _closure(graph: Graph, node: Node, out: Graph) -> None:
    for s, p, o in graph.triples((node, None, None)):
        out.add((s, p, o))
        if isinstance(o, BNode):
            _closure(graph, o, out)


def _report_graph(report: Graph, keep: Sequence[ValidationResult], conforms: bool) -> Graph:
    wanted = {r.key() for r in keep}
    out = new_graph()
    root = BNode("report")
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, Literal(conforms)))
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if _result(report, node, new_graph()).key() in wanted:
            out.add((root, SH.result, node))
            _closure(report, node, out)
    return out


# --- locations -------------------------------------------------------------------------------


def _locate(
    results: list[ValidationResult], texts: Sequence[tuple[Path, str]]
) -> list[ValidationResult]:
    located = []
    cache: dict[Node, str | None] = {}
    for result in results:
        if result.focus not in cache:
            cache[result.focus] = None
            if isinstance(result.focus, URIRef):
                for path, text in texts:
                    line = subject_line(text, result.focus)
                    if line is not None:
                        cache[result.focus] = f"{path}:{line}"
                        break
        located.append(_replace(result, location=cache[result.focus]))
    return sorted(located, key=_order)


def _order(result: ValidationResult) -> tuple:
    value = "" if result.value is None else term_text(result.value)
    return (result.location or "~", str(result.focus), result.path or "", result.message, value)


def _replace(result: ValidationResult, **changes: object) -> ValidationResult:
    from dataclasses import replace

    return replace(result, **changes)


# --- entry points ----------------------------------------------------------------------------


def validate_new(
    kg: KnowledgeGraph, paths: Sequence[Path], reason: bool = False
) -> ValidationReport:
    """Results that ``paths`` introduce into ``kg`` (files are parsed strictly first).

    ``kg`` is a ``KnowledgeGraph`` or an ``oxstore.OxKnowledgeGraph``; with the latter the
    facts are checked and validated against its store (no rdflib dataset is built).
    """
    new_files = [(path, read_text(path)) for path in paths]
    new_triples: set[Triple] = set()
    for path, text in new_files:
        new_triples |= set(kg.parse_facts(path, text))
    return validate_triples(kg, new_triples, new_files, reason=reason)


def _store_of(kg: object) -> object | None:
    """The Oxigraph store of an ``OxKnowledgeGraph`` (without building its rdflib graph)."""
    if getattr(type(kg), "engine", None) == "oxigraph":
        return getattr(kg, "__dict__", {}).get("store")
    return None


def validate_triples(
    kg: KnowledgeGraph,
    new_triples: set[Triple],
    new_files: Sequence[tuple[Path, str]],
    reason: bool = False,
    incremental: bool = True,
) -> ValidationReport:
    """Like ``validate_new`` for triples already parsed (``new_files`` give locations).

    ``incremental`` (the default, unless ``reason``) validates a small graph of the new
    triples and the neighbourhood the shapes read (see ``incremental``), with the same
    verdict as validating ``existing + new`` whole, at a cost that grows with the batch. The
    neighbourhood comes from the Oxigraph store when ``kg`` is an ``OxKnowledgeGraph``.
    """
    shapes = load_shapes(kg)
    if incremental and not reason:
        from .incremental import focus_and_context, neighbourhood_source

        lookup, ontology = neighbourhood_source(kg)
        focus, existing = focus_and_context(new_triples, lookup, ontology)
        after, report = shacl(existing | new_triples, shapes, focus=focus)
        after = [r for r in after if r.focus in focus]
        before = []
        if after:  # the existing graph's own results on F, to subtract
            before = [r for r in shacl(existing, shapes, focus=focus)[0] if r.focus in focus]
    else:
        existing = kg.asserted_triples()
        before, _ = shacl(existing, shapes, reason=reason)
        after, report = shacl(existing | new_triples, shapes, reason=reason)
    known = {r.key() for r in before}
    introduced = [r for r in after if r.key() not in known]
    if introduced:  # the texts of a 1M-triple home are read only to locate a result
        introduced = _locate(introduced, list(new_files) + _home_texts(kg))
    conforms = not any(r.is_violation for r in introduced)
    return ValidationReport(
        results=introduced,
        files=[p for p, _ in new_files],
        report_graph=_report_graph(report, introduced, conforms),
    )


def _home_texts(kg: KnowledgeGraph) -> list[tuple[Path, str]]:
    if _store_of(kg) is not None:
        from .oxstore import source_files

        return [(path, read_text(path)) for path, _ in source_files(kg.home)]
    return [(f.path, f.text) for f in kg.files]


def validate_all(kg: KnowledgeGraph, reason: bool = False) -> ValidationReport:
    """Every result for the whole graph (ontology + all data)."""
    shapes = load_shapes(kg)
    results, report = shacl(kg.asserted_triples(), shapes, reason=reason)
    results = _locate(results, [(f.path, f.text) for f in kg.files])
    conforms = not any(r.is_violation for r in results)
    return ValidationReport(results=results, report_graph=_report_graph(report, results, conforms))

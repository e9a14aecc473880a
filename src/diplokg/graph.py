"""The knowledge graph as one object: load a home, then query, export, validate, add.

Why a class: every command starts from the same loaded state (one ``rdflib.Dataset``, one
named graph per file) and the CLI should be a thin shell over these methods. The dataset's
default graph is the union of all named graphs, so queries see everything without
``GRAPH`` clauses, while TriG/N-Quads export and ``stats`` still see the files apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.query import Result

from .errors import FormatError, InputError, QueryRefusedError
from .namespaces import GRAPH, PREFIXES
from .paths import Home, resolve_home
from .queries import SavedQuery, list_saved, resolve_query, variable_bindings
from .rdfio import (
    Triple,
    bind_prefixes,
    new_graph,
    parse_turtle,
    read_text,
    to_jsonld,
    to_ntriples,
    to_trig,
    to_turtle,
)

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "trig", "nq")
"""Formats ``export`` writes; ``trig`` and ``nq`` keep one named graph per file."""


@dataclass(frozen=True)
class SourceFile:
    """One loaded file: where it came from and which named graph holds its triples."""

    path: Path
    graph: URIRef
    text: str


class KnowledgeGraph:
    """A loaded home: ontology + data as named graphs of one dataset (+ inferences)."""

    engine = "rdflib"

    def __init__(self, home: Home, dataset: Dataset, files: Sequence[SourceFile]) -> None:
        self.home = home
        self.dataset = dataset
        self.files = list(files)

    # --- loading -------------------------------------------------------------------------

    @classmethod
    def load(
        cls, home: Home | str | PathLike[str] | None = None, reason: bool = False
    ) -> KnowledgeGraph:
        """Parse ``ontology/diplomacy.ttl`` and every ``data/*.ttl`` of ``home``.

        ``home`` is a ``Home``, a folder, or ``None`` for the usual resolution (see
        ``paths``). ``reason=True`` adds the OWL RL inferences as ``GRAPH["inferred"]``.
        Raises ``InputError`` (file:line:column) for any unreadable file.
        """
        if not isinstance(home, Home):
            home = resolve_home(home)
        dataset = empty_dataset()
        files = []
        for path, name in [(home.ontology_file, ONTOLOGY_GRAPH)] + [
            (p, GRAPH[p.stem]) for p in home.data_files()
        ]:
            text = read_text(path)
            parsed = parse_turtle(path, text)
            target = dataset.graph(name)
            dataset.addN((s, p, o, target) for s, p, o in parsed)
            files.append(SourceFile(path, name, text))
        kg = cls(home, dataset, files)
        if reason:
            kg.reason()
        return kg

    def reason(self) -> int:
        """Run OWL RL over ontology + data; store the new triples in ``GRAPH["inferred"]``.

        Returns how many triples were inferred. Running it twice is harmless.
        """
        from .reasoning import infer

        self.dataset.remove_graph(self.dataset.graph(INFERRED_GRAPH))
        inferred = infer(self.asserted_triples())
        target = self.dataset.graph(INFERRED_GRAPH)
        self.dataset.addN((s, p, o, target) for s, p, o in inferred)
        return len(inferred)

    # --- views -------------------------------------------------------------------------------

    def graph_names(self) -> list[URIRef]:
        """Named graphs with at least one triple, sorted."""
        return sorted(
            (
                g.identifier
                for g in self.dataset.graphs()
                if isinstance(g.identifier, URIRef) and len(g) > 0
            ),
            key=str,
        )

    def named_graph(self, name: URIRef) -> Graph:
        return self.dataset.graph(name)

    def data_graph_names(self) -> list[URIRef]:
        return [f.graph for f in self.files if f.graph != ONTOLOGY_GRAPH]

    def asserted_triples(self) -> set[Triple]:
        """Ontology + data triples (no inferences)."""
        names = [f.graph for f in self.files]
        return {t for name in names for t in self.dataset.graph(name)}

    def data_triples(self) -> set[Triple]:
        """Triples of the ``data/`` files only."""
        return {t for name in self.data_graph_names() for t in self.dataset.graph(name)}

    def parse_facts(self, path: Path, text: str | None = None) -> Graph:
        """Parse a new fact file strictly (see ``rdfio.parse_turtle``) and refuse ``dk:``
        terms the ontology does not declare and SHACL terms (facts are never shapes)."""
        if text is None:
            text = read_text(path)
        return check_facts(path, text, set(self.dataset.graph(ONTOLOGY_GRAPH).subjects()))

    def union(self) -> Graph:
        """A plain graph holding every triple of every named graph (prefixes bound)."""
        graph = new_graph()
        for name in self.graph_names():
            for triple in self.dataset.graph(name):
                graph.add(triple)
        return graph

    def file_of(self, graph: URIRef) -> SourceFile | None:
        for source in self.files:
            if source.graph == graph:
                return source
        return None

    # --- commands ------------------------------------------------------------------------

    def saved_queries(self) -> list[SavedQuery]:
        """The home's saved queries (reports, then ``checks/``)."""
        return list_saved(self.home)

    def query(
        self, name_or_text: str | SavedQuery, params: Mapping[str, str] | None = None
    ) -> Result:
        """Run a saved query, a ``.rq`` file or SPARQL text over the union of all graphs.

        ``params`` are checked against the query's ``#+ param:`` declarations and bound as
        typed RDF terms via ``initBindings``. The returned result is fully evaluated.
        """
        saved = (
            name_or_text
            if isinstance(name_or_text, SavedQuery)
            else resolve_query(self.home, name_or_text)
        )
        bound = saved.bind(params)
        return run_sparql(self.dataset, saved, variable_bindings(bound))

    def export(self, fmt: str = "ttl") -> str:
        """The whole graph as text; ``ttl``/``nt``/``jsonld`` merge all graphs, ``trig``/``nq``
        keep one named graph per file (and ``inferred`` after ``reason``)."""
        if fmt == "ttl":
            return to_turtle(self.union())
        if fmt == "nt":
            return to_ntriples(self.union())
        if fmt == "jsonld":
            return to_jsonld(self.union())
        if fmt == "trig":
            return to_trig((name, self.dataset.graph(name)) for name in self.graph_names())
        if fmt == "nq":
            return "".join(
                to_ntriples(self.dataset.graph(name), graph=name) for name in self.graph_names()
            )
        raise FormatError(f"unknown export format {fmt!r} (one of: {', '.join(EXPORT_FORMATS)})")

    def validate(self, paths: Iterable[str | PathLike[str]] = (), reason: bool = False):
        """SHACL-validate new fact files against this graph; see ``validation``.

        Returns a ``ValidationReport`` listing only the results the new files introduce.
        With no paths, validates the whole graph (every result is reported).
        """
        from .validation import validate_all, validate_new

        paths = [Path(p) for p in paths]
        if not paths:
            return validate_all(self, reason=reason)
        return validate_new(self, paths, reason=reason)

    def add(
        self,
        path: str | PathLike[str],
        into: str | PathLike[str] | None = None,
        reason: bool = False,
    ):
        """Validate ``path`` and merge its new triples into ``data/``; see ``merge``.

        Returns an ``AddResult``; raises ``ViolationsError`` (nothing written) on violations.
        """
        from .merge import add_file

        result = add_file(self.home, Path(path), into=into, reason=reason)
        fresh = KnowledgeGraph.load(self.home, reason=reason)
        self.dataset, self.files = fresh.dataset, fresh.files
        return result

    def describe(self, term: str):
        """Everything said about ``term`` (IRI, prefixed name or label); see ``describe``."""
        from .describe import describe

        return describe(self, term)

    def stats(self):
        """Triples per graph, instances per class, facts per source; see ``stats``."""
        from .stats import compute_stats

        return compute_stats(self)


def check_facts(path: Path, text: str, declared: set) -> Graph:
    """``KnowledgeGraph.parse_facts`` given the subjects of the ontology (``declared``)."""
    from .rdfio import undeclared_terms

    parsed = parse_turtle(path, text)
    problems = undeclared_terms(parsed, declared, text, path)
    if problems:
        raise InputError("\n".join(problems))
    return parsed


def empty_dataset() -> Dataset:
    """A dataset whose default graph is the union of its named graphs, our prefixes only."""
    dataset = Dataset(default_union=True)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    bind_prefixes(dataset)
    return dataset


def run_sparql(graph: Graph, saved: SavedQuery, bindings: Mapping | None = None) -> Result:
    """Parse and evaluate ``saved`` on ``graph``; syntax and evaluation errors become
    ``InputError`` naming the query (``file:line:column`` for syntax errors)."""
    prepared = prepare_sparql(saved, graph_names(graph))
    where = str(saved.path) if saved.path else saved.name
    try:
        result = graph.query(prepared, initBindings=dict(bindings or {}))
        if result.type == "SELECT":
            result.bindings  # noqa: B018 — forces evaluation so errors surface here
        elif result.type == "ASK":
            bool(result.askAnswer)
        elif result.graph is not None:
            len(result.graph)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{where}: query failed: {exc}") from None
    return result


def prepare_sparql(saved: SavedQuery, dataset_graphs: Iterable[URIRef]) -> Any:
    """Parse ``saved`` with rdflib and refuse what must never run, whatever engine runs it.

    Syntax errors become ``InputError`` with ``file:line:column``; Update, ``LOAD``,
    ``SERVICE`` and ``FROM``/``FROM NAMED`` outside ``dataset_graphs`` become
    ``QueryRefusedError`` (see ``sparql_safety``). Returns rdflib's prepared query.
    """
    from rdflib.plugins.sparql import prepareQuery

    from .sparql_compat import install
    from .sparql_safety import install as no_graph_loading
    from .sparql_safety import refusal, update_refusal

    install()
    no_graph_loading()
    where = str(saved.path) if saved.path else saved.name
    shift = len(PREFIXES) if saved.path is None and saved.name == "<query>" else 0
    try:
        prepared = prepareQuery(saved.text)
    except Exception as exc:  # pyparsing.ParseException and rdflib's own errors
        refused = update_refusal(saved.text, where="diplokg query")
        if refused is not None:
            raise QueryRefusedError(f"{where}:1:1: {refused[1]}") from None
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "col", None)
        reason = getattr(exc, "msg", None) or str(exc)
        if isinstance(line, int) and isinstance(column, int):
            raise InputError(
                f"{where}:{line - shift}:{column}: SPARQL syntax error: {reason}"
            ) from None
        line, column = _prefix_position(saved.text, reason)
        raise InputError(f"{where}:{line - shift}:{column}: SPARQL error: {reason}") from None
    message = refusal(prepared, dataset_graphs, where="diplokg query")
    if message is not None:
        raise QueryRefusedError(f"{where}: {message}")
    return prepared


def home_graph_names(home: Home) -> list[URIRef]:
    """The named graphs a load of ``home`` holds (without loading it)."""
    return [ONTOLOGY_GRAPH, INFERRED_GRAPH] + [GRAPH[p.stem] for p in home.data_files()]


def graph_names(graph: Graph) -> list[URIRef]:
    """Names of the named graphs of ``graph`` when it is a dataset (else none)."""
    if isinstance(graph, Dataset):
        return [g.identifier for g in graph.graphs() if isinstance(g.identifier, URIRef)]
    return []


def _prefix_position(text: str, reason: str) -> tuple[int, int]:
    """1-based position of an unknown prefix named in ``reason`` (rdflib gives none), else
    the start of the query."""
    import re

    from .rdfio import mask_text, position

    match = re.search(r"Unknown namespace prefix : (\S*)", reason)
    if match:
        found = re.search(rf"(?<![\w:]){re.escape(match.group(1))}:", mask_text(text))
        if found:
            return position(text, found.start())
    return 1, 1

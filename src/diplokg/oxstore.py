"""The Oxigraph engine: saved queries answered by pyoxigraph, from a store kept on disk.

Why: rdflib's Memory store parses 1M triples of Turtle in ~35 s and evaluates SPARQL in pure
Python; pyoxigraph bulk-loads the same in ~3 s and answers our saved queries 10-1000× faster.
``diplokg load`` (or the first query) builds a persistent store in ``Home.store_dir``
(``<home>/.diplokg/store``; for the home bundled in the package, or one this user may not
write, a folder in the user's cache) from ``ontology/diplomacy.ttl`` and ``data/*.ttl`` (one
named graph per file, as the rdflib dataset has); later processes reopen it in milliseconds.
A manifest (``store.json``: size, mtime and SHA-256 of every source file) detects any change;
only the named graphs of the files added, removed or changed are then reloaded
(``refresh_store``; a changed ontology rebuilds everything). Where nothing can be written,
the store is built in memory.

Results come back as rdflib terms in an rdflib ``Result``, so the renderers are shared; a
simple literal is a plain ``Literal`` (no ``xsd:string`` datatype), as rdflib writes it.
What the store does not answer (``--reason``, ``validate --all``, export to JSON-LD, ...)
runs on the rdflib dataset, built on first use (``OxKnowledgeGraph.rdflib``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Set
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from .errors import InputError
from .paths import STORE_DIR  # noqa: F401 (re-exported: where a writable home keeps its store)

if TYPE_CHECKING:
    import pyoxigraph

    from .graph import KnowledgeGraph
    from .paths import Home
    from .queries import SavedQuery

# Files up to this size are read by diplokg's strict reader first (ill-typed literals, bad
# IRIs, undeclared terms are refused with file:line:column, as with --engine rdflib); larger
# ones (synthetic benchmark graphs) only by Oxigraph's parser, which accepts ill-typed literals.
STRICT_BYTES = 2_000_000

# Removing a graph from the store costs about this many times as much as loading it (1M
# triples, 47 MB of Turtle: remove_graph 46 s, bulk_load 14 s); a refresh that would remove
# more than that share of the store rebuilds it instead (15 s at 1M).
REMOVE_COST = 4

# Words of a query that could reach outside the store or change it; such queries are checked
# and run by the rdflib engine (``graph.run_sparql`` refuses what must be refused).
REACHES_OUT = re.compile(
    r"\b(SERVICE|FROM|LOAD|INSERT|DELETE|DROP|CLEAR|CREATE|ADD|MOVE|COPY|WITH|USING)\b",
    re.IGNORECASE,
)
# Whole-line comments (the ``#+`` header) are skipped before looking for those words; nothing
# else is, so a word in a string or an inline comment only sends the query the slow way.
COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*$", re.MULTILINE)


def reaches_out(text: str) -> bool:
    """Whether a query's text (its ``#`` comment lines aside) holds a word that could reach
    outside the store or change it; such queries are checked and run by rdflib."""
    return REACHES_OUT.search(COMMENT_LINE.sub("", text)) is not None


def check_syntax(saved: SavedQuery, params: Mapping[str, str] | None = None) -> None:
    """Refuse a query Oxigraph cannot parse before the store is opened (or built).

    Why: opening the store touches its files and may rebuild it; a mistyped query should
    leave the home as it was. Oxigraph has no public parser, so the query runs on an empty
    in-memory store (nothing to match: microseconds); on a syntax error rdflib's parser
    reports it with file:line:column, as on every other engine.
    """
    import pyoxigraph as ox

    try:
        ox.Store().query(saved.portable_text(params), use_default_graph_as_union=True)
    except SyntaxError:
        from .graph import prepare_sparql

        # raises with file:line:column; a query only Oxigraph refuses goes on (rdflib answers)
        prepare_sparql(saved, [])
    except (OSError, ValueError):
        pass  # not a syntax error: the query itself decides, on the real store


def source_files(home: Home) -> list[tuple[Path, str]]:
    """(file, named graph IRI) for the ontology and every data file, as ``graph`` loads them."""
    from .graph import ONTOLOGY_GRAPH
    from .namespaces import GRAPH

    return [(home.ontology_file, str(ONTOLOGY_GRAPH))] + [
        (p, str(GRAPH[p.stem])) for p in home.data_files()
    ]


def _fingerprint(path: Path) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _changed(entry: dict | None, path: Path, graph: str) -> bool:
    """Whether ``path`` differs from its manifest ``entry`` (size+mtime, else the hash)."""
    if not entry or entry.get("graph") != graph or "sha256" not in entry:
        return True
    fp = _fingerprint(path)
    if fp["size"] != entry.get("size"):
        return True
    return fp["mtime_ns"] != entry.get("mtime_ns") and _sha(path) != entry["sha256"]


def _current(manifest: dict, files: list[tuple[Path, str]]) -> bool:
    """Whether the manifest describes exactly ``files``, none of them changed."""
    known = manifest.get("files", {})
    if sorted(known) != sorted(str(p) for p, _ in files):
        return False
    return not any(_changed(known[str(p)], p, g) for p, g in files)


def _manifest_entry(path: Path, graph: str, sha256: str) -> dict:
    """What the manifest records of one source file (``strict``: the strict reader read it)."""
    return {
        "graph": graph,
        **_fingerprint(path),
        "sha256": sha256,
        "strict": path.stat().st_size <= STRICT_BYTES,
    }


def _strictly_read(known: dict) -> set[str]:
    """SHA-256 of the contents the strict reader accepted when the manifest was written."""
    return {e["sha256"] for e in known.values() if e.get("strict") and "sha256" in e}


def _fill(
    store: pyoxigraph.Store, files: list[tuple[Path, str]], checked: Set[str] = frozenset()
) -> dict[str, str]:
    """Load ``files`` into ``store``; the strict reader first reads each small file whose
    SHA-256 is not in ``checked`` (it read that content before). Returns path -> SHA-256."""
    import pyoxigraph as ox

    from .rdfio import parse_turtle

    digests = {}
    for path, graph in files:
        digests[str(path)] = digest = _sha(path)
        if path.stat().st_size <= STRICT_BYTES and digest not in checked:
            parse_turtle(path)  # the strict reader: file:line:column for anything it refuses
        try:
            store.bulk_load(
                path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
            )
        except (SyntaxError, ValueError, OSError):
            # the strict rdflib reader gives the file:line:column message
            parse_turtle(path)
            raise InputError(f"{path}: cannot load into Oxigraph") from None
    return digests


def _may_write(folder: Path) -> bool:
    """Whether ``folder`` is writable, or could be created (its nearest existing parent is)."""
    for path in (folder, *folder.parents):
        if path.exists():
            return path.is_dir() and os.access(path, os.W_OK | os.X_OK)
    return False


def open_store(home: Home, persistent: bool = True) -> pyoxigraph.Store:
    """The Oxigraph store of ``home``, rebuilt if any source file changed."""
    import pyoxigraph as ox

    files = source_files(home)
    folder = home.store_dir
    if persistent and _may_write(folder):
        manifest_file = folder / "store.json"
        path = folder / "store"
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        if path.exists() and _current(manifest, files):
            try:
                return ox.Store.read_only(str(path))
            except OSError:
                pass
        elif path.exists():
            try:
                refreshed = refresh_store(home, files, manifest)
            except OSError:
                refreshed = None  # locked by another process, or unreadable: rebuild below
            if refreshed is not None:
                return refreshed
        try:
            return build_store(home, files)
        except OSError:
            pass  # another process is building it (RocksDB lock): answer from memory
    store = ox.Store()
    _fill(store, files)
    return store


def refresh_store(
    home: Home, files: list[tuple[Path, str]], manifest: dict
) -> pyoxigraph.Store | None:
    """Bring the store in ``home.store_dir`` up to date by reloading only the named graphs of
    the source files added, removed or changed since ``manifest`` was written.

    Why: a full rebuild costs ~15 s at 1M triples, and ``add`` changes one data file. Returns
    ``None`` when a full rebuild will do better (no usable manifest, the ontology changed,
    graphs to remove that hold most of a large store: see ``REMOVE_COST``, or any error
    while updating: the caller rebuilds); ``OSError`` when the store cannot be
    opened for writing (another process holds RocksDB's lock). The manifest is removed
    before the first change and written last, so an interrupted refresh is rebuilt next time.
    """
    import pyoxigraph as ox

    known = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(known, dict) or not known or not files:
        return None
    if any(not isinstance(e, dict) for e in known.values()):
        return None
    ontology, ontology_graph = files[0]
    if _changed(known.get(str(ontology)), ontology, ontology_graph):
        return None  # the declarations every file is read against: rebuild everything
    current = {str(p) for p, _ in files}
    changed = [(p, g) for p, g in files[1:] if _changed(known.get(str(p)), p, g)]
    removed = [
        e.get("graph") for name, e in known.items() if name not in current and e.get("graph")
    ]
    dropped = sum(int(e.get("size", 0)) for name, e in known.items() if name not in current) + sum(
        int(known.get(str(p), {}).get("size", 0)) for p, _ in changed
    )
    loaded = sum(p.stat().st_size for p, _ in changed)
    total = sum(p.stat().st_size for p, _ in files)
    if dropped > STRICT_BYTES and REMOVE_COST * dropped + loaded > total:
        return None  # removing most of the store costs more than building it again
    folder = home.store_dir
    manifest_file = folder / "store.json"
    store = ox.Store(str(folder / "store"))  # OSError: locked by another process
    try:
        checked = _strictly_read(known)
        manifest_file.unlink(missing_ok=True)
        for graph in {*removed, *(g for _, g in changed)}:
            node = ox.NamedNode(graph)
            if store.contains_named_graph(node):
                store.remove_graph(node)
        digests = _fill(store, changed, checked)
        store.flush()
        entries = {
            str(p): _manifest_entry(p, g, digests.get(str(p)) or known[str(p)]["sha256"])
            for p, g in files
        }
        manifest_file.write_text(json.dumps({"files": entries}, indent=1), encoding="utf-8")
    except Exception:  # noqa: BLE001 — any error: the caller rebuilds the whole store
        del store  # releases RocksDB's lock before the rebuild
        return None
    return store


def build_store(home: Home, files: list[tuple[Path, str]] | None = None) -> pyoxigraph.Store:
    """(Re)build the store in ``home.store_dir`` from the source files; write the manifest
    last. The strict reader skips a file whose content it accepted at the previous build."""
    import pyoxigraph as ox

    files = files if files is not None else source_files(home)
    folder = home.store_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "store"
    manifest_file = folder / "store.json"
    try:  # contents the strict reader accepted at the last build need no second reading
        known = json.loads(manifest_file.read_text(encoding="utf-8")).get("files", {})
        checked = _strictly_read(known)
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        checked = set()
    manifest_file.unlink(missing_ok=True)
    if path.exists():
        shutil.rmtree(path)
    store = ox.Store(str(path))
    digests = _fill(store, files, checked)
    store.flush()
    store.optimize()
    entries = {str(p): _manifest_entry(p, g, digests[str(p)]) for p, g in files}
    manifest_file.write_text(json.dumps({"files": entries}, indent=1), encoding="utf-8")
    return store


# --- results -----------------------------------------------------------------------------------


def to_rdflib(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if term is None:
        return None
    raise InputError(f"unsupported term in a result: {term!r}")


def to_rdflib_triple(triple) -> tuple:
    """An Oxigraph triple or quad as an rdflib ``(s, p, o)`` (the graph name is dropped)."""
    return to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)


def solution_rows(answer: pyoxigraph.QuerySolutions) -> tuple[list[Variable], Iterator[dict]]:
    """The variables of a SELECT answer and its rows as rdflib bindings (unbound values
    left out), read lazily so a caller with a row limit stops reading at the limit."""
    names = [v.value for v in answer.variables]
    variables = [Variable(n) for n in names]

    def rows() -> Iterator[dict]:
        for solution in answer:
            row = {}
            for name, var in zip(names, variables, strict=True):
                value = solution[name]
                if value is not None:
                    row[var] = to_rdflib(value)
            yield row

    return variables, rows()


def run_oxigraph(
    store: pyoxigraph.Store, saved: SavedQuery, params: Mapping[str, str] | None = None
) -> Result:
    """Evaluate ``saved`` (its values bound as a VALUES block) over the union of all graphs."""
    import pyoxigraph as ox

    text = saved.portable_text(params)
    where = str(saved.path) if saved.path else saved.name
    try:
        answer = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise InputError(f"{where}: SPARQL syntax error: {exc}") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: query failed: {exc}") from None
    if isinstance(answer, ox.QuerySolutions):
        result = Result("SELECT")
        result.vars, rows = solution_rows(answer)
        result.bindings = list(rows)
        return result
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    from .rdfio import new_graph

    graph = new_graph()
    for triple in answer:
        graph.add(to_rdflib_triple(triple))
    result = Result("CONSTRUCT")
    result.graph = graph
    return result


class OxKnowledgeGraph:
    """A home answered by Oxigraph; anything but ``query`` goes to the rdflib graph."""

    engine = "oxigraph"

    def __init__(self, home: Home, store: pyoxigraph.Store) -> None:
        self.home = home
        self.store = store
        self._rdflib: KnowledgeGraph | None = None

    @classmethod
    def load(cls, home: Home, persistent: bool = True) -> OxKnowledgeGraph:
        return cls(home, open_store(home, persistent=persistent))

    @property
    def rdflib(self) -> KnowledgeGraph:
        if self._rdflib is None:
            from .graph import KnowledgeGraph

            self._rdflib = KnowledgeGraph.load(self.home)
        return self._rdflib

    def parse_facts(self, path: Path, text: str | None = None):
        """``KnowledgeGraph.parse_facts`` against the ontology held in the store (no rdflib
        dataset is built): strict parse, undeclared ``dk:`` terms and SHACL terms refused."""
        from .graph import check_facts
        from .incremental import store_ontology
        from .rdfio import read_text

        declared = {s for s, _, _ in store_ontology(self.store)}
        return check_facts(path, read_text(path) if text is None else text, declared)

    def query(self, name_or_text, params: Mapping[str, str] | None = None) -> Result:
        from .queries import SavedQuery, resolve_query

        saved = (
            name_or_text
            if isinstance(name_or_text, SavedQuery)
            else resolve_query(self.home, name_or_text)
        )
        saved.bind(params)  # type-checks the values
        if reaches_out(saved.text):
            # SERVICE, FROM, LOAD or an update word somewhere (perhaps only in a string): the
            # rdflib path decides, with the same refusals and messages as everywhere else
            return self.rdflib.query(saved, params)
        try:
            return run_oxigraph(self.store, saved, params)
        except InputError:
            from .graph import home_graph_names, prepare_sparql

            # rdflib's parser gives file:line:column for a syntax error, without loading the
            # graph; a query only Oxigraph refuses is answered by rdflib
            prepare_sparql(saved, home_graph_names(self.home))
            return self.rdflib.query(saved, params)

    def __getattr__(self, name: str):
        return getattr(self.rdflib, name)


# --- export ------------------------------------------------------------------------------------

STREAMED_FORMATS = ("ttl", "nt", "trig", "nq")
"""Formats ``export_store`` writes from the store (JSON-LD goes through the rdflib graph)."""


def export_store(store: pyoxigraph.Store, fmt: str = "ttl") -> str:
    """The store's named graphs in ``fmt`` with diplokg's deterministic writers (``rdfio``),
    without building an rdflib ``Dataset``: the same text as ``KnowledgeGraph.export(fmt)``
    for the same files (ttl/nt: the union of the graphs; trig/nq: one graph per file).

    Why: at 1M triples the rdflib dataset takes ~1.5 GB and half a minute to build; here the
    quads come from the store (each IRI converted once) and only the writers' sorted lists
    are held. One difference: Oxigraph keeps literals of the XSD types it knows in their
    canonical form (``"01"^^xsd:integer`` is read back as ``"1"``), where the rdflib graph
    keeps the lexical form of the file; the two exports differ only for such literals.
    """
    import pyoxigraph as ox

    from .rdfio import to_ntriples, to_trig, to_turtle

    if fmt not in STREAMED_FORMATS:
        raise InputError(f"export_store writes {', '.join(STREAMED_FORMATS)}, not {fmt!r}")
    iris: dict[str, URIRef] = {}

    def term(value):
        if isinstance(value, ox.NamedNode):
            iri = iris.get(value.value)
            if iri is None:
                iri = iris[value.value] = URIRef(value.value)
            return iri
        return to_rdflib(value)

    def triples(graph):
        return (
            (term(q.subject), term(q.predicate), term(q.object))
            for q in store.quads_for_pattern(None, None, None, graph)
        )

    names = sorted(
        (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
        key=str,
    )
    names = [
        n
        for n in names
        if next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(n))), None)
    ]
    if fmt == "ttl":
        return to_turtle(t for n in names for t in triples(ox.NamedNode(n)))
    if fmt == "nt":
        return to_ntriples(t for n in names for t in triples(ox.NamedNode(n)))
    if fmt == "trig":
        return to_trig((URIRef(n), list(triples(ox.NamedNode(n)))) for n in names)
    return "".join(to_ntriples(triples(ox.NamedNode(n)), graph=URIRef(n)) for n in names)

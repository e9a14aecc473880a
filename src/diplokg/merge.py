"""``add``: validate new facts, then merge them into a ``data/`` file without losing any.

Why so careful: ``data/`` is hand-written and shared. New triples are appended as a Turtle
block at the end of the target file, so the authors' comments and layout are kept; the whole
new text is parsed again and must be isomorphic to old + added before it replaces the file
(temp file, fsync, rename, fsync folder). Everything from reading the current data to the
rename happens under ``data/.diplokg.lock``, so concurrent adds queue up instead of
overwriting each other. The file being replaced is first copied to
``data/.backup/<file>.<UTC timestamp>`` (the newest 20 per file are kept). Triples already
anywhere in ``data/`` are counted as duplicates and not written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from rdflib import BNode, Literal
from rdflib.compare import isomorphic

from .errors import InputError, ViolationsError
from .locking import DataLock
from .paths import Home
from .rdfio import BACKUP_DIR, Triple, atomic_write, new_graph, parse_turtle, read_text, to_turtle


@dataclass(frozen=True)
class AddResult:
    """What ``add`` did: where the facts went and how many were new."""

    source: Path
    target: Path
    added: int
    duplicates: int
    created: bool

    def summary(self) -> str:
        verb = "created" if self.created else "updated" if self.added else "unchanged"
        return (
            f"{self.added} triple{'s' if self.added != 1 else ''} added, "
            f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''} skipped; "
            f"{self.target} {verb}."
        )


def target_path(home: Home, source: Path, into: str | PathLike[str] | None) -> Path:
    """Where facts from ``source`` go: ``--into`` (a file directly in ``data/``, given as
    ``data/NAME.ttl``, ``NAME.ttl`` or an absolute path) or ``data/<source stem>.ttl``."""
    if into is None:
        return home.data_dir / f"{source.stem}.ttl"
    given = Path(into)
    if given.is_absolute():
        candidate = given
    elif given.parent == Path("."):
        candidate = home.data_dir / given
    else:
        candidate = home.root / given
    candidate = candidate.resolve() if candidate.parent.exists() else candidate
    if candidate.parent != home.data_dir.resolve() or candidate.suffix != ".ttl":
        raise InputError(f"--into {into}: must be a .ttl file directly in {home.data_dir}")
    return candidate


def add_file(
    home: Home,
    source: Path,
    into: str | PathLike[str] | None = None,
    reason: bool = False,
    engine: str = "rdflib",
) -> AddResult:
    """Validate ``source`` against the current graph and append its new triples to the target.

    ``engine="oxigraph"`` (the CLI's default; not with ``reason``) checks, validates and
    finds duplicates against the persistent Oxigraph store (``oxstore``) instead of loading
    the rdflib dataset: same verdicts, counts and messages, at a cost that follows the batch.

    Raises ``ViolationsError`` (carrying the report) when the facts introduce violations;
    nothing is written then. ``InputError`` for unreadable files.
    """
    from .validation import validate_triples

    text = read_text(source)
    parse_turtle(source, text)  # fail fast on unreadable input, before taking the lock
    target = target_path(home, source, into)
    with DataLock(home.lock_file):
        if engine == "oxigraph" and not reason:
            from .oxstore import OxKnowledgeGraph

            kg = OxKnowledgeGraph.load(home)
        else:
            from .graph import KnowledgeGraph

            kg = KnowledgeGraph.load(home)
        new_triples = set(kg.parse_facts(source, text))
        report = validate_triples(kg, new_triples, [(source, text)], reason=reason)
        if not report.conforms:
            raise ViolationsError(
                f"{source}: rejected, {len(report.violations)} violation"
                f"{'s' if len(report.violations) != 1 else ''}; nothing was written",
                report,
            )
        if kg.engine != "oxigraph":
            existing = kg.data_triples()
            fresh = [t for t in new_triples if t not in existing]
        else:
            fresh = _not_in_store(home, kg.store, new_triples)
        added = sorted(fresh, key=lambda t: tuple(map(str, t)))
        duplicates = len(new_triples) - len(added)
        created = not target.exists()
        if added:
            write_merged(target, added, source)
    return AddResult(source, target, len(added), duplicates, created)


def _not_in_store(home: Home, store, triples: set[Triple]) -> list[Triple]:
    """The triples of ``triples`` that no ``data/`` file holds, read from the Oxigraph store.

    Why not only a lookup: the store keeps literals of the XSD types it knows in canonical
    form (``"01"^^xsd:integer`` is read back as ``"1"``, ``"x"^^xsd:string`` as ``"x"``),
    and a lookup matches by value, where the rdflib path compares lexical forms. A match on
    a typed literal is therefore checked in the parsed file of the graph that matched when
    the literal reads back otherwise (it is not in canonical form) or the file is small (up
    to ``oxstore.STRICT_BYTES``: the file may hold another form of the same value); other
    matches are taken as they are. The one case left different from ``--engine rdflib``: in
    a larger file, a literal in a non-canonical form (``"07"``) makes the same value in
    canonical form (``"7"``) a duplicate. Blank nodes of a new file are fresh, so a triple
    holding one is never a duplicate.
    """
    import pyoxigraph as ox

    from .incremental import to_oxigraph
    from .oxstore import STRICT_BYTES, source_files, to_rdflib

    files = {g: p for p, g in source_files(home)[1:]}
    small = {g: p.stat().st_size <= STRICT_BYTES for g, p in files.items()}
    parsed: dict[str, set] = {}
    fresh = []
    for triple in triples:
        if any(isinstance(term, BNode) for term in triple):
            fresh.append(triple)
            continue
        s, p, o = (to_oxigraph(term) for term in triple)
        graphs = set()
        for quad in store.quads_for_pattern(s, p, o, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode) or graph.value not in files:
                continue
            literal = triple[2]
            if isinstance(literal, Literal) and (
                to_rdflib(quad.object) != literal
                or (literal.datatype is not None and small[graph.value])
            ):
                if graph.value not in parsed:
                    parsed[graph.value] = set(parse_turtle(files[graph.value]))
                if triple not in parsed[graph.value]:
                    continue
            graphs.add(graph.value)
        if not graphs:
            fresh.append(triple)
    return fresh


def write_merged(target: Path, added: list[Triple], source: Path) -> None:
    """Append ``added`` to ``target`` (or create it), verified and atomically."""
    note = f"# Added by `diplokg add` from {source.name}.\n"
    if target.exists():
        old_text = read_text(target)
        old = parse_turtle(target, old_text)
        separator = "" if old_text.endswith("\n") or not old_text else "\n"
        text = old_text + separator + "\n" + to_turtle(added, header=note)
    else:
        old = new_graph()
        text = to_turtle(added, header=note)
    expected = new_graph()
    for triple in old:
        expected.add(triple)
    for triple in added:
        expected.add(triple)
    check = parse_turtle(target, text)
    if not isomorphic(check, expected):
        raise InputError(f"{target}: merged text does not re-parse to old + new facts; not written")
    atomic_write(target, text.encode("utf-8"), backup_dir=target.parent / BACKUP_DIR)

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
    home: Home, source: Path, into: str | PathLike[str] | None = None, reason: bool = False
) -> AddResult:
    """Validate ``source`` against the current graph and append its new triples to the target.

    Raises ``ViolationsError`` (carrying the report) when the facts introduce violations;
    nothing is written then. ``InputError`` for unreadable files.
    """
    from .graph import KnowledgeGraph
    from .validation import validate_triples

    text = read_text(source)
    parse_turtle(source, text)  # fail fast on unreadable input, before taking the lock
    target = target_path(home, source, into)
    with DataLock(home.lock_file):
        kg = KnowledgeGraph.load(home)
        new = kg.parse_facts(source, text)
        new_triples = set(new)
        report = validate_triples(kg, new_triples, [(source, text)], reason=reason)
        if not report.conforms:
            raise ViolationsError(
                f"{source}: rejected, {len(report.violations)} violation"
                f"{'s' if len(report.violations) != 1 else ''}; nothing was written",
                report,
            )
        existing = kg.data_triples()
        added = sorted(
            (t for t in new_triples if t not in existing), key=lambda t: tuple(map(str, t))
        )
        duplicates = len(new_triples) - len(added)
        created = not target.exists()
        if added:
            write_merged(target, added, source)
    return AddResult(source, target, len(added), duplicates, created)


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

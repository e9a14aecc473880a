"""Reading and writing RDF files: precise error positions in, deterministic bytes out.

Why our own reader wrapper: rdflib raises a handful of exception types for bad input and
silently accepts ill-typed literals (``"2025-13-45"^^xsd:date``, ``"abc"^^xsd:gYear``); users
need one ``file:line:column: reason`` message and no traceback. Why our own Turtle writer:
rdflib's serializer does not promise a stable order, and ``export`` must give byte-identical
files on every run so that diffs of the exported graph mean something.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from urllib.parse import urljoin

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from .errors import InputError
from .namespaces import DK, PREFIXES


def keep_literals() -> None:
    """Keep every literal exactly as written: rdflib's default normalisation rewrites lexical
    forms on parse ("2025-01-01Z"^^xsd:date loses its time zone, "007" becomes "7").

    Called at import and before every parse, because pyshacl's ``validate`` sets
    ``rdflib.NORMALIZE_LITERALS`` back to True when it returns."""
    rdflib.NORMALIZE_LITERALS = False


keep_literals()

MAX_INPUT_BYTES = 10 * 1024 * 1024
"""Default size cap for any RDF file we read; ``DIPLOKG_MAX_INPUT_BYTES`` overrides it."""
MAX_NESTING = 64
"""Deepest ``[ ... ]`` / ``( ... )`` nesting accepted in Turtle (rdflib recurses per level)."""
INPUT_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig"}
"""Suffixes of fact files we read; anything else is read as Turtle."""
REFUSED_FORMATS = {
    ".rdf": "RDF/XML",
    ".owl": "RDF/XML",
    ".xml": "RDF/XML",
    ".jsonld": "JSON-LD",
    ".json": "JSON-LD",
}
# Where relative IRIs would resolve: never a real place, so we can find and refuse them.
_RELATIVE_BASE = "file:///diplokg-relative-iri/"
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\]')

Triple = tuple[Node, Node, Node]

_GYEAR = re.compile(r"^-?\d{4,}(Z|[+-]\d\d:\d\d)?$")
_GYEARMONTH = re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?$")
_EXTRA_LEXICAL_CHECKS = {XSD.gYear: _GYEAR, XSD.gYearMonth: _GYEARMONTH}
_XSD = str(XSD)
_LOCAL_NAME = re.compile(r"^([A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_INTEGER = re.compile(r"^(0|-?[1-9]\d*)$")  # canonical only: a bare 007 reads back as 7

_MASK = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
    re.S,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def mask_text(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked (newlines kept), same length.

    Why: to find real braces, statement ends or keywords in Turtle and SPARQL without a full
    parser; an offset in the masked text is the same offset in the original.
    """
    return _MASK.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text)


def new_graph(identifier: str | URIRef | None = None) -> Graph:
    """An empty in-memory graph with exactly our prefixes bound (none of rdflib's extras)."""
    graph = Graph(identifier=URIRef(identifier) if identifier else None, bind_namespaces="none")
    bind_prefixes(graph)
    return graph


def bind_prefixes(graph: Graph) -> None:
    """Bind every prefix of ``namespaces.PREFIXES`` on ``graph`` (overriding others)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal (and warns about odd booleans and
    IRIs); we report those ourselves."""
    logger = logging.getLogger("rdflib.term")
    previous = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = previous


def position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def max_input_bytes() -> int:
    """The size cap in force (``DIPLOKG_MAX_INPUT_BYTES``, else ``MAX_INPUT_BYTES``)."""
    value = os.environ.get("DIPLOKG_MAX_INPUT_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_INPUT_BYTES


def read_text(path: Path) -> str:
    """Read a UTF-8 file; a missing file or bad bytes become an ``InputError`` with position.

    Files over ``max_input_bytes()`` are refused before they are read.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    cap = max_input_bytes()
    if size > cap:
        raise InputError(
            f"{path}:1:1: file is {size} bytes, over the input size cap of {cap} bytes "
            "(set DIPLOKG_MAX_INPUT_BYTES to raise it)"
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        line, column = position(prefix, len(prefix))
        raise InputError(f"{path}:{line}:{column}: not valid UTF-8 ({exc.reason})") from None


def input_format(path: Path) -> str:
    """The rdflib format for a fact file's suffix; RDF/XML and JSON-LD are refused."""
    suffix = path.suffix.lower()
    refused = REFUSED_FORMATS.get(suffix)
    if refused:
        raise InputError(
            f"{path}:1:1: {refused} input is refused: give facts as Turtle (.ttl), "
            "N-Triples (.nt) or TriG (.trig)"
        )
    return INPUT_FORMATS.get(suffix, "turtle")


def parse_turtle(path: Path, text: str | None = None, fmt: str | None = None) -> Graph:
    """Parse one Turtle (or N-Triples/TriG, by suffix) file strictly.

    Every problem is an ``InputError`` reading ``file:line:column: reason``: syntax errors
    (whatever rdflib raises), nesting deeper than ``MAX_NESTING``, relative IRIs, IRIs with
    illegal characters, literals or blank nodes as subject or predicate, ill-typed literals.
    ``text`` may be given when the caller already read the file (it is then not re-read).
    TriG named graphs are merged into one graph.
    """
    fmt = fmt or input_format(path)
    if text is None:
        text = read_text(path)
    check_nesting(path, text)
    keep_literals()
    graph = new_graph()
    target: Graph = graph
    if fmt == "trig":
        target = rdflib.Dataset()
    try:
        with quiet_rdflib():
            target.parse(data=text, format=fmt, publicID=_RELATIVE_BASE)
    except SyntaxError as exc:  # rdflib's BadSyntax
        raise InputError(_syntax_message(path, text, exc)) from None
    except RecursionError:
        raise InputError(f"{path}:1:1: nesting too deep to parse") from None
    except IndexError:
        line, column = position(text, len(text.rstrip()))
        raise InputError(
            f"{path}:{line}:{column}: unexpected end of file (a statement lacks its final '.')"
        ) from None
    except Exception as exc:  # ValueError (language tag), rdflib's ParserError (N-Triples), …
        reason = str(exc) or type(exc).__name__
        line, column = _guess_position(text, reason)
        reason = reason.replace("\r", "\\r").replace("\n", "\\n")  # one line per problem
        raise InputError(f"{path}:{line}:{column}: cannot parse: {reason}") from None
    if target is not graph:
        for s, p, o, _ in target.quads((None, None, None, None)):
            graph.add((s, p, o))
    problems = lint_terms(graph, text, path) + ill_typed_literals(graph, text, path)
    if problems:
        raise InputError("\n".join(problems))
    bind_prefixes(graph)
    return graph


_LANG_IN_REASON = re.compile(r"'([^']*)' is not a valid language tag")


def _guess_position(text: str, reason: str) -> tuple[int, int]:
    """Where a parser error without a position most likely is (the bad tag), else 1:1."""
    match = _LANG_IN_REASON.search(reason)
    if match:
        at = text.find("@" + match.group(1))
        if at >= 0:
            return position(text, at)
    context = reason.partition(" at ^ in ")[2]  # rdflib's "why at ^ in <before>^<after>"
    if "^" in context:
        before, _, after = context.partition("^")
        at = text.find(before + after)
        if at >= 0:
            return position(text, at + len(before))
    if reason.startswith("Invalid line: "):  # rdflib's N-Triples parser quotes the line
        at = text.find(reason[len("Invalid line: ") :].strip())
        if at >= 0:
            return position(text, at)
    return 1, 1


def check_nesting(path: Path, text: str) -> None:
    """Refuse ``[``/``(`` nesting deeper than ``MAX_NESTING`` (before rdflib recurses)."""
    depth = 0
    masked = mask_text(text)
    for index, char in enumerate(masked):
        if char in "[(":
            depth += 1
            if depth > MAX_NESTING:
                line, column = position(text, index)
                raise InputError(
                    f"{path}:{line}:{column}: nesting deeper than {MAX_NESTING} levels refused"
                )
        elif char in "])":
            depth = max(0, depth - 1)


_IRI_REF = re.compile(r"<([^<>\s]*)>")


def _locate_term(text: str, term: Node) -> tuple[int, int]:
    candidates = [f"<{term}>"]
    if isinstance(term, URIRef):
        candidates += spellings(text, term)[1:]
        bad = _BAD_IRI_CHAR.search(str(term))
        if bad:  # written with an escape (\u0020): find what comes before it
            candidates.append(f"<{str(term)[: bad.start()]}")
    if isinstance(term, Literal):
        candidates += [f'"{term}"', f"'{term}'", str(term)]
    for candidate in candidates:
        at = text.find(candidate)
        if at >= 0:
            return position(text, at)
    if isinstance(term, URIRef):  # a relative reference, as written
        for match in _IRI_REF.finditer(text):
            if ":" not in match.group(1) and urljoin(_RELATIVE_BASE, match.group(1)) == str(term):
                return position(text, match.start())
    if isinstance(term, BNode):
        at = mask_text(text).find("_:")
        if at >= 0:
            return position(text, at)
    return 1, 1


def lint_terms(graph: Graph, text: str, path: Path) -> list[str]:
    """``file:line:column: reason`` for each term rdflib accepted but we do not."""
    found: dict[tuple[int, int, str], None] = {}

    def report(term: Node, reason: str) -> None:
        line, column = _locate_term(text, term)
        found[(line, column, f"{path}:{line}:{column}: {reason}")] = None

    checked: set[Node] = set()
    for triple in graph:
        subject, predicate, _ = triple
        if isinstance(subject, Literal):
            report(subject, f"a literal cannot be a subject: {term_text(subject)}")
        if not isinstance(predicate, URIRef):
            report(predicate, f"a predicate must be an IRI, not {term_text(predicate)}")
        for term in triple:
            if term in checked or not isinstance(term, URIRef):
                continue
            checked.add(term)
            value = str(term)
            if value.startswith(_RELATIVE_BASE):
                relative = value[len(_RELATIVE_BASE) :]
                report(term, f"relative IRI <{relative}> refused: write the full IRI")
            elif value.lower().startswith("file:"):
                report(
                    term,
                    f"IRI <{value}> refused: a relative IRI or a file: IRI names a local path",
                )
            elif _BAD_IRI_CHAR.search(value):
                bad = _BAD_IRI_CHAR.search(value).group(0)
                report(term, f"IRI <{value}> contains the illegal character {bad!r}")
    return [message for *_, message in sorted(found)]


def undeclared_terms(graph: Graph, declared: set[Node], text: str, path: Path) -> list[str]:
    """Uses of ``dk:`` terms the ontology does not declare, and SHACL terms in facts."""
    found: dict[tuple[int, int, str], None] = {}
    seen: set[Node] = set()
    for triple in graph:
        for term in triple:
            if term in seen or not isinstance(term, URIRef):
                continue
            seen.add(term)
            value = str(term)
            reason = None
            if value.startswith(str(DK)) and term not in declared:
                reason = f"{shorten(term)} is not a term of the dk: ontology"
            elif value.startswith(str(SH)):
                reason = (
                    f"{shorten(term)}: fact files may not contain SHACL terms "
                    "(shapes live in ontology/shapes.ttl)"
                )
            if reason:
                line, column = _locate_term(text, term)
                found[(line, column, f"{path}:{line}:{column}: {reason}")] = None
    return [message for *_, message in sorted(found)]


def _syntax_message(path: Path, text: str, exc: SyntaxError) -> str:
    index = getattr(exc, "_i", None)
    why = getattr(exc, "_why", None) or exc.msg or str(exc)
    if isinstance(index, int) and index >= 0:
        line, column = position(text, index)
    else:
        line = (getattr(exc, "lines", None) or 0) + 1
        column = 1
    return f"{path}:{line}:{column}: {why}"


def is_ill_typed(literal: Literal) -> bool:
    """True when the lexical form is not valid for its XSD datatype."""
    datatype = literal.datatype
    if datatype is None or not str(datatype).startswith(_XSD):
        return False
    if literal.ill_typed:
        return True
    pattern = _EXTRA_LEXICAL_CHECKS.get(datatype)
    return bool(pattern and not pattern.match(str(literal)))


def ill_typed_literals(graph: Graph, text: str, path: Path) -> list[str]:
    """One ``file:line:column: reason`` message per ill-typed literal, in file order."""
    found: list[tuple[int, str]] = []
    seen: set[Literal] = set()
    for obj in graph.objects(unique=True):
        if isinstance(obj, Literal) and obj not in seen and is_ill_typed(obj):
            seen.add(obj)
            index = _find_lexical(text, str(obj))
            line, column = position(text, index) if index >= 0 else (1, 1)
            found.append(
                (
                    index,
                    f"{path}:{line}:{column}: ill-typed literal {term_text(obj)}"
                    f" (not a valid {shorten(obj.datatype)})",
                )
            )
    return [message for _, message in sorted(found)]


def _find_lexical(text: str, lexical: str) -> int:
    for quote in ('"', "'"):
        at = text.find(f"{quote}{lexical}{quote}")
        if at >= 0:
            return at
    return text.find(lexical)


# --- writing -------------------------------------------------------------------------------


_SHORT_CACHE: dict[str, str] = {}
_SHORT_CACHE_MAX = 1 << 16


def shorten(iri: URIRef | str) -> str:
    """``dkid:laos`` for an IRI in one of our namespaces (longest match), else ``<iri>``.

    Memoised (up to ``_SHORT_CACHE_MAX`` IRIs, then the cache starts over): the writers
    shorten every IRI of the graph, most of them many times."""
    value = str(iri)
    short = _SHORT_CACHE.get(value)
    if short is None:
        short = _shorten(value)
        if len(_SHORT_CACHE) >= _SHORT_CACHE_MAX:
            _SHORT_CACHE.clear()
        _SHORT_CACHE[value] = short
    return short


# namespaces longest first (PREFIXES order among equal lengths): the first that fits is
# the longest match, as the scan of every prefix found
_BY_LENGTH = sorted(
    ((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0])
)


def _shorten(value: str) -> str:
    for ns, prefix in _BY_LENGTH:
        if value.startswith(ns):
            local = value[len(ns) :]
            if _LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
    return f"<{value}>"


def escape_string(value: str) -> str:
    """A double-quoted, single-line Turtle/N-Triples string."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def term_text(term: Node, prefixed: bool = True) -> str:
    """A term in Turtle syntax (``prefixed=False``: N-Triples syntax, full IRIs)."""
    if isinstance(term, URIRef):
        return shorten(term) if prefixed else f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = str(term)
        if term.language:
            return f"{escape_string(lexical)}@{term.language}"
        if term.datatype is None:
            return escape_string(lexical)
        if prefixed and term.datatype == XSD.integer and _INTEGER.match(lexical):
            return lexical
        if prefixed and term.datatype == XSD.boolean and lexical in ("true", "false"):
            return lexical
        datatype = shorten(term.datatype) if prefixed else f"<{term.datatype}>"
        return f"{escape_string(lexical)}^^{datatype}"
    return str(term)


def term_sort_key(term: Node) -> tuple[int, str, str, str]:
    """Total order on terms that does not depend on hashing: IRIs, blank nodes, literals."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    if isinstance(term, Literal):
        return (2, str(term), str(term.datatype or ""), term.language or "")
    return (3, str(term), "", "")


def canonical_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Triples with blank nodes relabelled canonically, sorted — the same bytes every run."""
    triples = list(triples)
    ranked = _ranked(triples)
    if ranked is None:
        return _canonical_sorting(triples)
    order, terms = ranked
    return [(terms[s], terms[p], terms[o]) for s, p, o in order]


def _canonical_sorting(triples: list[Triple]) -> list[Triple]:
    """``canonical_triples`` sorting by ``term_sort_key`` (for any terms; see ``_ranked``)."""
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        triples = _canonical_blank(triples)
    return sorted(set(triples), key=lambda t: tuple(term_sort_key(x) for x in t))


def _canonical_blank(triples: list[Triple]) -> list[Triple]:
    """The triples with their blank nodes relabelled by rdflib's canonicalisation."""
    from rdflib.compare import to_canonical_graph

    graph = Graph(bind_namespaces="none")
    for triple in triples:
        graph.add(triple)
    return list(to_canonical_graph(graph))


def _ranked(triples: list[Triple]) -> tuple[list[tuple[int, int, int]], list[Node]] | None:
    """The canonical triples as sorted rank triples, and the terms by rank; None when the
    terms cannot key a dict (then ``_canonical_sorting`` does the work).

    Why: at a million triples, building an rdflib graph of every triple for the blank-node
    canonicalisation and comparing sort-key tuples per triple took most of the export.
    Only the triples that hold a blank node go through rdflib's canonicalisation: its labels
    depend on those triples alone (``_TripleCanonicalizer`` colours blank nodes from the
    triples that contain them), so they are the labels the whole graph would give. Each
    distinct term gets an id (dict equality, so duplicate triples collapse as in a set),
    its ``term_sort_key`` once, and a rank; triples are sorted as tuples of ranks.

    None: rdflib's ``Literal`` equality ignores the case of language tags while the sort
    key and the text keep it, so a tag with capitals (or a literal as subject or
    predicate) would merge terms that are written differently.
    """
    plain: list[Triple] = []
    blank: list[Triple] = []
    for triple in triples:
        s, p, o = triple
        if isinstance(o, Literal):
            language = o.language
            if language and language != language.lower():
                return None
        elif isinstance(o, BNode):
            blank.append(triple)
            continue
        if not isinstance(s, URIRef):
            if not isinstance(s, BNode):
                return None
            blank.append(triple)
            continue
        if not isinstance(p, URIRef):
            if not isinstance(p, BNode):
                return None
            blank.append(triple)
            continue
        plain.append(triple)
    if blank:
        plain.extend(_canonical_blank(blank))
    ids: dict[Node, int] = {}
    terms: list[Node] = []
    unique: set[tuple[int, int, int]] = set()
    for s, p, o in plain:
        i = ids.get(s)
        if i is None:
            i = ids[s] = len(terms)
            terms.append(s)
        j = ids.get(p)
        if j is None:
            j = ids[p] = len(terms)
            terms.append(p)
        k = ids.get(o)
        if k is None:
            k = ids[o] = len(terms)
            terms.append(o)
        unique.add((i, j, k))
    del ids, plain, blank
    keys = [term_sort_key(term) for term in terms]
    by_key = sorted(range(len(terms)), key=keys.__getitem__)
    rank = [0] * len(terms)
    number = -1
    previous = None
    for i in by_key:
        if keys[i] != previous:  # equal keys, equal rank: ties keep their order
            number += 1
            previous = keys[i]
        rank[i] = number
    if number + 1 != len(terms):  # distinct terms with one key: let the sort keep their order
        return None
    ranked_terms: list[Node] = [None] * len(terms)  # type: ignore[list-item]
    for i in by_key:
        ranked_terms[rank[i]] = terms[i]
    del keys, by_key, terms
    order = sorted({(rank[i], rank[j], rank[k]) for i, j, k in unique})
    return order, ranked_terms


_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _turtle_body(triples: Iterable[Triple], indent: str = "") -> list[str]:
    triples = list(triples)
    ranked = _ranked(triples)
    if ranked is None:
        return _turtle_body_sorting(_canonical_sorting(triples), indent)
    order, terms = ranked
    del triples
    text = [term_text(term) for term in terms]  # every term is used at least once

    rdf_type = bisect_left(terms, term_sort_key(_RDF_TYPE), key=term_sort_key)
    if rdf_type == len(terms) or terms[rdf_type] != _RDF_TYPE:
        rdf_type = -1
    objects_indent = "\n" + indent + " " * 8
    objects_join = " ," + objects_indent
    continuation = f"{indent}    "
    blocks: list[str] = []
    # sorted by (subject, predicate, object) ranks: each subject's triples are consecutive,
    # its predicates in order and each predicate's objects in order (rdf:type moved first)
    for subject, group in groupby(order, key=itemgetter(0)):
        runs = [(p, [o for _, _, o in run]) for p, run in groupby(group, key=itemgetter(1))]
        for index, (predicate, _) in enumerate(runs):
            if predicate == rdf_type:
                if index:
                    runs.insert(0, runs.pop(index))
                break
        lines = []
        last = len(runs) - 1
        for number, (predicate, objects) in enumerate(runs):
            verb = "a" if predicate == rdf_type else text[predicate]
            if len(objects) == 1:
                rendered = " " + text[objects[0]]
            else:
                rendered = objects_indent + objects_join.join([text[o] for o in objects])
            head = f"{indent}{text[subject]} " if number == 0 else continuation
            end = " ." if number == last else " ;"
            lines.append(f"{head}{verb}{rendered}{end}")
        blocks.append("\n".join(lines))
    return blocks


def _turtle_body_sorting(triples: list[Triple], indent: str = "") -> list[str]:
    """``_turtle_body`` for triples whose terms cannot key dicts (see ``_canonical``)."""
    by_subject: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    blocks: list[str] = []
    for subject in sorted(by_subject, key=term_sort_key):
        predicates = by_subject[subject]
        order = sorted(predicates, key=lambda p: (p != _RDF_TYPE, term_sort_key(p)))
        lines = []
        for number, predicate in enumerate(order):
            verb = "a" if predicate == _RDF_TYPE else term_text(predicate)
            objects = [term_text(o) for o in sorted(predicates[predicate], key=term_sort_key)]
            if len(objects) == 1:
                rendered = " " + objects[0]
            else:
                rendered = "\n" + indent + " " * 8 + (" ,\n" + indent + " " * 8).join(objects)
            head = f"{indent}{term_text(subject)} " if number == 0 else f"{indent}    "
            end = " ." if number == len(order) - 1 else " ;"
            lines.append(f"{head}{verb}{rendered}{end}")
        blocks.append("\n".join(lines))
    return blocks


def prefix_block() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def to_turtle(triples: Iterable[Triple], header: str = "") -> str:
    """Deterministic Turtle: all our prefixes, subjects and objects sorted, ``a`` first."""
    body = _turtle_body(triples)
    text = header + prefix_block()
    if body:
        text += "\n" + "\n\n".join(body) + "\n"
    return text


def to_trig(graphs: Iterable[tuple[URIRef, Iterable[Triple]]]) -> str:
    """Deterministic TriG: one block per named graph, graphs sorted by IRI."""
    text = prefix_block()
    for name, triples in sorted(graphs, key=lambda item: str(item[0])):
        body = _turtle_body(triples, indent="    ")
        text += f"\n<{name}> {{\n" + "\n\n".join(body) + ("\n" if body else "") + "}\n"
    return text


def to_jsonld(triples: Iterable[Triple]) -> str:
    """Deterministic flat expanded JSON-LD: one node object per subject, sorted, full IRIs.

    Why not rdflib's serializer: it embeds a blank node referenced once into the node that
    references it, so a blank node that only points at itself (``_:b p _:b``) vanished from
    its output; and its key order is not stable. Flat expanded form has neither problem and
    every JSON-LD reader accepts it.
    """
    import json

    def node_id(term: Node) -> str:
        return f"_:{term}" if isinstance(term, BNode) else str(term)

    def value(term: Node) -> dict[str, str]:
        if not isinstance(term, Literal):
            return {"@id": node_id(term)}
        out = {"@value": str(term)}
        if term.language:
            out["@language"] = term.language
        elif term.datatype is not None:
            out["@type"] = str(term.datatype)
        return out

    nodes: dict[Node, dict[str, object]] = {}
    for s, p, o in canonical_triples(triples):
        node = nodes.setdefault(s, {"@id": node_id(s)})
        node.setdefault(str(p), []).append(value(o))  # type: ignore[union-attr]
    return json.dumps(list(nodes.values()), indent=2, ensure_ascii=False) + "\n"


def to_ntriples(triples: Iterable[Triple], graph: URIRef | None = None) -> str:
    """Sorted N-Triples (or N-Quads when ``graph`` is given)."""
    suffix = f" <{graph}> .\n" if graph is not None else " .\n"
    triples = list(triples)
    ranked = _ranked(triples)
    if ranked is None:
        return "".join(
            " ".join(term_text(t, prefixed=False) for t in triple) + suffix
            for triple in _canonical_sorting(triples)
        )
    order, terms = ranked
    del triples
    texts = [term_text(term, prefixed=False) for term in terms]
    return "".join([f"{texts[s]} {texts[p]} {texts[o]}{suffix}" for s, p, o in order])


BACKUP_DIR = ".backup"
"""Folder (inside the written file's folder) that holds backups of replaced data files."""
BACKUPS_KEPT = 20
"""How many backups of one data file ``data/.backup/`` keeps (oldest removed first)."""


def backup(path: Path, backup_dir: Path) -> Path | None:
    """Copy ``path`` to ``backup_dir/<name>.<UTC timestamp>`` (fsynced); keep the newest
    ``BACKUPS_KEPT`` per file. Returns the copy, or None when ``path`` does not exist.

    The copy is written to a temp name and renamed, so a writer killed mid-copy leaves no
    half backup under a backup's name (its temp file is removed by the next writer, which
    holds the same lock)."""
    if not path.exists():
        return None
    backup_dir.mkdir(exist_ok=True)
    clean_temp_files(backup_dir)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time_ns() % 10**9:09d}Z"
    copy = backup_dir / f"{path.name}.{stamp}"
    temp = backup_dir / f".{copy.name}.tmp"
    shutil.copyfile(path, temp)
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, copy)
    fsync_dir(backup_dir)
    old = sorted(backup_dir.glob(f"{glob_escape(path.name)}.*Z"))
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)
    return copy


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temp files ``atomic_write`` left in ``folder`` when its process was killed.

    Only call while holding the folder's lock: then no live writer owns such a file.
    """
    removed = []
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def atomic_write(path: Path, data: bytes, backup_dir: Path | None = None) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never half.

    Temp file in the same folder (so the rename cannot cross file systems), fsync, rename,
    fsync the folder so the rename itself survives a crash. With ``backup_dir``, the old
    file is first copied there (see ``backup``).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if backup_dir is not None:
            backup(path, backup_dir)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (best effort where the OS does not allow it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- where is a node defined? ----------------------------------------------------------------

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)
_DIRECTIVE = re.compile(r"^\s*(?:PREFIX|BASE)\b", re.I)


def spellings(text: str, iri: URIRef) -> list[str]:
    """How ``iri`` can be written in this Turtle text: ``<iri>`` and ``p:local`` forms."""
    forms = [f"<{iri}>"]
    declared = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)}
    for prefix, namespace in declared.items():
        value = str(iri)
        if namespace and value.startswith(namespace):
            local = value[len(namespace) :]
            if _LOCAL_NAME.match(local):
                forms.append(f"{prefix}:{local}")
    return forms


def subject_line(text: str, iri: URIRef) -> int | None:
    """1-based line where ``iri`` first starts a statement (appears as a subject), or None.

    Best effort without a parser: strings, IRIs and comments are masked; a statement starts
    at the beginning of the text and after each line whose code ends with ``.`` (or is a
    ``PREFIX``/``BASE`` directive).
    """
    forms = spellings(text, iri)
    masked_lines = mask_text(text).split("\n")
    lines = text.split("\n")
    at_start = True
    for number, (line, code) in enumerate(zip(lines, masked_lines, strict=True), start=1):
        stripped = line.lstrip()
        if at_start and code.strip():
            for form in forms:
                if stripped.startswith(form):
                    rest = stripped[len(form) :]
                    if not rest or rest[0] in " \t;,.":
                        return number
        if code.strip():
            at_start = code.rstrip().endswith(".") or bool(_DIRECTIVE.match(code))
    return None

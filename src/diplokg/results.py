"""Rendering query results: W3C SPARQL results formats, text tables, Markdown, RDF.

Why a module of its own: the CLI, tests and (later) an HTTP endpoint must print the same
bytes for the same result. JSON and XML come from rdflib's serializers, which follow the W3C
SPARQL 1.1 results specifications; CSV and TSV are written here (rdflib has no TSV serializer
and ends CSV lines with LF where the specification says CRLF).
"""

from __future__ import annotations

import csv
import io
import unicodedata

from rdflib.query import Result
from rdflib.term import BNode, Literal, Node

from .errors import FormatError
from .rdfio import term_text, to_ntriples, to_turtle

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
"""Formats for SELECT (and, where it makes sense, ASK) results."""

GRAPH_FORMATS = ("ttl", "nt", "jsonld")
"""Formats for CONSTRUCT and DESCRIBE results."""

ALL_FORMATS = TABULAR_FORMATS + GRAPH_FORMATS


def render(result: Result, fmt: str | None = None) -> str:
    """Render ``result`` as text; ``fmt=None`` picks ``table`` (SELECT/ASK) or ``ttl``."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise FormatError(
                f"format {fmt!r} does not fit a {result.type} query (use one of: "
                f"{', '.join(GRAPH_FORMATS)})"
            )
        return render_graph(list(result.graph or []), fmt)
    fmt = fmt or "table"
    if fmt not in TABULAR_FORMATS:
        raise FormatError(
            f"format {fmt!r} does not fit a {result.type} query (use one of: "
            f"{', '.join(TABULAR_FORMATS)})"
        )
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return _serialize(result, fmt)
        return "true\n" if result.askAnswer else "false\n"
    if fmt in ("json", "xml"):
        return _serialize(result, fmt)
    variables = [str(v) for v in result.vars or []]
    rows = [tuple(row) for row in result]
    if fmt == "csv":
        return csv_text(variables, rows)
    if fmt == "tsv":
        return tsv(variables, rows)
    if fmt == "md":
        return markdown(variables, rows)
    return table(variables, rows)


def render_graph(triples: list, fmt: str) -> str:
    if fmt == "ttl":
        return to_turtle(triples)
    if fmt == "nt":
        return to_ntriples(triples)
    from .rdfio import to_jsonld

    return to_jsonld(triples)


class _ShownLiteral(Literal):
    """A literal that is always truthy.

    rdflib's SPARQL XML writer hands each literal to ``XMLGenerator.characters``, which skips
    falsy content, so ``false``, ``0`` and ``0.0`` came out as empty ``<literal>`` elements.
    """

    def __bool__(self) -> bool:
        return True


def _shown(term: Node | None) -> Node | None:
    if isinstance(term, Literal) and not bool(term):
        return _ShownLiteral(str(term), lang=term.language, datatype=term.datatype)
    return term


def _serialize(result: Result, fmt: str) -> str:
    if fmt == "xml" and result.type == "SELECT":
        fixed = Result("SELECT")
        fixed.vars = result.vars
        fixed.bindings = [{v: _shown(t) for v, t in row.items()} for row in result.bindings]
        result = fixed
    data = result.serialize(format=fmt, encoding="utf-8")
    text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
    return text if text.endswith("\n") else text + "\n"


def csv_text(variables: list[str], rows: list[tuple[Node | None, ...]]) -> str:
    """W3C SPARQL 1.1 CSV: plain names, IRIs and lexical forms only, CRLF line ends.

    rdflib's CSV serializer ends lines with LF; the specification says CRLF.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else _csv_value(t) for t in row])
    return buffer.getvalue()


def _csv_value(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def tsv(variables: list[str], rows: list[tuple[Node | None, ...]]) -> str:
    """W3C SPARQL 1.1 TSV: ``?var`` header, terms in Turtle syntax (full IRIs), tab-separated."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else term_text(t, prefixed=False) for t in row))
    return "\n".join(lines) + "\n"


def cell(term: Node | None) -> str:
    """Human form of a term: prefixed IRI, or a literal's text (with ``@lang`` if any)."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = str(term).replace("\n", " ")
        return f"{text}@{term.language}" if term.language else text
    return term_text(term)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(variables: list[str], rows: list[tuple[Node | None, ...]]) -> str:
    """An aligned text table with a dashed rule under the header, and a row count."""
    cells = [[cell(t) for t in row] for row in rows]
    widths = [max([width(v)] + [width(r[i]) for r in cells]) for i, v in enumerate(variables)]

    def line(values: list[str]) -> str:
        padded = (v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True))
        return "  ".join(padded).rstrip()

    out = [line(variables), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    count = len(rows)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def markdown(variables: list[str], rows: list[tuple[Node | None, ...]]) -> str:
    """A GitHub-flavoured Markdown table (pipes in values escaped)."""

    def esc(value: str) -> str:
        return value.replace("\\", "\\\\").replace("|", "\\|")

    out = ["| " + " | ".join(variables) + " |", "|" + "|".join("---" for _ in variables) + "|"]
    for row in rows:
        out.append("| " + " | ".join(esc(cell(t)) for t in row) + " |")
    return "\n".join(out) + "\n"

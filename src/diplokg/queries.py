"""Saved SPARQL queries: their header, their typed parameters, and safe binding.

Why: a saved query is a small program with inputs. Its header (``#+ summary:``,
``#+ description:``, ``#+ param: NAME TYPE [= DEFAULT] -- text``) is what ``diplokg queries``
lists and what ``-p KEY=VALUE`` is checked against. Values are turned into RDF terms of the
declared type and bound as terms — never pasted into the query text as strings — so a value
can neither break the query nor change its meaning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError, QueryNotFoundError, QueryParameterError
from .namespaces import PREFIXES, sparql_prologue
from .paths import Home
from .rdfio import is_ill_typed, mask_text, quiet_rdflib, read_text

PARAM_TYPES = ("xsd:date", "xsd:gYear", "xsd:gYearMonth", "xsd:string", "xsd:integer", "iri")
"""The parameter types a ``#+ param:`` line may declare."""

_HEADER = re.compile(r"^#\+\s?(.*)$")
_KEY = re.compile(r"^([A-Za-z][A-Za-z_-]*):\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)"
    r"(?:\s*=\s*(?P<default>.*?))?(?:\s+--\s*(?P<doc>.*))?$"
)
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:(.*)$")
_IRI_CHARS = re.compile(r'^[^\s<>"{}|^`\\]+$')
_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Parameter:
    """One declared query parameter; the query uses it as the variable ``?name``."""

    name: str
    type: str
    default: str | None = None
    description: str = ""

    def to_term(self, value: str) -> Node:
        """Convert a command-line value to an RDF term of the declared type, or refuse it."""
        return parse_value(self.name, self.type, value)


@dataclass(frozen=True)
class SavedQuery:
    """A query file with its parsed header."""

    name: str
    text: str
    path: Path | None = None
    summary: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    @classmethod
    def from_text(cls, text: str, name: str = "<query>", path: Path | None = None) -> SavedQuery:
        """Read the ``#+`` header at the top of ``text`` (comment lines before the prologue)."""
        fields: dict[str, list[str]] = {}
        params: list[Parameter] = []
        last: str | None = None
        where = str(path) if path else name
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.rstrip()
            if not line.strip():
                continue
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match is None:
                last = None
                continue
            body = match.group(1)
            key = _KEY.match(body) if not body.startswith("  ") else None
            if key is None:
                if last is not None and body.strip():
                    fields[last].append(body.strip())
                continue
            last, value = key.group(1).lower(), key.group(2).strip()
            if last == "param":
                params.append(_parse_param(value, f"{where}:{number}"))
                last = None
            else:
                fields.setdefault(last, []).append(value)
        names = [p.name for p in params]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"{where}: parameter declared twice: {', '.join(duplicates)}")
        return cls(
            name=name,
            text=text,
            path=path,
            summary=" ".join(fields.get("summary", [])),
            description=" ".join(fields.get("description", [])),
            parameters=tuple(params),
        )

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> SavedQuery:
        return cls.from_text(read_text(path), name=name or path.stem, path=path)

    def bind(self, params: Mapping[str, str] | None = None) -> dict[str, Node]:
        """Check ``params`` against the declaration and return ``{name: term}``.

        Unknown names and missing required values are ``QueryParameterError``; declared
        defaults fill in what was not given.
        """
        given = dict(params or {})
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise QueryParameterError(
                f"unknown parameter {unknown[0]!r} for query {self.name!r} (parameters: {known})"
            )
        bound: dict[str, Node] = {}
        for param in self.parameters:
            if param.name in given:
                bound[param.name] = param.to_term(given[param.name])
            elif param.default is not None:
                bound[param.name] = param.to_term(param.default)
            else:
                raise QueryParameterError(
                    f"missing parameter {param.name!r} ({param.type}) for query {self.name!r}:"
                    f" pass -p {param.name}=VALUE"
                )
        return bound

    def portable_text(self, params: Mapping[str, str] | None = None) -> str:
        """The query with its bound values as a ``VALUES`` block, for any SPARQL engine."""
        return with_values(self.text, self.bind(params))


def _parse_param(spec: str, where: str) -> Parameter:
    match = _PARAM.match(spec)
    if match is None:
        raise InputError(
            f"{where}: malformed '#+ param:' line; expected 'NAME TYPE [= DEFAULT] -- text'"
        )
    ptype = match.group("type")
    if ptype not in PARAM_TYPES:
        raise InputError(
            f"{where}: parameter {match.group('name')!r} has unknown type {ptype!r}"
            f" (one of: {', '.join(PARAM_TYPES)})"
        )
    default = match.group("default")
    param = Parameter(
        name=match.group("name"),
        type=ptype,
        default=default.strip() if default is not None and default.strip() else None,
        description=(match.group("doc") or "").strip(),
    )
    if param.default is not None:
        try:
            param.to_term(param.default)
        except QueryParameterError as exc:
            raise InputError(f"{where}: bad default: {exc}") from None
    return param


def parse_value(name: str, ptype: str, value: str) -> Node:
    """The RDF term for ``value`` read as ``ptype``; ``QueryParameterError`` if ill-typed."""
    if ptype == "iri":
        return _parse_iri(name, value)
    if ptype == "xsd:string":
        return Literal(value, datatype=XSD.string)
    datatype = XSD[ptype.split(":", 1)[1]]
    if ptype == "xsd:integer" and not _INTEGER.match(value):
        raise QueryParameterError(f"parameter {name!r}: {value!r} is not a valid {ptype}")
    with quiet_rdflib():
        literal = Literal(value, datatype=datatype)
    if is_ill_typed(literal):
        raise QueryParameterError(f"parameter {name!r}: {value!r} is not a valid {ptype}")
    return literal


def _parse_iri(name: str, value: str) -> URIRef:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif "://" not in text and not text.startswith("urn:"):
        match = _PREFIXED.match(text)
        if match and (match.group(1) or "") in PREFIXES:
            text = str(PREFIXES[match.group(1) or ""]) + match.group(2)
        elif match:
            raise QueryParameterError(
                f"parameter {name!r}: unknown prefix {match.group(1)!r} in {value!r}"
            )
        else:
            raise QueryParameterError(
                f"parameter {name!r}: {value!r} is not an IRI or a prefixed name"
            )
    if not _IRI_CHARS.match(text):
        raise QueryParameterError(f"parameter {name!r}: {value!r} is not a valid IRI")
    return URIRef(text)


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["date=2000-01-01"]`` → ``{"date": "2000-01-01"}``; the last of repeated keys wins."""
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryParameterError(f"parameter {pair!r} must look like KEY=VALUE")
        result[key.strip()] = value
    return result


# --- portable binding: a VALUES block at the top of the WHERE clause ------------------------

_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.I)
_WHERE = re.compile(r"\bWHERE\b", re.I)


def with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """Insert ``VALUES (?a ?b) { (t1 t2) }`` as the first element of the query's WHERE group.

    Why there and not after the query: a trailing ``VALUES`` is joined after the WHERE
    clause, so ``FILTER``s would not see the values; at the head of the group they do, like
    rdflib's ``initBindings``. Terms are written with ``Node.n3()`` (full IRIs), so the text
    needs no prefixes of ours.
    """
    if not bindings:
        return text
    masked = mask_text(text)
    form = _FORM.search(masked)
    if form is None:
        raise InputError("cannot bind parameters: no SELECT/CONSTRUCT/DESCRIBE/ASK in query")
    start = form.end()
    where = _WHERE.search(masked, start)
    if where is not None:
        brace = masked.find("{", where.end())
    elif form.group(1).upper() == "CONSTRUCT":
        raise InputError("cannot bind parameters: CONSTRUCT query without WHERE")
    else:
        brace = masked.find("{", start)
    if brace < 0:
        raise InputError("cannot bind parameters: query has no WHERE group")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}"
    return text[: brace + 1] + block + text[brace + 1 :]


def list_saved(home: Home) -> list[SavedQuery]:
    """Saved queries of ``home``: reports (``queries/*.rq``) then checks (``checks/NAME``)."""
    found = []
    if home.queries_dir.is_dir():
        for path in sorted(home.queries_dir.glob("*.rq")):
            found.append(SavedQuery.from_file(path))
    if home.checks_dir.is_dir():
        for path in sorted(home.checks_dir.glob("*.rq")):
            found.append(SavedQuery.from_file(path, name=f"checks/{path.stem}"))
    return found


def resolve_query(home: Home, name_or_text: str) -> SavedQuery:
    """Find a query: literal SPARQL text (anything with a ``{`` or a space, not ending in
    ``.rq``; our PREFIX block is put in front), a ``.rq`` path, or a saved name
    (``status-on-date``, ``checks/x-violation``)."""
    candidate = name_or_text.strip()
    if "{" in candidate or (not candidate.endswith(".rq") and re.search(r"\s", candidate)):
        return SavedQuery.from_text(sparql_prologue() + name_or_text, name="<query>")
    if candidate.endswith(".rq"):
        path = Path(candidate)
        if path.is_file():
            return SavedQuery.from_file(path)
        in_home = home.queries_dir / candidate
        if in_home.is_file():
            return SavedQuery.from_file(in_home, name=candidate[:-3])
        raise QueryNotFoundError(f"{candidate}: no such query file")
    path = home.queries_dir / f"{candidate}.rq"
    if candidate and ".." not in candidate and path.is_file():
        return SavedQuery.from_file(path, name=candidate)
    known = ", ".join(q.name for q in list_saved(home)) or "none"
    raise QueryNotFoundError(f"unknown query {candidate!r} (saved queries: {known})")


def variable_bindings(bound: Mapping[str, Node]) -> dict[Variable, Node]:
    """``{name: term}`` → rdflib ``initBindings``."""
    return {Variable(name): term for name, term in bound.items()}

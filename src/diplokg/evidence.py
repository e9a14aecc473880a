"""Locate quotes in source texts and write the Web Annotation evidence for them.

Why: every fact in ``data/`` points at the exact sentence it came from with a
``oa:TextQuoteSelector`` (the verbatim quote) and a ``oa:TextPositionSelector`` (its
offsets). Offsets count Unicode code points from 0 in the UTF-8 decoded source file, end
exclusive — the same as Python string slicing, so ``text[start:end] == quote``.

The evidence node's IRI is derived from the source and the offsets, so the same quote always
gets the same IRI and two facts citing the same sentence share one node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .rdfio import escape_string


class QuoteNotFound(ValueError):
    """The quote is not a verbatim substring of the source text."""


class AmbiguousQuote(ValueError):
    """The quote occurs more than once; give a longer quote or an explicit occurrence."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def read_source(path: Path) -> str:
    """Read a source text exactly as stored (UTF-8, no newline translation)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def locate(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Return the span of ``quote`` in ``text``.

    ``occurrence`` (0-based) picks one when the quote appears several times; without it an
    ambiguous quote is an error, so that nobody silently cites the wrong sentence.
    """
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise QuoteNotFound(f"quote not found in source: {quote!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise AmbiguousQuote(
                f"quote occurs {len(starts)} times (at {starts}); pass an occurrence: {quote!r}"
            )
        occurrence = 0
    start = starts[occurrence]
    return Span(start, start + len(quote))


def evidence_slug(source_key: str, span: Span) -> str:
    """Local name of an evidence node under ``dkid:``, e.g. ``ev-001-120-245``."""
    return f"ev-{source_key}-{span.start}-{span.end}"


def evidence_turtle(source_key: str, text: str, quote: str, occurrence: int | None = None) -> str:
    """The Turtle block for one piece of evidence (to paste into a data file)."""
    span = locate(text, quote, occurrence)
    slug = evidence_slug(source_key, span)
    return (
        f"dkid:{slug} a dk:Evidence ;\n"
        f"    oa:hasSource dkid:src-{source_key} ;\n"
        f"    oa:hasSelector dkid:{slug}-quote , dkid:{slug}-pos .\n"
        f"dkid:{slug}-quote a oa:TextQuoteSelector ;\n"
        f"    oa:exact {escape_string(quote)} .\n"
        f"dkid:{slug}-pos a oa:TextPositionSelector ;\n"
        f"    oa:start {span.start} ;\n"
        f"    oa:end {span.end} .\n"
    )

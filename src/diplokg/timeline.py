"""The history of a bilateral relationship as a picture: phases, dated events, undated events.

Why a module of its own: the picture must be drawn from the graph, never from hand-typed
dates, and a test must be able to check what it was drawn from. So the work is split in two:

* ``build_timeline`` asks the graph (SPARQL over the ``KnowledgeGraph``) and returns a
  ``Timeline`` — plain data, serialisable with ``to_json`` (``docs/img/timeline.json`` is
  the data of ``docs/img/timeline.svg``);
* ``render_timeline`` draws a ``Timeline`` with matplotlib (Agg, no display) and writes SVG or
  PNG. SVG output is deterministic (fixed ``svg.hashsalt``, no date in the metadata) and keeps
  text as ``<text>`` so labels can be searched.

Where the rows come from. The events are the rows of the saved query ``queries/timeline.rq``
(one row per event and quote), reduced to one entry per event: ``event``, ``eventLabel``,
``type``, ``typeLabel`` and ``date`` are taken over as they are; the quote columns are left
out. Three small queries of this module add what the saved query does not give: the
relationship and its parties, its phases (``dk:RelationshipPhase``), and for each event the
families of its class, the country a visit went to and the event it is part of — enough to put
the event in a lane.

How dates are drawn. A date at day precision (``xsd:date``) is a point; ``xsd:gYearMonth``
and ``xsd:gYear`` are bars as wide as the month or the year, because the source says no
more. Events without a date are never placed on the axis: they are listed under the axis in
"date not stated". When one stretch of time holds most events and a long quiet gap separates
it from the rest (1996–2025 here), the axis is broken in two, each part with its own scale.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .errors import FormatError, UnknownTermError
from .namespaces import DK
from .paths import output_suffix
from .queries import SavedQuery
from .rdfio import term_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .graph import KnowledgeGraph

TIMELINE_QUERY = "timeline"
"""The saved query the events come from (``queries/timeline.rq``)."""

FORMATS = (".svg", ".png")
"""Suffixes ``render_timeline`` can write."""

# --- the graph side ---------------------------------------------------------------------------

_HEAD = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dk:   <https://w3id.org/diplokg/ontology#>
"""

RELATIONSHIPS_QUERY = SavedQuery.from_text(
    "#+ summary: Bilateral relationships, their parties and labels.\n"
    + _HEAD
    + """SELECT ?relationship ?label ?party ?partyLabel ?country WHERE {
  ?relationship a dk:BilateralRelationship ; dk:party ?party .
  OPTIONAL { ?party dk:regimeOf ?regimeOf }
  BIND (COALESCE(?regimeOf, ?party) AS ?country)
  OPTIONAL { ?relationship rdfs:label ?label . FILTER (LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?party rdfs:label ?partyLabel . FILTER (LANGMATCHES(LANG(?partyLabel), "en")) }
}
ORDER BY ?relationship ?partyLabel ?party
""",
    name="timeline-relationships",
)

PHASES_QUERY = SavedQuery.from_text(
    "#+ summary: The status phases of a relationship, oldest first.\n"
    "#+ param: relationship iri -- The bilateral relationship.\n"
    + _HEAD
    + """SELECT ?phase ?status ?statusLabel ?start ?end WHERE {
  ?phase a dk:RelationshipPhase ;
         dk:phaseOf ?relationship ;
         dk:status ?status ;
         dk:startDate ?start .
  OPTIONAL { ?phase dk:endDate ?end }
  OPTIONAL { ?status rdfs:label ?statusLabel . FILTER (LANGMATCHES(LANG(?statusLabel), "en")) }
}
ORDER BY STR(?start) ?phase
""",
    name="timeline-phases",
)

LANE_FACTS_QUERY = SavedQuery.from_text(
    "#+ summary: For each event of a relationship: its lane families, visit destination, whole.\n"
    "#+ param: relationship iri -- The bilateral relationship.\n"
    + _HEAD
    + """SELECT DISTINCT ?event ?family ?hostCountry ?whole WHERE {
  ?event dk:partOf* ?top .
  ?top dk:relationship ?relationship .
  {
    ?event a ?type .
    ?type rdfs:subClassOf* ?family .
    VALUES ?family { dk:RelationsChange dk:Visit dk:TreatySigning dk:CooperationAgreement
                     dk:Meeting dk:Welcome dk:Statement }
  } UNION {
    ?event dk:host ?host .
    OPTIONAL { ?host dk:regimeOf ?hostRegimeOf }
    BIND (COALESCE(?hostRegimeOf, ?host) AS ?hostCountry)
  } UNION {
    ?event dk:partOf ?whole .
  }
}
ORDER BY ?event ?family ?hostCountry ?whole
""",
    name="timeline-lane-facts",
)

_FAMILY_LANES = (
    (DK.RelationsChange, "relations"),
    (DK.Visit, "visits"),
    (DK.TreatySigning, "agreements"),
    (DK.CooperationAgreement, "agreements"),
    (DK.Meeting, "talks"),
    (DK.Welcome, "talks"),
    (DK.Statement, "talks"),
)


@dataclass(frozen=True)
class When:
    """A date at the precision the source gives: the half-open span ``[start, end)``."""

    lexical: str
    precision: str  # "year", "month" or "day"
    start: date
    end: date

    @classmethod
    def parse(cls, value: Literal | str) -> When:
        text = str(value)
        datatype = value.datatype if isinstance(value, Literal) else None
        core = re.match(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?", text)
        if core is None:
            raise ValueError(f"not a date: {text!r}")
        year, month, day = (int(g) if g else None for g in core.groups())
        if datatype == XSD.gYear or month is None:
            return cls(text, "year", date(year, 1, 1), date(year + 1, 1, 1))
        if datatype == XSD.gYearMonth or day is None:
            following = date(year + month // 12, month % 12 + 1, 1)
            return cls(text, "month", date(year, month, 1), following)
        start = date(year, month, day)
        return cls(text, "day", start, start + timedelta(days=1))


@dataclass(frozen=True)
class TimelineEvent:
    """One event of the relationship, as the figure uses it."""

    event: str
    label: str
    type: str
    typeLabel: str
    date: str | None
    lane: str
    partOf: tuple[str, ...] = ()

    @property
    def when(self) -> When | None:
        return None if self.date is None else When.parse(self.date)


@dataclass(frozen=True)
class Phase:
    """A status phase: ``[start, end)``; ``end`` is ``None`` for the current phase."""

    phase: str
    status: str
    statusLabel: str
    start: str
    end: str | None


@dataclass(frozen=True)
class Lane:
    key: str
    title: str


@dataclass
class Timeline:
    """Everything the figure shows, and nothing it does not."""

    relationship: str
    label: str
    parties: tuple[str, str]
    lanes: tuple[Lane, ...]
    phases: list[Phase] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def dated(self) -> list[TimelineEvent]:
        return [e for e in self.events if e.date is not None]

    @property
    def undated(self) -> list[TimelineEvent]:
        return [e for e in self.events if e.date is None]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["parties"] = list(self.parties)
        for event in data["events"]:
            event["partOf"] = list(event["partOf"])
        return data

    def to_json(self) -> str:
        """Stable JSON (same graph, same bytes): the data the picture is drawn from."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def find_relationship(kg: KnowledgeGraph, between: tuple[str, str] | None = None):
    """``(relationship IRI, its label, (party A label, party B label))``.

    ``between`` names the two parties (IRI, prefixed name or label, as for ``describe``; a
    regime stands for its country). Without it, the default relationship of
    ``queries/timeline.rq`` is used, parties in label order.
    """
    from .describe import resolve_term

    rows = list(kg.query(RELATIONSHIPS_QUERY))
    labels: dict[URIRef, str] = {}
    parties: dict[URIRef, dict[URIRef, str]] = {}
    for row in rows:
        rel, label, party, party_label, country = row
        labels[rel] = str(label) if label is not None else term_text(rel)
        parties.setdefault(rel, {})[country] = (
            str(party_label) if party_label is not None else term_text(party)
        )
    if between is None:
        default = _default_relationship(kg)
        if default not in parties:
            raise UnknownTermError(
                f"the default relationship {term_text(default)} has no parties in the graph"
            )
        names = sorted(parties[default].values())
        return default, labels[default], (names[0], names[1])
    graph = kg.union()
    wanted = []
    for text in between:
        term = resolve_term(graph, text)
        wanted.append(graph.value(term, DK.regimeOf) or term)
    for rel in sorted(parties, key=str):
        if wanted[0] in parties[rel] and wanted[1] in parties[rel] and wanted[0] != wanted[1]:
            return rel, labels[rel], (parties[rel][wanted[0]], parties[rel][wanted[1]])
    raise UnknownTermError(
        f"no bilateral relationship between {between[0]!r} and {between[1]!r} in the graph"
    )


def _default_relationship(kg: KnowledgeGraph) -> URIRef:
    saved = next(q for q in kg.saved_queries() if q.name == TIMELINE_QUERY)
    return URIRef(saved.bind({})["relationship"])


def timeline_rows(kg: KnowledgeGraph, relationship: URIRef) -> list[dict[str, str | None]]:
    """The rows of ``queries/timeline.rq`` for ``relationship``, as ``{variable: text}``."""
    result = kg.query(TIMELINE_QUERY, {"relationship": str(relationship)})
    names = [str(v) for v in result.vars or []]
    return [
        {n: (None if t is None else str(t)) for n, t in zip(names, row, strict=True)}
        for row in result
    ]


def build_timeline(kg: KnowledgeGraph, between: tuple[str, str] | None = None) -> Timeline:
    """Ask the graph for the phases and events of one bilateral relationship."""
    relationship, label, (side_a, side_b) = find_relationship(kg, between)
    countries = _party_countries(kg, relationship, (side_a, side_b))
    lanes = (
        Lane("relations", "status changes"),
        Lane("visits-ab", f"visits {_nbsp(side_a)}\u00a0→\u00a0{_nbsp(side_b)}"),
        Lane("visits-ba", f"visits {_nbsp(side_b)}\u00a0→\u00a0{_nbsp(side_a)}"),
        Lane("agreements", "agreements"),
        Lane("talks", "meetings and statements"),
        Lane("other", "other events"),
    )
    params = {"relationship": str(relationship)}
    families: dict[str, set[URIRef]] = {}
    hosts: dict[str, URIRef] = {}
    wholes: dict[str, list[str]] = {}
    for event, family, host, whole in kg.query(LANE_FACTS_QUERY, params):
        key = str(event)
        if family is not None:
            families.setdefault(key, set()).add(family)
        if host is not None:
            hosts.setdefault(key, host)
        if whole is not None:
            wholes.setdefault(key, []).append(str(whole))

    def lane_of(event: str) -> str:
        for family, lane in _FAMILY_LANES:
            if family in families.get(event, set()):
                if lane != "visits":
                    return lane
                host = hosts.get(event)
                if host == countries[1]:
                    return "visits-ab"
                if host == countries[0]:
                    return "visits-ba"
                return "other"
        return "other"

    events: dict[str, TimelineEvent] = {}
    for row in timeline_rows(kg, relationship):
        key = row["event"]
        if key is None or key in events:
            continue
        events[key] = TimelineEvent(
            event=key,
            label=row.get("eventLabel") or term_text(URIRef(key)),
            type=row.get("type") or "",
            typeLabel=row.get("typeLabel") or "",
            date=row.get("date"),
            lane=lane_of(key),
            partOf=tuple(sorted(set(wholes.get(key, [])))),
        )
    phases = [
        Phase(
            phase=str(p),
            status=str(s),
            statusLabel=str(sl) if sl is not None else term_text(s),
            start=str(start),
            end=None if end is None else str(end),
        )
        for p, s, sl, start, end in kg.query(PHASES_QUERY, params)
    ]
    return Timeline(
        relationship=str(relationship),
        label=label,
        parties=(side_a, side_b),
        lanes=lanes,
        phases=phases,
        events=list(events.values()),
    )


def _nbsp(text: str) -> str:
    """Keep a name on one line when a title is wrapped."""
    return text.replace(" ", "\u00a0")


def _party_countries(kg, relationship: URIRef, names: tuple[str, str]) -> tuple[URIRef, URIRef]:
    by_label: dict[str, URIRef] = {}
    for rel, _label, party, party_label, country in kg.query(RELATIONSHIPS_QUERY):
        if rel == relationship:
            by_label[str(party_label) if party_label is not None else term_text(party)] = country
    return by_label[names[0]], by_label[names[1]]


# --- the picture --------------------------------------------------------------------------

STATUS_COLOURS = {
    "established": "#a6dba0",
    "severed": "#f4a582",
    "restored": "#92c5de",
    "comprehensivePartnership": "#c2a5cf",
}
"""Band colour per status (local name of the ``dk:`` status); others are grey."""

LANE_COLOURS = {
    "relations": "#222222",
    "visits-ab": "#d95f02",
    "visits-ba": "#1b9e77",
    "agreements": "#7570b3",
    "talks": "#1f78b4",
    "other": "#666666",
}

FONT = 7.5  # points
ROW = 0.175  # inches per label row
WIDTH = 9.5  # inches; 950 px at 100 dpi, fits a README column
LANE_TITLE = 1.6  # inches kept on the left for lane titles
DPI = 100
MAX_LABEL = 90
GAP = 0.07  # inches between a marker and its label


def short_label(event: TimelineEvent) -> str:
    """The event's label without a trailing date (the axis shows it), cut at a word."""
    text = re.sub(r",\s*\d{4}(-\d\d){0,2}$", "", event.label)
    text = re.sub(r"\s*\((?:[A-Z][a-z]+ )?\d{4}\)$", "", text)
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


@dataclass
class _Segment:
    """One part of a (possibly broken) time axis, from day ``start`` to day ``stop``."""

    start: date
    stop: date
    width: float = 0.0  # inches
    left: float = 0.0  # inches from the figure's left edge

    @property
    def lo(self) -> float:
        return _year_fraction(self.start)

    @property
    def hi(self) -> float:
        return _year_fraction(self.stop)

    @property
    def months(self) -> bool:
        return (self.stop - self.start).days < 2 * 365

    @property
    def scale(self) -> float:
        """Years per inch."""
        return (self.hi - self.lo) / self.width


def _segments(timeline: Timeline) -> list[_Segment]:
    """One segment, or two when one quiet gap takes over half of the whole span.

    A long segment runs over whole years with a year to spare at each end; a short one (the
    dense part after the gap) over whole months, from a month before its first date.
    """
    points: list[date] = []
    for event in timeline.dated:
        points += [event.when.start, event.when.end - timedelta(days=1)]
    for phase in timeline.phases:
        points.append(When.parse(phase.start).start)
        if phase.end:
            points.append(When.parse(phase.end).start)
    if not points:
        today = date.today()
        return [_Segment(date(today.year - 1, 1, 1), date(today.year + 2, 1, 1))]
    points.sort()
    span = (points[-1] - points[0]).days
    gap, at = (
        max(((b - a).days, i) for i, (a, b) in enumerate(zip(points, points[1:], strict=False)))
        if len(points) > 1
        else (0, 0)
    )

    def years(first: date, last: date) -> _Segment:
        return _Segment(date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))

    if span > 5 * 365 and gap > 0.5 * span:
        first, last = points[at + 1], points[-1]
        if (last - first).days < 2 * 365:
            start = date(first.year, first.month, 1) - timedelta(days=15)
            stop = _add_months(date(last.year, last.month, 1), 1) + timedelta(days=10)
            dense = _Segment(start, stop)
        else:
            dense = years(first, last)
        return [years(points[0], points[at]), dense]
    return [years(points[0], points[-1])]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _fit(text: str, room: float) -> str:
    """``text`` cut at a word (with an ellipsis) so that it is at most ``room`` inches wide."""
    if _text_width_in(text) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:–-") + "…"
        if _text_width_in(candidate) <= room:
            return candidate
    return words[0][:3] + "…"


def _text_width_in(text: str, size: float = FONT) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=size), ismath=False
    )
    return width / 72


@dataclass
class _Item:
    event: TimelineEvent
    segment: int
    x0: float
    x1: float
    text: str
    right: bool = True  # label to the right of the marker
    row: int = 0


def _layout(timeline: Timeline, segments: list[_Segment]) -> tuple[list[_Item], dict[str, int]]:
    """Place each dated event in a segment and a row of its lane, labels not overlapping.

    A label goes right of its marker if it fits in the segment there, else left; if it fits
    on neither side it is shortened to the larger side. Rows are filled greedily, oldest first.
    """
    items: list[_Item] = []
    for event in sorted(timeline.dated, key=lambda e: (e.when.start, e.label, e.event)):
        when = event.when
        x0, x1 = _year_fraction(when.start), _year_fraction(when.end)
        index = next(
            (i for i, s in enumerate(segments) if s.start <= when.start < s.stop),
            len(segments) - 1,
        )
        items.append(_Item(event, index, x0, x1, short_label(event)))
    rows: dict[str, int] = {lane.key: 1 for lane in timeline.lanes}
    taken: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    previous_date: dict[tuple[str, int], str | None] = {}
    for item in items:
        lane, seg = item.event.lane, segments[item.segment]
        key = (lane, item.segment)
        if previous_date.get(key) != item.event.date:
            item.text = f"{item.event.date}  {item.text}"
        previous_date[key] = item.event.date
        gap, pad = GAP * seg.scale, 0.06 * seg.scale
        start, end = max(item.x0, seg.lo), min(item.x1, seg.hi)
        room_right = (seg.hi - end - gap) / seg.scale
        room_left = (start - gap - seg.lo) / seg.scale
        text_w = _text_width_in(item.text)
        item.right = text_w <= room_right or (text_w > room_left and room_right >= room_left)
        item.text = _fit(item.text, room_right if item.right else room_left)
        text_w = _text_width_in(item.text) * seg.scale
        if item.right:
            interval = (start - pad, end + gap + text_w + pad)
        else:
            interval = (start - gap - text_w - pad, end + pad)
        row = 0
        while any(
            interval[0] < b and a < interval[1] for a, b in taken.get((lane, item.segment, row), [])
        ):
            row += 1
        item.row = row
        taken.setdefault((lane, item.segment, row), []).append(interval)
        rows[lane] = max(rows[lane], row + 1)
    return items, rows


def draw_timeline(timeline: Timeline) -> Figure:
    """The figure: phase bands, one lane per kind of event, undated events listed below."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    segments = _segments(timeline)
    usable = WIDTH - LANE_TITLE - 0.2 - 0.18 * (len(segments) - 1)
    if len(segments) == 2:
        segments[0].width, segments[1].width = usable * 0.45, usable * 0.55
    else:
        segments[0].width = usable
    x = LANE_TITLE
    for seg in segments:
        seg.left = x
        x += seg.width + 0.18
    items, rows = _layout(timeline, segments)

    undated_blocks = _undated_blocks(timeline)
    undated_lines = max((len(lines) for _, lines in undated_blocks), default=0)
    top, strip, axis_h = 0.72, 0.3, 0.42
    lanes_h = sum(rows[lane.key] for lane in timeline.lanes) * ROW + 0.12 * len(timeline.lanes)
    undated_h = (0.56 + undated_lines * ROW * 0.95) if undated_blocks else 0.0
    height = top + strip + lanes_h + axis_h + undated_h + 0.1
    fig = Figure(figsize=(WIDTH, height), dpi=DPI)

    def box(left: float, bottom: float, width: float, h: float):
        return [left / WIDTH, bottom / height, width / WIDTH, h / height]

    total_rows = sum(rows[lane.key] for lane in timeline.lanes)
    y_span = total_rows + 0.7 * len(timeline.lanes)
    lane_bottom = undated_h + axis_h
    axes = []
    for index, seg in enumerate(segments):
        ax = fig.add_axes(box(seg.left, lane_bottom, seg.width, lanes_h))
        strip_ax = fig.add_axes(box(seg.left, lane_bottom + lanes_h, seg.width, strip), sharex=ax)
        ax.set_xlim(seg.lo, seg.hi)
        ax.set_ylim(y_span, 0)
        ax.set_yticks([])
        strip_ax.set_ylim(0, 1)
        strip_ax.set_yticks([])
        strip_ax.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        for spine in strip_ax.spines.values():
            spine.set_visible(False)
        if len(segments) > 1 and index < len(segments) - 1:
            ax.spines["right"].set_visible(False)
        _ticks(ax, seg)
        _phases(ax, strip_ax, seg, timeline)
        axes.append(ax)

    # lanes: separators and titles
    lane_top: dict[str, float] = {}
    y = 0.0
    for number, lane in enumerate(timeline.lanes):
        lane_top[lane.key] = y + 0.35
        height_rows = rows[lane.key] + 0.7
        if number % 2 == 1:
            for ax in axes:
                ax.axhspan(y, y + height_rows, color="#000000", alpha=0.035, lw=0, zorder=0.5)
        fig.text(
            (LANE_TITLE - 0.1) / WIDTH,
            1 - (top + strip + (y + height_rows / 2) / y_span * lanes_h) / height,
            "\n".join(_wrap(lane.title, (LANE_TITLE - 0.2) * 0.85)),
            ha="right",
            va="center",
            multialignment="right",
            fontsize=FONT + 0.5,
            color=LANE_COLOURS[lane.key],
            fontweight="bold",
            wrap=False,
        )
        y += height_rows

    for item in items:
        ax, seg = axes[item.segment], segments[item.segment]
        colour = LANE_COLOURS[item.event.lane]
        yy = lane_top[item.event.lane] + item.row + 0.5
        precision = item.event.when.precision
        if precision == "day":
            ax.plot(
                [item.x0], [yy], marker="D", ms=4.2, color=colour, mec="white", mew=0.5, zorder=4
            )
            tip0 = tip1 = item.x0
        else:
            ax.add_patch(
                Rectangle(
                    (item.x0, yy - 0.28),
                    item.x1 - item.x0,
                    0.56,
                    facecolor=colour,
                    alpha=0.45,
                    edgecolor=colour,
                    lw=0.8,
                    zorder=4,
                )
            )
            tip0, tip1 = item.x0, item.x1
        gap = GAP * seg.scale
        if item.right:
            ax.text(tip1 + gap, yy, item.text, va="center", ha="left", fontsize=FONT, zorder=5)
        else:
            ax.text(tip0 - gap, yy, item.text, va="center", ha="right", fontsize=FONT, zorder=5)

    for lane in timeline.lanes:
        if not any(i.event.lane == lane.key for i in items):
            count = sum(1 for e in timeline.undated if e.lane == lane.key)
            note = "no dated events" + (f" ({count} undated, listed below)" if count else "")
            axes[0].text(
                segments[0].lo + 0.01 * (segments[0].hi - segments[0].lo),
                lane_top[lane.key] + 0.5,
                note,
                va="center",
                ha="left",
                fontsize=FONT,
                style="italic",
                color="#777777",
            )

    if len(segments) == 2:
        _break_marks(fig, segments, lane_bottom, lanes_h + strip, height)

    years = sorted(e.when.start.year for e in timeline.dated)
    span = "" if not years else f", {years[0]}" + (f"–{years[-1]}" if years[-1] != years[0] else "")
    title = f"{timeline.label}{span}: status phases and events in the graph"
    fig.text(0.1 / WIDTH, 1 - 0.22 / height, title, fontsize=FONT + 3.5, fontweight="bold")
    legend = [
        Patch(facecolor=STATUS_COLOURS.get(_local(p.status), "#dddddd"), label=p.statusLabel)
        for p in timeline.phases
    ]
    seen: list[str] = []
    legend = [h for h in legend if not (h.get_label() in seen or seen.append(h.get_label()))]
    from matplotlib.lines import Line2D

    legend += [
        Line2D([], [], marker="D", ls="", color="#444444", ms=4.5, label="day given"),
        Patch(facecolor="#44444473", edgecolor="#444444", label="only month or year given"),
    ]
    fig.legend(
        handles=legend,
        loc="upper left",
        bbox_to_anchor=(0.1 / WIDTH, 1 - 0.33 / height),
        ncol=len(legend),
        fontsize=FONT,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.4,
        borderaxespad=0,
        borderpad=0,
    )

    if undated_blocks:
        _draw_undated(fig, undated_blocks, undated_h, height)
    return fig


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _ticks(ax, seg: _Segment) -> None:
    ax.tick_params(axis="x", labelsize=FONT, length=3, color="#888888")
    if seg.months:
        ticks, labels = [], []
        month = _add_months(seg.start, 0 if seg.start.day == 1 else 1)
        while month <= seg.stop:
            ticks.append(_year_fraction(month))
            first = not labels or month.month == 1
            labels.append(
                f"{_MONTHS[month.month - 1]}\n{month.year}" if first else _MONTHS[month.month - 1]
            )
            month = _add_months(month, 1)
        ax.set_xticks(ticks, labels)
    else:
        span = seg.hi - seg.lo
        step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 45 else 10
        first = int(seg.lo) + (-int(seg.lo)) % step
        ticks = list(range(first, int(seg.hi) + 1, step))
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.set_xticks(list(range(int(seg.lo), int(seg.hi) + 1)), minor=True)
        ax.tick_params(axis="x", which="minor", length=1.5, color="#aaaaaa")
    ax.grid(axis="x", which="major", color="#000000", alpha=0.07, lw=0.6)


def _phases(ax, strip_ax, seg: _Segment, timeline: Timeline) -> None:
    from matplotlib.patches import Rectangle

    for phase in timeline.phases:
        start = _year_fraction(When.parse(phase.start).start)
        end = _year_fraction(When.parse(phase.end).start) if phase.end else seg.hi
        lo, hi = max(start, seg.lo), min(end, seg.hi)
        if hi <= lo:
            continue
        colour = STATUS_COLOURS.get(_local(phase.status), "#dddddd")
        ax.axvspan(lo, hi, color=colour, alpha=0.22, lw=0, zorder=0)
        strip_ax.add_patch(
            Rectangle((lo, 0.08), hi - lo, 0.84, facecolor=colour, edgecolor="white", lw=1)
        )
        text = phase.statusLabel + ("" if phase.end else " →")
        width = _text_width_in(text, FONT) * seg.scale
        room = (hi - lo) * 0.95 / seg.scale
        if width < (hi - lo) * 0.95:
            strip_ax.text(
                (lo + hi) / 2, 0.5, text, ha="center", va="center", fontsize=FONT, zorder=3
            )
        elif len(lines := _wrap(text, room)) <= 2 and all(
            _text_width_in(line, FONT - 0.5) <= room for line in lines
        ):
            strip_ax.text(
                (lo + hi) / 2,
                0.5,
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=FONT - 0.5,
                linespacing=1.0,
                zorder=3,
            )
        elif not phase.end:
            strip_ax.text(
                hi, 1.12, text, ha="right", va="bottom", fontsize=FONT, clip_on=False, zorder=3
            )
        else:
            short = phase.statusLabel[:3] + "."
            strip_ax.text((lo + hi) / 2, 0.5, short, ha="center", va="center", fontsize=FONT - 1)


def _break_marks(fig, segments, bottom: float, h: float, height: float) -> None:
    from matplotlib.lines import Line2D

    edge = segments[0].left + segments[0].width
    mid = edge + 0.09
    for y in (bottom, bottom + h):
        for dx in (-0.04, 0.04):
            fig.add_artist(
                Line2D(
                    [(mid + dx - 0.03) / WIDTH, (mid + dx + 0.03) / WIDTH],
                    [(y - 0.06) / height, (y + 0.06) / height],
                    color="#333333",
                    lw=0.9,
                )
            )
    gap_from = segments[0].stop.year
    gap_to = segments[1].start.year
    fig.text(
        mid / WIDTH,
        (bottom - 0.3) / height,
        f"axis broken:\n{gap_from}–{gap_to}",
        ha="center",
        va="top",
        fontsize=FONT - 1,
        color="#555555",
    )


def _undated_blocks(timeline: Timeline) -> list[tuple[Lane, list[str]]]:
    """Per lane with undated events: its title and the wrapped lines of its list."""
    dated = {e.event: e.date for e in timeline.dated}
    parts: dict[str, set[str]] = {}
    for event in timeline.dated:
        for whole in event.partOf:
            parts.setdefault(whole, set()).add(event.date)
    blocks = []
    lanes = [lane for lane in timeline.lanes if any(e.lane == lane.key for e in timeline.undated)]
    if not lanes:
        return []
    column = (WIDTH - 0.4) / len(lanes) - 0.15
    for lane in lanes:
        lines: list[str] = []
        for event in sorted(
            (e for e in timeline.undated if e.lane == lane.key), key=lambda e: (e.label, e.event)
        ):
            text = event.label
            days = sorted(d for d in parts.get(event.event, set()) if d)
            if days and event.event not in dated:
                text += f" — its parts are dated {', '.join(days)}"
            wrapped = _wrap(text, column - _text_width_in("• "))
            lines.append("• " + wrapped[0])
            lines += ["   " + more for more in wrapped[1:]]
        blocks.append((lane, lines))
    return blocks


def _wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap to ``width`` inches (measured, not counted in characters)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _text_width_in(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _draw_undated(fig, blocks, undated_h: float, height: float) -> None:
    from matplotlib.patches import FancyBboxPatch

    fig.add_artist(
        FancyBboxPatch(
            (0.1 / WIDTH, 0.06 / height),
            (WIDTH - 0.2) / WIDTH,
            (undated_h - 0.1) / height,
            boxstyle="round,pad=0,rounding_size=0.01",
            facecolor="#f6f6f6",
            edgecolor="#bbbbbb",
            lw=0.6,
        )
    )
    fig.text(
        0.2 / WIDTH,
        (undated_h - 0.12) / height,
        "Date not stated in the sources (so not on the time axis)",
        fontsize=FONT + 0.5,
        fontweight="bold",
        va="top",
    )
    column = (WIDTH - 0.4) / len(blocks)
    for index, (lane, lines) in enumerate(blocks):
        left = 0.2 + index * column
        fig.text(
            left / WIDTH,
            (undated_h - 0.34) / height,
            lane.title,
            fontsize=FONT,
            fontweight="bold",
            color=LANE_COLOURS.get(lane.key, "#333333"),
            va="top",
        )
        for number, line in enumerate(lines):
            fig.text(
                left / WIDTH,
                (undated_h - 0.34 - (number + 1) * ROW * 0.95) / height,
                line,
                fontsize=FONT,
                va="top",
            )


def render_timeline(timeline: Timeline, suffix: str = ".svg") -> bytes:
    """The picture as SVG or PNG bytes; SVG is byte-for-byte the same on every run."""
    if suffix not in FORMATS:
        raise FormatError(
            f"cannot write a timeline as {suffix or 'a file without suffix'!r}"
            f" (use one of: {', '.join(FORMATS)})"
        )
    import matplotlib

    with matplotlib.rc_context(
        {
            "svg.hashsalt": "diplokg-timeline",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "path.simplify": True,
        }
    ):
        fig = draw_timeline(timeline)
        buffer = BytesIO()
        if suffix == ".svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buffer, format="png", dpi=DPI * 1.5, metadata={"Software": None})
    return buffer.getvalue()


def check_suffix(path: Path) -> str:
    """The output suffix of ``path`` if a timeline can be written as it."""
    return output_suffix(path, FORMATS, "a timeline")


def write_timeline(
    kg: KnowledgeGraph,
    output: Path,
    between: tuple[str, str] | None = None,
    data: Path | None = None,
) -> Timeline:
    """Build the timeline, draw it into ``output`` (.svg/.png) and, if asked, its data."""
    from .rdfio import atomic_write

    suffix = check_suffix(output)
    timeline = build_timeline(kg, between)
    atomic_write(output, render_timeline(timeline, suffix))
    if data is not None:
        atomic_write(data, timeline.to_json().encode("utf-8"))
    return timeline

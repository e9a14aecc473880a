"""The saved queries answer the competency questions, and follow the query-file conventions.

Every expected row below was worked out by reading the two source texts in data/sources/
(the dates, the people, the posts, the quotes), not copied from a query run; the labels are the
names the data gives its nodes. Quotes are written out in full in ``QUOTES`` and checked to be
verbatim, unique substrings of their source text, so the offsets in the expected rows are
computed from the sources themselves.

Queries run with rdflib over a fresh ``Dataset`` whose default graph is the union of the
ontology and every data file (one named graph per file, as the CLI loads them); parameters are
bound as typed terms through ``initBindings``. ``test_portable_binding_gives_same_rows`` runs
each query again with its parameters as a ``VALUES`` block instead, as for other engines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
CHECKS_DIR = QUERIES_DIR / "checks"
SOURCES_DIR = ROOT / "data" / "sources"

DK = "https://w3id.org/diplokg/ontology#"
DKID = "https://w3id.org/diplokg/id/"
GRAPH = "https://w3id.org/diplokg/graph/"
XSD = "http://www.w3.org/2001/XMLSchema#"

REPORT_QUERIES = sorted(QUERIES_DIR.glob("*.rq"))
ALL_QUERIES = REPORT_QUERIES + sorted(CHECKS_DIR.glob("*.rq"))

SOURCE_FILES = {
    "src-000": "000_dab8069bf6a7fff5.txt",
    "src-001": "001_2ab29c625339e27c.txt",
}


def _read_source(name: str) -> str:
    with open(SOURCES_DIR / name, encoding="utf-8", newline="") as handle:
        return handle.read()


SOURCE_TEXTS = {source: _read_source(name) for source, name in SOURCE_FILES.items()}

# The supporting quotes, verbatim from the source texts (see test_quotes_are_verbatim).
QUOTES = {
    # src-000: the encyclopedia article "Laos–South Korea relations"
    "began-1974": "Formal diplomatic relations between the two countries began in 1974.",
    "overthrew": (
        "After the Pathet Lao overthrew the Kingdom of Laos and established the Lao People's"
        " Democratic Republic"
    ),
    "severed-for-a-time": (
        "relations were severed for a time, and ties with South Korea were highly unfriendly"
    ),
    "restored-in-1995": (
        "Diplomatic relations were restored in 1995, after which relations have developed"
        " positively."
    ),
    "non-resident": (
        "In some cases, countries that have established diplomatic relations with Laos but do"
        " not have an embassy there appoint their ambassador in South Korea as a non-resident"
        " ambassador to Laos."
    ),
    "established-1974": (
        "The Kingdom of Laos and South Korea established ambassador-level diplomatic relations"
        " on 22 June 1974."
    ),
    "embassy-1974": (
        "In August of the same year, South Korea opened its embassy in Laos, which had been"
        " established in 1973."
    ),
    "severed-1975": (
        "However, on 24 July 1975, South Korea, following an anti-communist policy, severed"
        " diplomatic relations with Laos after the Pathet Lao took control."
    ),
    "took-control": "after the Pathet Lao took control",
    "regime-change": (
        "On 2 December 1975, Souphanouvong and others overthrew the Kingdom of Laos during the"
        " Laotian Civil War and established the communist Lao People's Democratic Republic"
    ),
    "north-korea-ties": (
        "subsequently strengthening diplomatic ties with North Korea, which shared a similar"
        " ideology"
    ),
    "tense-hostile": (
        "During the following decade, relations between South Korea and Laos remained tense"
        " and hostile."
    ),
    "reforms": (
        "The situation began to improve as Laos implemented its comprehensive reform policies"
    ),
    "nordpolitik": (
        "South Korean President Roh Tae-woo pursued the Nordpolitik in 1988 to develop"
        " diplomatic relations with socialist countries"
    ),
    "exchanges": "Subsequently, both sides initiated unofficial academic and sports exchanges.",
    "olympics": (
        "Laos also sent a delegation to participate in the Summer Olympics held in Seoul that year."
    ),
    "restored-1995": "Diplomatic relations were formally restored on 25 October 1995",
    "reopened-1996": (
        "the South Korean government reopened its embassy in Vientiane the following year"
    ),
    "strengthened": (
        "Since the restoration of diplomatic relations, bilateral ties have steadily strengthened."
    ),
    "lao-visits": (
        "Laotian President Choummaly Sayasone, Prime Ministers Thongsing Thammavong and"
        " Thongloun Sisoulith, and National Assembly President Pany Yathotou have all visited"
        " South Korea."
    ),
    "korean-visits": (
        "South Korean Presidents Park Geun-hye and Moon Jae-in have also visited Laos during"
        " their respective terms."
    ),
    # src-001: the news report of 2025-12-15
    "title": (
        "President Lee, Laotian president agree to elevate relationship to 'comprehensive"
        " partnership'"
    ),
    "upgrade": (
        "President Lee Jae Myung and Laotian President Thongloun Sisoulith agreed to upgrade"
        " bilateral relations to a “comprehensive partnership” at a summit in Seoul on Monday."
    ),
    "treaties": (
        "The two countries also signed treaties on criminal justice cooperation and extradition"
        " to combat transnational crimes, including online scams originating in Cambodia."
    ),
    "welcome": (
        "Lee welcomed Thongloun and his spouse at the presidential office in Yongsan, central"
        " Seoul, at around 11 a.m. on Monday, then attended back-to-back meetings."
    ),
    "progress-remark": (
        "“Since re-establishing diplomatic ties in 1995, South Korea and Laos have made"
        " remarkable progress in trade, investment and people-to-people exchanges within a"
        " single generation,” Lee said in his opening remarks."
    ),
    "since-1995": (
        "Since re-establishing diplomatic ties in 1995, South Korea and Laos have made"
        " remarkable progress in trade, investment and people-to-people exchanges within a"
        " single generation,"
    ),
    "minerals": (
        "“Laos, with its rich natural resources, is an important partner for building a supply"
        " chain of critical minerals.”"
    ),
    "airport": (
        "Lee also expressed hope that South Korean companies will be able to participate in"
        " Laos' Luang Prabang International Airport development project."
    ),
    "expects": (
        "Thongloun responded that he expects his visit will elevate bilateral relations to a"
        " comprehensive partnership."
    ),
    "ldc": (
        "He added that Laos asks for continued support from South Korea, as the former still"
        " remains on the list of least developed countries."
    ),
    "signing": (
        "In the presence of both leaders, South Korean Foreign Minister Cho Hyun and Laos'"
        " President of the Supreme People's Prosecutor Office Xaysana Khotphouthone signed"
        " treaties on mutual legal assistance and extradition."
    ),
    "balloon": (
        "Since October, Laos has faced increasing pressure as members of criminal networks from"
        " Phnom Penh and Sihanoukville in Cambodia have fled to border regions in Laos to escape"
        " international crackdowns — a so-called balloon effect."
    ),
    "crime-remark": (
        "“To respond to transnational crimes like online scams, South Korea and Laos must work"
        " closely together,” said Lee. “The treaties signed today will help build a"
        " pre-emptive and coordinated system to combat such crimes.”"
    ),
    "hotline": (
        "The two countries also agreed to establish a hotline between the South Korean Embassy"
        " in Laos and the Laotian Ministry of Public Security"
    ),
    "mou": (
        "expedite the signing of a memorandum of understanding on police cooperation, currently"
        " under discussion between law enforcement agencies"
    ),
    "pledge": (
        "The two leaders then pledged to work together on regional and global issues, including"
        " matters related to the Korean Peninsula and South Korea-Asean relations."
    ),
    "briefing": (
        "Lee briefed his Laotian counterpart on Seoul’s efforts to resolve the North Korean"
        " nuclear issue and achieve substantive progress toward peace on the Korean Peninsula,"
        " asking for Laos’ continued support."
    ),
    "pyongyang": (
        "Thongloun, who visited Pyongyang in October this year to attend the 80th anniversary"
        " of the founding of the Workers’ Party of Korea and met with North Korean leader Kim"
        " Jong-un"
    ),
    "appreciation": (
        "expressed appreciation for South Korea’s efforts and confirmed Laos would continue its"
        " constructive engagement"
    ),
    "spokesperson": (
        "When asked whether the two leaders discussed North Korea during the summit,"
        " presidential spokesperson Kang Yu-jung said such discussions would be difficult to"
        " confirm because the topic was not addressed while aides were present."
    ),
}


def quote_source(key: str) -> str:
    """The source (``src-000`` / ``src-001``) whose text contains the quote."""
    found = [src for src, text in SOURCE_TEXTS.items() if QUOTES[key] in text]
    assert len(found) == 1, f"quote {key!r} found in {found}"
    return found[0]


def quote_span(key: str) -> tuple[str, int, int]:
    source = quote_source(key)
    start = SOURCE_TEXTS[source].index(QUOTES[key])
    return source, start, start + len(QUOTES[key])


# --- loading and running -------------------------------------------------------------------


def load_graph() -> Dataset:
    """Ontology + every data file, one named graph each; the default graph is their union."""
    dataset = Dataset(default_union=True)
    for path in [ROOT / "ontology" / "diplomacy.ttl", *sorted((ROOT / "data").glob("*.ttl"))]:
        dataset.graph(URIRef(GRAPH + path.stem)).parse(path, format="turtle")
    return dataset


@pytest.fixture(scope="module")
def graph() -> Dataset:
    return load_graph()


def short(term: Node | None) -> str | None:
    """``dkid:``/``dk:`` for our IRIs, the lexical form for everything else."""
    if term is None:
        return None
    text = str(term)
    if isinstance(term, URIRef):
        for namespace, prefix in ((DKID, "dkid:"), (DK, "dk:")):
            if text.startswith(namespace):
                return prefix + text[len(namespace) :]
    return text


def query_text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run(graph: Dataset, name: str, **params: Node) -> list[tuple[str | None, ...]]:
    result = graph.query(query_text(name), initBindings={Variable(k): v for k, v in params.items()})
    return [tuple(short(value) for value in row) for row in result]


def date(value: str) -> Literal:
    return Literal(value, datatype=URIRef(XSD + "date"))


def dkid(name: str) -> URIRef:
    return URIRef(DKID + name)


LSK = dkid("laos-south-korea-relations")

# --- the query-file conventions -------------------------------------------------------------

_PARAM = re.compile(
    r"^#\+ param: (?P<name>[A-Za-z_][A-Za-z0-9_]*) (?P<type>\S+)"
    r"(?: = (?P<default>\S+))? -- (?P<doc>\S.*)$"
)
PARAM_TYPES = {"xsd:date", "xsd:gYear", "xsd:gYearMonth", "xsd:string", "xsd:integer", "iri"}

# The parameters each report query declares, with their defaults: the README and the CLI
# promise these names.
EXPECTED_PARAMS = {
    "agreements": {"date": ("xsd:date", "2025-12-15")},
    "facts-from-source": {"source": ("iri", "dkid:src-001")},
    "north-korea-cambodia": {"relationship": ("iri", "dkid:laos-south-korea-relations")},
    "posts-of-person": {"person": ("iri", "dkid:thongloun-sisoulith")},
    "relations-history": {"relationship": ("iri", "dkid:laos-south-korea-relations")},
    "status-on-date": {
        "date": ("xsd:date", "2000-01-01"),
        "relationship": ("iri", "dkid:laos-south-korea-relations"),
    },
    "timeline": {"relationship": ("iri", "dkid:laos-south-korea-relations")},
    "visits": {},
}


def header(path: Path) -> tuple[dict[str, list[str]], dict[str, tuple[str, str | None]]]:
    """``({key: [lines]}, {param: (type, default)})`` from the ``#+`` lines at the top."""
    fields: dict[str, list[str]] = {}
    params: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("#+ param:"):
            match = _PARAM.match(line)
            assert match, f"{path.name}: malformed param line {line!r}"
            assert match["name"] not in params, f"{path.name}: {match['name']} declared twice"
            params[match["name"]] = (match["type"], match["default"])
        elif line.startswith("#+   "):
            continue
        elif line.startswith("#+ "):
            key, _, value = line[3:].partition(":")
            fields.setdefault(key, []).append(value.strip())
    return fields, params


def body(path: Path) -> str:
    """The query without its comment lines."""
    return "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    )


def param_term(ptype: str, value: str) -> Node:
    if ptype == "iri":
        assert value.startswith("dkid:"), value
        return dkid(value[len("dkid:") :])
    return Literal(value, datatype=URIRef(XSD + ptype.split(":", 1)[1]))


def test_the_competency_queries_exist():
    assert sorted(p.stem for p in REPORT_QUERIES) == sorted(EXPECTED_PARAMS)


def test_checks_are_named_as_violations():
    for path in CHECKS_DIR.glob("*.rq"):
        assert path.name.endswith("-violation.rq"), path.name


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.relative_to(QUERIES_DIR).as_posix())
def test_query_parses(path):
    prepareQuery(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.relative_to(QUERIES_DIR).as_posix())
def test_query_has_header(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#+ summary: "), "the first line is the one-line summary"
    fields, _ = header(path)
    assert len(fields.get("summary", [])) == 1 and fields["summary"][0]
    assert fields.get("description") and fields["description"][0]
    assert re.search(r"^PREFIX ", text, re.M), "a full PREFIX block follows the header"


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.relative_to(QUERIES_DIR).as_posix())
def test_query_declares_its_parameters(path):
    _, params = header(path)
    for name, (ptype, default) in params.items():
        assert ptype in PARAM_TYPES, f"{name}: unknown type {ptype}"
        assert re.search(rf"\?{name}\b", body(path)), f"?{name} is declared but not used"
        if default is not None:
            param_term(ptype, default)
    if path.parent == QUERIES_DIR:
        expected = EXPECTED_PARAMS[path.stem]
        assert params == expected


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.relative_to(QUERIES_DIR).as_posix())
def test_query_orders_its_rows(path):
    """Deterministic output: every SELECT ends with an ORDER BY."""
    assert re.search(r"^ORDER BY ", body(path), re.M)


@pytest.mark.parametrize("path", REPORT_QUERIES, ids=lambda p: p.stem)
def test_query_is_documented_in_readme(path):
    """README.md names every saved report query (as a word of its own)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"(?<![\w-]){re.escape(path.stem)}(?![\w-])", readme), (
        f"README.md does not mention the query {path.stem!r}"
    )


@pytest.mark.parametrize("path", REPORT_QUERIES, ids=lambda p: p.stem)
def test_portable_binding_gives_same_rows(graph, path):
    """The parameters as a VALUES block at the head of the WHERE group (how other engines get
    them) give the same rows as rdflib's initBindings."""
    _, params = header(path)
    bindings = {name: param_term(ptype, default) for name, (ptype, default) in params.items()}
    text = path.read_text(encoding="utf-8")
    expected = [
        tuple(row)
        for row in graph.query(
            text, initBindings={Variable(name): term for name, term in bindings.items()}
        )
    ]
    if bindings:
        names = " ".join(f"?{name}" for name in bindings)
        values = " ".join(term.n3() for term in bindings.values())
        where = re.search(r"^WHERE \{$", text, re.M)
        assert where, "the WHERE clause opens on a line of its own"
        text = text[: where.end()] + f"\n  VALUES ({names}) {{ ({values}) }}" + text[where.end() :]
    assert [tuple(row) for row in graph.query(text)] == expected


def test_quotes_are_verbatim():
    for key, quote in QUOTES.items():
        counts = [text.count(quote) for text in SOURCE_TEXTS.values()]
        assert sorted(counts) == [0, 1], f"{key!r} occurs {counts} times in the sources"


# --- 1. relations-history -------------------------------------------------------------------


def test_relations_history(graph):
    rows = run(graph, "relations-history", relationship=LSK)
    # The severance alone carries an ambiguity note (which Lao regime; the dates conflict).
    assert [row[-1] is not None for row in rows] == [False, True, False]
    assert "Pathet Lao" in rows[1][-1]
    assert [row[:-1] for row in rows] == [
        (
            "dkid:establishment-1974",
            "Establishment of diplomatic relations between the Kingdom of Laos and South Korea",
            "dk:EstablishmentOfRelations",
            "establishment of diplomatic relations",
            "1974-06-22",
            "dkid:kingdom-of-laos",
            "Kingdom of Laos",
        ),
        (
            "dkid:severance-1975",
            "South Korea severs diplomatic relations with Laos",
            "dk:SeveranceOfRelations",
            "severance of diplomatic relations",
            "1975-07-24",
            "dkid:laos",
            "Laos",
        ),
        (
            "dkid:restoration-1995",
            "Restoration of diplomatic relations between the Lao PDR and South Korea",
            "dk:RestorationOfRelations",
            "restoration of diplomatic relations",
            "1995-10-25",
            "dkid:lao-pdr",
            "Lao People's Democratic Republic",
        ),
    ]


# --- 2. status-on-date ----------------------------------------------------------------------

PHASES = {
    "established": (
        "dkid:phase-established-1974", "dk:established", "established",
        "1974-06-22", "1975-07-24", "dkid:kingdom-of-laos", "Kingdom of Laos",
    ),
    "severed": (
        "dkid:phase-severed-1975", "dk:severed", "severed",
        "1975-07-24", "1995-10-25", None, None,
    ),
    "restored": (
        "dkid:phase-restored-1995", "dk:restored", "restored",
        "1995-10-25", "2025-12-15", "dkid:lao-pdr", "Lao People's Democratic Republic",
    ),
    "comprehensive partnership": (
        "dkid:phase-comprehensive-partnership-2025", "dk:comprehensivePartnership",
        "comprehensive partnership", "2025-12-15", None, "dkid:lao-pdr",
        "Lao People's Democratic Republic",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("day", "status"),
    [
        ("1970-01-01", None),
        ("1974-06-21", None),
        ("1974-06-22", "established"),
        ("1975-01-01", "established"),
        ("1975-07-23", "established"),
        ("1975-07-24", "severed"),
        ("1975-12-02", "severed"),
        ("1980-01-01", "severed"),
        ("1995-10-24", "severed"),
        ("1995-10-25", "restored"),
        ("2000-01-01", "restored"),
        ("2025-12-14", "restored"),
        ("2025-12-15", "comprehensive partnership"),
        ("2030-01-01", "comprehensive partnership"),
    ],
)
def test_status_on_date(graph, day, status):
    rows = run(graph, "status-on-date", date=date(day), relationship=LSK)
    expected = (
        []
        if status is None
        else [("dkid:laos-south-korea-relations", "Laos–South Korea relations", day)
              + PHASES[status]]
    )  # fmt: skip
    assert rows == expected


def test_status_of_another_relationship_is_empty(graph):
    rows = run(
        graph, "status-on-date", date=date("2000-01-01"),
        relationship=dkid("laos-north-korea-relations"),
    )  # fmt: skip
    assert rows == []


# --- 3. timeline ----------------------------------------------------------------------------

# (date, event, label, class, class label, quote): one row per supporting quote, oldest first,
# undated events last; within a day by label, within an event by source and position.
TIMELINE = [
    ("1973", "embassy-establishment-1973",
     "Establishment of the South Korean embassy in Laos (1973)",
     "EmbassyEstablishment", "embassy establishment", "embassy-1974"),
    ("1974-06-22", "establishment-1974",
     "Establishment of diplomatic relations between the Kingdom of Laos and South Korea",
     "EstablishmentOfRelations", "establishment of diplomatic relations", "began-1974"),
    ("1974-06-22", "establishment-1974",
     "Establishment of diplomatic relations between the Kingdom of Laos and South Korea",
     "EstablishmentOfRelations", "establishment of diplomatic relations", "established-1974"),
    ("1974-08", "embassy-opening-1974", "South Korea opens its embassy in Laos (August 1974)",
     "EmbassyOpening", "embassy opening", "embassy-1974"),
    ("1975-07-24", "severance-1975", "South Korea severs diplomatic relations with Laos",
     "SeveranceOfRelations", "severance of diplomatic relations", "severed-for-a-time"),
    ("1975-07-24", "severance-1975", "South Korea severs diplomatic relations with Laos",
     "SeveranceOfRelations", "severance of diplomatic relations", "severed-1975"),
    ("1988", "lao-delegation-seoul-olympics-1988",
     "Laos sends a delegation to the 1988 Summer Olympics in Seoul",
     "Attendance", "attendance", "olympics"),
    ("1995-10-25", "restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "restored-in-1995"),
    ("1995-10-25", "restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "restored-1995"),
    ("1995-10-25", "restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "since-1995"),
    ("1996", "embassy-reopening-1996", "South Korea reopens its embassy in Vientiane (1996)",
     "EmbassyReopening", "embassy reopening", "reopened-1996"),
    ("2025-10", "balloon-effect-2025",
     "Criminal networks flee from Cambodia to the border regions of Laos (“balloon effect”)",
     "CriminalDisplacement", "criminal displacement", "balloon"),
    ("2025-12-15", "meetings-2025-12-15",
     "Back-to-back meetings of Lee Jae Myung and Thongloun Sisoulith, 2025-12-15",
     "Meeting", "meeting", "welcome"),
    ("2025-12-15", "statement-spokesperson-north-korea",
     "Kang Yu-jung: whether the leaders discussed North Korea is difficult to confirm",
     "Statement", "statement", "spokesperson"),
    ("2025-12-15", "upgrade-2025-12-15",
     "Laos and South Korea agree to upgrade relations to a comprehensive partnership",
     "UpgradeOfRelations", "upgrade of relations", "title"),
    ("2025-12-15", "upgrade-2025-12-15",
     "Laos and South Korea agree to upgrade relations to a comprehensive partnership",
     "UpgradeOfRelations", "upgrade of relations", "upgrade"),
    ("2025-12-15", "pledge-regional-global-issues-2025-12-15",
     "Lee Jae Myung and Thongloun Sisoulith pledge to work together on regional and global"
     " issues", "CooperationAgreement", "agreement to cooperate", "pledge"),
    ("2025-12-15", "appeal-lee-laos-support",
     "Lee Jae Myung asks for Laos' continued support on North Korea",
     "Appeal", "appeal", "briefing"),
    ("2025-12-15", "briefing-lee-north-korea",
     "Lee Jae Myung briefs Thongloun Sisoulith on South Korea's North Korea policy",
     "Briefing", "briefing", "briefing"),
    ("2025-12-15", "statement-lee-airport-project",
     "Lee Jae Myung hopes South Korean companies can join the Luang Prabang airport project",
     "Statement", "statement", "airport"),
    ("2025-12-15", "welcome-2025-12-15",
     "Lee Jae Myung welcomes Thongloun Sisoulith and his spouse at the presidential office in"
     " Yongsan", "Welcome", "welcome", "welcome"),
    ("2025-12-15", "statement-lee-critical-minerals",
     "Lee Jae Myung: Laos an important partner for a critical-minerals supply chain",
     "Statement", "statement", "minerals"),
    ("2025-12-15", "statement-lee-transnational-crime",
     "Lee Jae Myung: South Korea and Laos must work closely together against transnational"
     " crime", "Statement", "statement", "crime-remark"),
    ("2025-12-15", "statement-lee-progress-since-1995",
     "Lee Jae Myung: remarkable progress in relations since 1995",
     "Statement", "statement", "progress-remark"),
    ("2025-12-15", "treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "treaties"),
    ("2025-12-15", "treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "signing"),
    ("2025-12-15", "treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "crime-remark"),
    ("2025-12-15", "hotline-agreement-2025-12-15",
     "South Korea and Laos agree to establish a hotline between the South Korean Embassy and"
     " the Laotian Ministry of Public Security",
     "CooperationAgreement", "agreement to cooperate", "hotline"),
    ("2025-12-15", "mou-expedite-agreement-2025-12-15",
     "South Korea and Laos agree to expedite the signing of a police-cooperation MoU",
     "CooperationAgreement", "agreement to cooperate", "mou"),
    ("2025-12-15", "summit-2025-12-15",
     "Summit of Lee Jae Myung and Thongloun Sisoulith in Seoul, 2025-12-15",
     "Summit", "summit", "upgrade"),
    ("2025-12-15", "appeal-laos-continued-support",
     "Thongloun Sisoulith asks South Korea for continued support for Laos, a least developed"
     " country", "Appeal", "appeal", "ldc"),
    ("2025-12-15", "statement-thongloun-constructive-engagement",
     "Thongloun Sisoulith confirms Laos will continue its constructive engagement",
     "Statement", "statement", "appreciation"),
    ("2025-12-15", "statement-thongloun-expects-elevation",
     "Thongloun Sisoulith expects his visit to elevate relations to a comprehensive"
     " partnership", "Statement", "statement", "expects"),
    ("2025-12-15", "praise-thongloun-south-korea-efforts",
     "Thongloun Sisoulith expresses appreciation for South Korea's efforts on North Korea",
     "Praise", "praise", "appreciation"),
    (None, "academic-and-sports-exchanges",
     "Unofficial academic and sports exchanges between Laos and South Korea",
     "Exchange", "exchange", "exchanges"),
    (None, "visit-pany-yathotou-to-south-korea",
     "Visit of Lao National Assembly President Pany Yathotou to South Korea",
     "Visit", "visit", "lao-visits"),
    (None, "visit-choummaly-sayasone-to-south-korea",
     "Visit of Lao President Choummaly Sayasone to South Korea",
     "Visit", "visit", "lao-visits"),
    (None, "visit-thongloun-sisoulith-to-south-korea-as-prime-minister",
     "Visit of Lao Prime Minister Thongloun Sisoulith to South Korea",
     "Visit", "visit", "lao-visits"),
    (None, "visit-thongsing-thammavong-to-south-korea",
     "Visit of Lao Prime Minister Thongsing Thammavong to South Korea",
     "Visit", "visit", "lao-visits"),
    (None, "visit-moon-jae-in-to-laos", "Visit of South Korean President Moon Jae-in to Laos",
     "Visit", "visit", "korean-visits"),
    (None, "visit-park-geun-hye-to-laos", "Visit of South Korean President Park Geun-hye to Laos",
     "Visit", "visit", "korean-visits"),
    (None, "visit-thongloun-sisoulith-to-south-korea-2025",
     "Visit of Thongloun Sisoulith to South Korea (December 2025)",
     "Visit", "visit", "welcome"),
    (None, "visit-thongloun-sisoulith-to-south-korea-2025",
     "Visit of Thongloun Sisoulith to South Korea (December 2025)",
     "Visit", "visit", "expects"),
]  # fmt: skip


def test_timeline(graph):
    expected = []
    for day, event, label, cls, cls_label, key in TIMELINE:
        source, start, _ = quote_span(key)
        expected.append(
            (day, f"dkid:{event}", label, f"dk:{cls}", cls_label, QUOTES[key],
             f"dkid:{source}", str(start))
        )  # fmt: skip
    assert run(graph, "timeline", relationship=LSK) == expected


def test_timeline_of_laos_north_korea(graph):
    rows = run(graph, "timeline", relationship=dkid("laos-north-korea-relations"))
    assert [(row[0], row[1]) for row in rows] == [
        ("2025-10", "dkid:meeting-thongloun-kim-jong-un-2025"),
        ("2025-10", "dkid:visit-thongloun-sisoulith-to-pyongyang-2025"),
        (None, "dkid:laos-north-korea-ties-strengthened"),
    ]


# --- 4. visits ------------------------------------------------------------------------------


def test_visits(graph):
    to_korea, to_laos = "Laos to South Korea", "South Korea to Laos"
    president_laos = ("dkid:post-president-of-lao-pdr", "President of the Lao PDR")
    prime_minister = ("dkid:post-prime-minister-of-laos", "Prime Minister of Laos")
    president_korea = ("dkid:post-president-of-south-korea", "President of South Korea")
    assert run(graph, "visits") == [
        (to_korea, "dkid:thongloun-sisoulith", "Thongloun Sisoulith", *president_laos,
         "dkid:visit-thongloun-sisoulith-to-south-korea-2025",
         "Visit of Thongloun Sisoulith to South Korea (December 2025)", "2025-12-15"),
        (to_korea, "dkid:choummaly-sayasone", "Choummaly Sayasone", *president_laos,
         "dkid:visit-choummaly-sayasone-to-south-korea",
         "Visit of Lao President Choummaly Sayasone to South Korea", None),
        (to_korea, "dkid:pany-yathotou", "Pany Yathotou",
         "dkid:post-president-of-national-assembly-of-laos",
         "President of the National Assembly of Laos",
         "dkid:visit-pany-yathotou-to-south-korea",
         "Visit of Lao National Assembly President Pany Yathotou to South Korea", None),
        (to_korea, "dkid:thongloun-sisoulith", "Thongloun Sisoulith", *prime_minister,
         "dkid:visit-thongloun-sisoulith-to-south-korea-as-prime-minister",
         "Visit of Lao Prime Minister Thongloun Sisoulith to South Korea", None),
        (to_korea, "dkid:thongsing-thammavong", "Thongsing Thammavong", *prime_minister,
         "dkid:visit-thongsing-thammavong-to-south-korea",
         "Visit of Lao Prime Minister Thongsing Thammavong to South Korea", None),
        (to_laos, "dkid:moon-jae-in", "Moon Jae-in", *president_korea,
         "dkid:visit-moon-jae-in-to-laos",
         "Visit of South Korean President Moon Jae-in to Laos", None),
        (to_laos, "dkid:park-geun-hye", "Park Geun-hye", *president_korea,
         "dkid:visit-park-geun-hye-to-laos",
         "Visit of South Korean President Park Geun-hye to Laos", None),
    ]  # fmt: skip


# --- 5. agreements --------------------------------------------------------------------------

PURPOSE = "to combat transnational crimes, including online scams originating in Cambodia"
EXTRADITION = ("dkid:treaty-extradition", "South Korea–Laos extradition treaty")
LEGAL_ASSISTANCE = (
    "dkid:treaty-mutual-legal-assistance",
    "South Korea–Laos treaty on mutual legal assistance in criminal matters",
)
CHO_HYUN = (
    "dkid:cho-hyun", "Cho Hyun",
    "dkid:post-foreign-minister-of-south-korea", "Minister of Foreign Affairs of South Korea",
)  # fmt: skip
XAYSANA = (
    "dkid:xaysana-khotphouthone", "Xaysana Khotphouthone",
    "dkid:post-president-of-supreme-peoples-prosecutor-office",
    "President of the Supreme People's Prosecutor Office of Laos",
)  # fmt: skip
POLICE_MOU = (
    "dkid:mou-police-cooperation", "Memorandum of understanding on police cooperation",
    "dk:underDiscussion", "under discussion", None, None, None, None, None,
)  # fmt: skip


def test_agreements(graph):
    signed = ("dk:signed", "signed")
    assert run(graph, "agreements", date=date("2025-12-15")) == [
        (*EXTRADITION, *signed, *CHO_HYUN, PURPOSE),
        (*EXTRADITION, *signed, *XAYSANA, PURPOSE),
        (*LEGAL_ASSISTANCE, *signed, *CHO_HYUN, PURPOSE),
        (*LEGAL_ASSISTANCE, *signed, *XAYSANA, PURPOSE),
        POLICE_MOU,
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2025-12-14", []), ("2026-01-01", [POLICE_MOU])],
)
def test_agreements_on_other_days(graph, day, expected):
    """Nothing was signed on other days; the MoU is under discussion from the report's day."""
    assert run(graph, "agreements", date=date(day)) == expected


# --- 6. posts-of-person ---------------------------------------------------------------------


def test_posts_of_person(graph):
    assert run(graph, "posts-of-person", person=dkid("thongloun-sisoulith")) == [
        ("dkid:thongloun-sisoulith", "Thongloun Sisoulith",
         "dkid:holding-thongloun-sisoulith-president",
         "dkid:post-president-of-lao-pdr", "President of the Lao PDR",
         None, None, "2025-12-15", None, None, None,
         "dkid:src-001",
         "President Lee, Laotian president agree to elevate relationship to 'comprehensive"
         " partnership'"),
        ("dkid:thongloun-sisoulith", "Thongloun Sisoulith",
         "dkid:holding-thongloun-sisoulith-prime-minister",
         "dkid:post-prime-minister-of-laos", "Prime Minister of Laos",
         None, None, None,
         "dkid:visit-thongloun-sisoulith-to-south-korea-as-prime-minister",
         "Visit of Lao Prime Minister Thongloun Sisoulith to South Korea", None,
         "dkid:src-000", "Laos–South Korea relations"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("person", "posts"),
    [
        ("roh-tae-woo", [("dkid:post-president-of-south-korea", None, "1988", None)]),
        ("kim-jong-un", [("dkid:post-leader-of-north-korea", None, "2025-10", None)]),
        ("cho-hyun", [("dkid:post-foreign-minister-of-south-korea", None, "2025-12-15", None)]),
        ("moon-jae-in", [("dkid:post-president-of-south-korea", None, None,
                          "dkid:visit-moon-jae-in-to-laos")]),
        ("thongloun-sisoulith-spouse", []),
    ],
)  # fmt: skip
def test_posts_of_other_people(graph, person, posts):
    rows = run(graph, "posts-of-person", person=dkid(person))
    assert [(row[3], row[5], row[7], row[8]) for row in rows] == posts


# --- 7. facts-from-source -------------------------------------------------------------------

# (fact, label, class, class label, quote) in the order of the source text.
FACTS_000 = [
    ("establishment-1974",
     "Establishment of diplomatic relations between the Kingdom of Laos and South Korea",
     "EstablishmentOfRelations", "establishment of diplomatic relations", "began-1974"),
    ("phase-established-1974", "Laos–South Korea relations established (1974–1975)",
     "RelationshipPhase", "relationship phase", "began-1974"),
    ("regime-change-1975",
     "Overthrow of the Kingdom of Laos and establishment of the Lao People's Democratic"
     " Republic", "RegimeChange", "regime change", "overthrew"),
    ("phase-established-1974", "Laos–South Korea relations established (1974–1975)",
     "RelationshipPhase", "relationship phase", "severed-for-a-time"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "severed-for-a-time"),
    ("severance-1975", "South Korea severs diplomatic relations with Laos",
     "SeveranceOfRelations", "severance of diplomatic relations", "severed-for-a-time"),
    ("phase-restored-1995", "Laos–South Korea relations restored (from 1995)",
     "RelationshipPhase", "relationship phase", "restored-in-1995"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "restored-in-1995"),
    ("restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "restored-in-1995"),
    ("non-resident-ambassador-practice",
     "Appointing the ambassador in South Korea as non-resident ambassador to Laos",
     "DiplomaticPractice", "diplomatic practice", "non-resident"),
    ("establishment-1974",
     "Establishment of diplomatic relations between the Kingdom of Laos and South Korea",
     "EstablishmentOfRelations", "establishment of diplomatic relations", "established-1974"),
    ("phase-established-1974", "Laos–South Korea relations established (1974–1975)",
     "RelationshipPhase", "relationship phase", "established-1974"),
    ("embassy-establishment-1973", "Establishment of the South Korean embassy in Laos (1973)",
     "EmbassyEstablishment", "embassy establishment", "embassy-1974"),
    ("embassy-opening-1974", "South Korea opens its embassy in Laos (August 1974)",
     "EmbassyOpening", "embassy opening", "embassy-1974"),
    ("rok-anti-communist-policy", "South Korea's anti-communist policy",
     "Policy", "policy", "severed-1975"),
    ("phase-established-1974", "Laos–South Korea relations established (1974–1975)",
     "RelationshipPhase", "relationship phase", "severed-1975"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "severed-1975"),
    ("severance-1975", "South Korea severs diplomatic relations with Laos",
     "SeveranceOfRelations", "severance of diplomatic relations", "severed-1975"),
    ("pathet-lao-takes-control", "The Pathet Lao take control of Laos",
     "TakeOfControl", "taking of control", "took-control"),
    ("laotian-civil-war", "Laotian Civil War", "ArmedConflict", "armed conflict",
     "regime-change"),
    ("kingdom-of-laos", "Kingdom of Laos", "Regime", "regime", "regime-change"),
    ("lao-pdr", "Lao People's Democratic Republic", "Regime", "regime", "regime-change"),
    ("regime-change-1975",
     "Overthrow of the Kingdom of Laos and establishment of the Lao People's Democratic"
     " Republic", "RegimeChange", "regime change", "regime-change"),
    ("laos-north-korea-ties-strengthened",
     "The Lao PDR strengthens diplomatic ties with North Korea",
     "StrengtheningOfRelations", "strengthening of relations", "north-korea-ties"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "tense-hostile"),
    ("lao-comprehensive-reform-policies", "Laos's comprehensive reform policies",
     "Policy", "policy", "reforms"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "reforms"),
    ("nordpolitik", "Nordpolitik", "Policy", "policy", "nordpolitik"),
    ("nordpolitik-launch-1988",
     "South Korean President Roh Tae-woo pursues the Nordpolitik (1988)",
     "PolicyLaunch", "policy launch", "nordpolitik"),
    ("holding-roh-tae-woo-president", "Roh Tae-woo as President of South Korea",
     "PostHolding", "post holding", "nordpolitik"),
    ("academic-and-sports-exchanges",
     "Unofficial academic and sports exchanges between Laos and South Korea",
     "Exchange", "exchange", "exchanges"),
    ("lao-delegation-seoul-olympics-1988",
     "Laos sends a delegation to the 1988 Summer Olympics in Seoul",
     "Attendance", "attendance", "olympics"),
    ("seoul-olympics-1988", "1988 Summer Olympics", "SportingEvent", "sporting event",
     "olympics"),
    ("phase-restored-1995", "Laos–South Korea relations restored (from 1995)",
     "RelationshipPhase", "relationship phase", "restored-1995"),
    ("phase-severed-1975", "Laos–South Korea relations severed (1975–1995)",
     "RelationshipPhase", "relationship phase", "restored-1995"),
    ("restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "restored-1995"),
    ("rok-embassy-in-laos", "Embassy of South Korea in Laos", "Embassy", "embassy",
     "reopened-1996"),
    ("embassy-reopening-1996", "South Korea reopens its embassy in Vientiane (1996)",
     "EmbassyReopening", "embassy reopening", "reopened-1996"),
    ("phase-restored-1995", "Laos–South Korea relations restored (from 1995)",
     "RelationshipPhase", "relationship phase", "strengthened"),
    ("holding-choummaly-sayasone-president", "Choummaly Sayasone as President of the Lao PDR",
     "PostHolding", "post holding", "lao-visits"),
    ("holding-pany-yathotou-national-assembly-president",
     "Pany Yathotou as President of the National Assembly of Laos",
     "PostHolding", "post holding", "lao-visits"),
    ("holding-thongloun-sisoulith-prime-minister", "Thongloun Sisoulith as Prime Minister of Laos",
     "PostHolding", "post holding", "lao-visits"),
    ("holding-thongsing-thammavong-prime-minister",
     "Thongsing Thammavong as Prime Minister of Laos",
     "PostHolding", "post holding", "lao-visits"),
    ("visit-pany-yathotou-to-south-korea",
     "Visit of Lao National Assembly President Pany Yathotou to South Korea",
     "Visit", "visit", "lao-visits"),
    ("visit-choummaly-sayasone-to-south-korea",
     "Visit of Lao President Choummaly Sayasone to South Korea", "Visit", "visit", "lao-visits"),
    ("visit-thongloun-sisoulith-to-south-korea-as-prime-minister",
     "Visit of Lao Prime Minister Thongloun Sisoulith to South Korea",
     "Visit", "visit", "lao-visits"),
    ("visit-thongsing-thammavong-to-south-korea",
     "Visit of Lao Prime Minister Thongsing Thammavong to South Korea",
     "Visit", "visit", "lao-visits"),
    ("holding-moon-jae-in-president", "Moon Jae-in as President of South Korea",
     "PostHolding", "post holding", "korean-visits"),
    ("holding-park-geun-hye-president", "Park Geun-hye as President of South Korea",
     "PostHolding", "post holding", "korean-visits"),
    ("visit-moon-jae-in-to-laos", "Visit of South Korean President Moon Jae-in to Laos",
     "Visit", "visit", "korean-visits"),
    ("visit-park-geun-hye-to-laos", "Visit of South Korean President Park Geun-hye to Laos",
     "Visit", "visit", "korean-visits"),
]  # fmt: skip

FACTS_001 = [
    ("phase-comprehensive-partnership-2025",
     "Laos–South Korea relations: comprehensive partnership (from 2025-12-15)",
     "RelationshipPhase", "relationship phase", "title"),
    ("upgrade-2025-12-15",
     "Laos and South Korea agree to upgrade relations to a comprehensive partnership",
     "UpgradeOfRelations", "upgrade of relations", "title"),
    ("holding-lee-jae-myung-president", "Lee Jae Myung as President of South Korea",
     "PostHolding", "post holding", "upgrade"),
    ("holding-thongloun-sisoulith-president", "Thongloun Sisoulith as President of the Lao PDR",
     "PostHolding", "post holding", "upgrade"),
    ("phase-restored-1995", "Laos–South Korea relations restored (from 1995)",
     "RelationshipPhase", "relationship phase", "upgrade"),
    ("phase-comprehensive-partnership-2025",
     "Laos–South Korea relations: comprehensive partnership (from 2025-12-15)",
     "RelationshipPhase", "relationship phase", "upgrade"),
    ("summit-2025-12-15", "Summit of Lee Jae Myung and Thongloun Sisoulith in Seoul, 2025-12-15",
     "Summit", "summit", "upgrade"),
    ("upgrade-2025-12-15",
     "Laos and South Korea agree to upgrade relations to a comprehensive partnership",
     "UpgradeOfRelations", "upgrade of relations", "upgrade"),
    ("treaty-extradition", "South Korea–Laos extradition treaty", "Treaty", "treaty",
     "treaties"),
    ("treaty-mutual-legal-assistance",
     "South Korea–Laos treaty on mutual legal assistance in criminal matters",
     "Treaty", "treaty", "treaties"),
    ("treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "treaties"),
    ("meetings-2025-12-15",
     "Back-to-back meetings of Lee Jae Myung and Thongloun Sisoulith, 2025-12-15",
     "Meeting", "meeting", "welcome"),
    ("visit-thongloun-sisoulith-to-south-korea-2025",
     "Visit of Thongloun Sisoulith to South Korea (December 2025)", "Visit", "visit",
     "welcome"),
    ("welcome-2025-12-15",
     "Lee Jae Myung welcomes Thongloun Sisoulith and his spouse at the presidential office in"
     " Yongsan", "Welcome", "welcome", "welcome"),
    ("statement-lee-progress-since-1995",
     "Lee Jae Myung: remarkable progress in relations since 1995",
     "Statement", "statement", "progress-remark"),
    ("restoration-1995",
     "Restoration of diplomatic relations between the Lao PDR and South Korea",
     "RestorationOfRelations", "restoration of diplomatic relations", "since-1995"),
    ("statement-lee-critical-minerals",
     "Lee Jae Myung: Laos an important partner for a critical-minerals supply chain",
     "Statement", "statement", "minerals"),
    ("luang-prabang-airport-project", "Luang Prabang International Airport development project",
     "Project", "project", "airport"),
    ("statement-lee-airport-project",
     "Lee Jae Myung hopes South Korean companies can join the Luang Prabang airport project",
     "Statement", "statement", "airport"),
    ("statement-thongloun-expects-elevation",
     "Thongloun Sisoulith expects his visit to elevate relations to a comprehensive"
     " partnership", "Statement", "statement", "expects"),
    ("visit-thongloun-sisoulith-to-south-korea-2025",
     "Visit of Thongloun Sisoulith to South Korea (December 2025)", "Visit", "visit",
     "expects"),
    ("appeal-laos-continued-support",
     "Thongloun Sisoulith asks South Korea for continued support for Laos, a least developed"
     " country", "Appeal", "appeal", "ldc"),
    ("laos-ldc-status", "Laos on the list of least developed countries",
     "DesignationStatus", "designation status", "ldc"),
    ("holding-cho-hyun-foreign-minister", "Cho Hyun as Minister of Foreign Affairs of South Korea",
     "PostHolding", "post holding", "signing"),
    ("holding-xaysana-khotphouthone-prosecutor-president",
     "Xaysana Khotphouthone as President of the Supreme People's Prosecutor Office of Laos",
     "PostHolding", "post holding", "signing"),
    ("treaty-extradition", "South Korea–Laos extradition treaty", "Treaty", "treaty",
     "signing"),
    ("treaty-mutual-legal-assistance",
     "South Korea–Laos treaty on mutual legal assistance in criminal matters",
     "Treaty", "treaty", "signing"),
    ("treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "signing"),
    ("balloon-effect-2025",
     "Criminal networks flee from Cambodia to the border regions of Laos (“balloon effect”)",
     "CriminalDisplacement", "criminal displacement", "balloon"),
    ("statement-lee-transnational-crime",
     "Lee Jae Myung: South Korea and Laos must work closely together against transnational"
     " crime", "Statement", "statement", "crime-remark"),
    ("treaty-signing-2025-12-15",
     "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
     " 2025-12-15", "TreatySigning", "treaty signing", "crime-remark"),
    ("hotline-agreement-2025-12-15",
     "South Korea and Laos agree to establish a hotline between the South Korean Embassy and"
     " the Laotian Ministry of Public Security",
     "CooperationAgreement", "agreement to cooperate", "hotline"),
    ("hotline-rok-embassy-lao-public-security",
     "Hotline between the South Korean Embassy in Laos and the Laotian Ministry of Public"
     " Security", "Hotline", "hotline", "hotline"),
    ("mou-expedite-agreement-2025-12-15",
     "South Korea and Laos agree to expedite the signing of a police-cooperation MoU",
     "CooperationAgreement", "agreement to cooperate", "mou"),
    ("mou-police-cooperation", "Memorandum of understanding on police cooperation",
     "MemorandumOfUnderstanding", "memorandum of understanding", "mou"),
    ("pledge-regional-global-issues-2025-12-15",
     "Lee Jae Myung and Thongloun Sisoulith pledge to work together on regional and global"
     " issues", "CooperationAgreement", "agreement to cooperate", "pledge"),
    ("appeal-lee-laos-support", "Lee Jae Myung asks for Laos' continued support on North Korea",
     "Appeal", "appeal", "briefing"),
    ("briefing-lee-north-korea",
     "Lee Jae Myung briefs Thongloun Sisoulith on South Korea's North Korea policy",
     "Briefing", "briefing", "briefing"),
    ("wpk-80th-anniversary", "80th anniversary of the founding of the Workers' Party of Korea",
     "Commemoration", "commemoration", "pyongyang"),
    ("meeting-thongloun-kim-jong-un-2025",
     "Meeting of Thongloun Sisoulith and Kim Jong-un (October 2025)",
     "Meeting", "meeting", "pyongyang"),
    ("holding-kim-jong-un-leader", "Kim Jong-un as Leader of North Korea",
     "PostHolding", "post holding", "pyongyang"),
    ("visit-thongloun-sisoulith-to-pyongyang-2025",
     "Visit of Thongloun Sisoulith to Pyongyang (October 2025)", "Visit", "visit", "pyongyang"),
    ("praise-thongloun-south-korea-efforts",
     "Thongloun Sisoulith expresses appreciation for South Korea's efforts on North Korea",
     "Praise", "praise", "appreciation"),
    ("statement-thongloun-constructive-engagement",
     "Thongloun Sisoulith confirms Laos will continue its constructive engagement",
     "Statement", "statement", "appreciation"),
    ("holding-kang-yu-jung-spokesperson",
     "Kang Yu-jung as presidential spokesperson of South Korea",
     "PostHolding", "post holding", "spokesperson"),
    ("statement-spokesperson-north-korea",
     "Kang Yu-jung: whether the leaders discussed North Korea is difficult to confirm",
     "Statement", "statement", "spokesperson"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "facts"), [("src-001", FACTS_001), ("src-000", FACTS_000)])
def test_facts_from_source(graph, source, facts):
    expected = []
    for fact, label, cls, cls_label, key in facts:
        quote_from, start, end = quote_span(key)
        assert quote_from == source
        expected.append(
            (f"dkid:{fact}", label, f"dk:{cls}", cls_label, QUOTES[key], str(start), str(end),
             f"dkid:ev-{source[4:]}-{start}-{end}")
        )  # fmt: skip
    assert run(graph, "facts-from-source", source=dkid(source)) == expected


# --- 8. north-korea-cambodia ----------------------------------------------------------------

_NK = ("north-korea", "North Korea")
_KH = ("cambodia", "Cambodia")
_CONCERNS = ("concerns", "concerns")
_ABOUT = ("about", "about")
_NUCLEAR = ("north-korean-nuclear-issue", "North Korean nuclear issue")
_SIGNED = ("signedAgreement", "signed agreement")
_EXTRADITION = ("treaty-extradition", "South Korea–Laos extradition treaty")
_MLA = (
    "treaty-mutual-legal-assistance",
    "South Korea–Laos treaty on mutual legal assistance in criminal matters",
)
_BALLOON = (
    "2025-10", "balloon-effect-2025",
    "Criminal networks flee from Cambodia to the border regions of Laos (“balloon effect”)",
)  # fmt: skip
_KIM_MEETING = (
    "2025-10", "meeting-thongloun-kim-jong-un-2025",
    "Meeting of Thongloun Sisoulith and Kim Jong-un (October 2025)",
)  # fmt: skip
_PYONGYANG = (
    "2025-10", "visit-thongloun-sisoulith-to-pyongyang-2025",
    "Visit of Thongloun Sisoulith to Pyongyang (October 2025)",
)  # fmt: skip
_APPEAL = (
    "2025-12-15", "appeal-lee-laos-support",
    "Lee Jae Myung asks for Laos' continued support on North Korea",
)  # fmt: skip
_BRIEFING = (
    "2025-12-15", "briefing-lee-north-korea",
    "Lee Jae Myung briefs Thongloun Sisoulith on South Korea's North Korea policy",
)  # fmt: skip
_CRIME = (
    "2025-12-15", "statement-lee-transnational-crime",
    "Lee Jae Myung: South Korea and Laos must work closely together against transnational crime",
)  # fmt: skip
_SIGNING = (
    "2025-12-15", "treaty-signing-2025-12-15",
    "Signing of the South Korea–Laos mutual legal assistance and extradition treaties,"
    " 2025-12-15",
)  # fmt: skip
_PRAISE = (
    "2025-12-15", "praise-thongloun-south-korea-efforts",
    "Thongloun Sisoulith expresses appreciation for South Korea's efforts on North Korea",
)  # fmt: skip
_TIES = (
    None,
    "laos-north-korea-ties-strengthened",
    "The Lao PDR strengthens diplomatic ties with North Korea",
)

# (event, country, property, via, the event belongs to the relationship)
NORTH_KOREA_CAMBODIA = [
    (("2025-10", "wpk-80th-anniversary",
      "80th anniversary of the founding of the Workers' Party of Korea"),
     _NK, _CONCERNS, _NK, False),
    (_BALLOON, _KH, _CONCERNS, _KH, True),
    (_BALLOON, _KH, ("initiator", "initiator"),
     ("cambodian-criminal-networks", "Criminal networks from Phnom Penh and Sihanoukville"),
     True),
    (_BALLOON, _KH, ("origin", "origin"), ("phnom-penh", "Phnom Penh"), True),
    (_BALLOON, _KH, ("origin", "origin"), ("sihanoukville", "Sihanoukville"), True),
    (_KIM_MEETING, _NK, _CONCERNS, _NK, False),
    (_KIM_MEETING, _NK, ("participant", "participant"), ("kim-jong-un", "Kim Jong-un"), False),
    (_PYONGYANG, _NK, _CONCERNS, _NK, False),
    (_PYONGYANG, _NK, ("host", "host"), _NK, False),
    (("2025-12-15", "statement-spokesperson-north-korea",
      "Kang Yu-jung: whether the leaders discussed North Korea is difficult to confirm"),
     _NK, _CONCERNS, _NK, True),
    (_APPEAL, _NK, _ABOUT, _NUCLEAR, True),
    (_APPEAL, _NK, _CONCERNS, _NK, True),
    (_BRIEFING, _NK, _ABOUT, _NUCLEAR, True),
    (_BRIEFING, _NK, _CONCERNS, _NK, True),
    (_CRIME, _KH, _ABOUT, ("online-scams", "Online scams originating in Cambodia"), True),
    (_CRIME, _KH, _ABOUT, _EXTRADITION, True),
    (_CRIME, _KH, _ABOUT, _MLA, True),
    (_SIGNING, _KH, _CONCERNS, _KH, True),
    (_SIGNING, _KH, _SIGNED, _EXTRADITION, True),
    (_SIGNING, _KH, _SIGNED, _MLA, True),
    (("2025-12-15", "statement-thongloun-constructive-engagement",
      "Thongloun Sisoulith confirms Laos will continue its constructive engagement"),
     _NK, _CONCERNS, _NK, True),
    (_PRAISE, _NK, _ABOUT, _NUCLEAR, True),
    (_PRAISE, _NK, _CONCERNS, _NK, True),
    (_TIES, _NK, _CONCERNS, _NK, False),
    (_TIES, _NK, ("participant", "participant"), _NK, False),
]  # fmt: skip


def test_north_korea_cambodia(graph):
    expected = [
        (day, f"dkid:{event}", label, f"dkid:{country}", country_label,
         f"dk:{prop}", prop_label, f"dkid:{via}", via_label, str(inside).lower())
        for (day, event, label), (country, country_label), (prop, prop_label),
        (via, via_label), inside in NORTH_KOREA_CAMBODIA
    ]  # fmt: skip
    assert run(graph, "north-korea-cambodia", relationship=LSK) == expected

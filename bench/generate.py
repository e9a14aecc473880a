"""Generate a synthetic diplomacy graph in the diplokg ontology that conforms to our shapes.

Usage::

    python bench/generate.py --triples 100000 -o /tmp/home/data/synthetic.ttl

writes about N triples of Turtle (the count is exact to within one fact, ~30 triples) and,
next to the file, ``sources/NNN_<hex>.txt``: the source texts its evidence quotes, byte for
byte (offsets are code points, end exclusive, as diplokg.evidence writes them).

What it holds, all deterministic for a ``--seed``: ~200 states (two of them ``dkid:laos`` and
``dkid:south-korea``, so the saved queries that name them find rows), a capital city and two
posts (head of state, foreign minister) per state, office holders with five-year terms
(``dk:startDate``/``dk:endDate``), bilateral relationships with their phases (established,
sometimes severed and restored, each started and ended by its event), visits (the visiting
head of state's holding is ``dk:attestedAt`` the visit), treaties and their signings (signed by
both foreign ministers in office that day), every fact ``prov:wasDerivedFrom`` a dated news
report and carrying ``dk:evidence`` quoting the sentence of that report which states it.

With ``--home DIR`` it instead builds a whole diplokg home: ``DIR/ontology`` and
``DIR/queries`` copied from this checkout, ``DIR/data/synthetic.ttl`` and its sources.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PREFIXES = """\
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
@prefix dk:      <https://w3id.org/diplokg/ontology#> .
@prefix dkid:    <https://w3id.org/diplokg/id/> .

"""

SYLLABLES = (
    "ba bel car dor el fa gar hal in jor ka lan mor nar os pel qua ros sal tor ul var wen xa "
    "yor zan ber cal den fin gul hor ist jan kel lor man nor"
).split()
PUBLISHED = "2025-12-31"
TERM_YEARS = 5
FIRST_YEAR = 1950


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def date(value: str) -> str:
    return f'"{value}"^^xsd:date'


@dataclass
class Source:
    number: int
    parts: list[str] = field(default_factory=list)
    length: int = 0

    @property
    def iri(self) -> str:
        return f"dkid:src-{self.number:03d}"

    def file_name(self, seed: int) -> str:
        digest = hashlib.sha256(f"{seed}-{self.number}".encode()).hexdigest()[:16]
        return f"{self.number:03d}_{digest}.txt"


class Writer:
    """Counts triples as it writes subject blocks."""

    def __init__(self, out, seed: int, sources: int) -> None:
        self.out = out
        self.triples = 0
        self.seed = seed
        self.sources = [Source(i) for i in range(sources)]
        self.next_source = 0

    def block(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        lines = [subject]
        for i, (p, o) in enumerate(pairs):
            end = " ." if i == len(pairs) - 1 else " ;"
            lines.append(f"    {p} {o}{end}")
        self.out.write("\n".join(lines) + "\n")
        self.triples += len(pairs)

    def evidence(self, sentence: str) -> tuple[str, str]:
        """Append ``sentence`` to the next source; write the evidence; (source, evidence)."""
        source = self.sources[self.next_source]
        self.next_source = (self.next_source + 1) % len(self.sources)
        start = source.length
        end = start + len(sentence)
        source.parts.append(sentence + "\n")
        source.length = end + 1
        number = f"{source.number:03d}"
        ev = f"dkid:ev-{number}-{start}-{end}"
        self.block(
            ev,
            [
                ("a", "dk:Evidence"),
                ("oa:hasSource", source.iri),
                ("oa:hasSelector", f"{ev}-quote , {ev}-pos"),
            ],
        )
        self.triples += 1  # two objects of oa:hasSelector
        self.block(f"{ev}-quote", [("a", "oa:TextQuoteSelector"), ("oa:exact", lit(sentence))])
        self.block(
            f"{ev}-pos",
            [("a", "oa:TextPositionSelector"), ("oa:start", str(start)), ("oa:end", str(end))],
        )
        return source.iri, ev


@dataclass
class State:
    iri: str
    name: str
    capital: str
    posts: dict[str, str]


class World:
    def __init__(self, writer: Writer, rng: random.Random, states: int) -> None:
        self.w = writer
        self.rng = rng
        self.states: list[State] = []
        self.holdings: dict[tuple[int, str, int], tuple[str, str]] = {}
        self.relationships: dict[tuple[int, int], dict] = {}
        names: set[str] = set()
        for i in range(states):
            if i == 0:
                iri, name = "dkid:laos", "Laos"
            elif i == 1:
                iri, name = "dkid:south-korea", "South Korea"
            else:
                while True:
                    name = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
                    if name not in names:
                        break
                iri = f"dkid:state-{i:03d}"
            names.add(name)
            slug = iri.removeprefix("dkid:")
            state = State(
                iri,
                name,
                f"dkid:{slug}-capital",
                {
                    "head": f"dkid:post-head-of-state-of-{slug}",
                    "foreign": f"dkid:post-foreign-minister-of-{slug}",
                },
            )
            self.states.append(state)
            writer.block(iri, [("a", "dk:Country"), ("rdfs:label", lit(name) + "@en")])
            writer.block(
                state.capital,
                [
                    ("a", "dk:City"),
                    ("rdfs:label", lit(f"Capital of {name}") + "@en"),
                    ("dk:locatedIn", iri),
                ],
            )
            for key, title in (("head", "Head of State"), ("foreign", "Foreign Minister")):
                writer.block(
                    state.posts[key],
                    [
                        ("a", "dk:Post"),
                        ("rdfs:label", lit(f"{title} of {name}") + "@en"),
                        ("dk:postIn", iri),
                    ],
                )

    # --- facts ----------------------------------------------------------------------------

    def random_date(self, first: int, last: int) -> str:
        year = self.rng.randint(first, last)
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def holding(self, state: int, post: str, day: str) -> tuple[str, str]:
        """The holding (and person) of ``post`` of ``state`` on ``day``; written when new."""
        term = (int(day[:4]) - FIRST_YEAR) // TERM_YEARS
        key = (state, post, term)
        if key in self.holdings:
            return self.holdings[key]
        s = self.states[state]
        slug = s.iri.removeprefix("dkid:")
        start_year = FIRST_YEAR + term * TERM_YEARS
        start, end = f"{start_year}-01-01", f"{start_year + TERM_YEARS}-01-01"
        person = f"dkid:person-{slug}-{post}-{term}"
        given = "".join(self.rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        person_name = f"{given} {s.name}-{post}-{term}"
        title = "Head of State" if post == "head" else "Foreign Minister"
        self.w.block(person, [("a", "dk:Person"), ("rdfs:label", lit(person_name) + "@en")])
        source, ev = self.w.evidence(
            f"{person_name} served as {title} of {s.name} from {start} until {end}."
        )
        iri = f"dkid:holding-{slug}-{post}-{term}"
        self.w.block(
            iri,
            [
                ("a", "dk:PostHolding"),
                ("rdfs:label", lit(f"{person_name} as {title} of {s.name}") + "@en"),
                ("dk:holder", person),
                ("dk:post", s.posts[post]),
                ("dk:startDate", date(start)),
                ("dk:endDate", date(end)),
                ("prov:wasDerivedFrom", source),
                ("dk:evidence", ev),
            ],
        )
        self.holdings[key] = (iri, person)
        return iri, person

    def relationship(self, a: int, b: int) -> dict:
        key = (min(a, b), max(a, b))
        if key in self.relationships:
            return self.relationships[key]
        a, b = key
        sa, sb = self.states[a], self.states[b]
        slug = f"{sa.iri.removeprefix('dkid:')}-{sb.iri.removeprefix('dkid:')}-relations"
        iri = f"dkid:{slug}"
        self.w.block(
            iri,
            [
                ("a", "dk:BilateralRelationship"),
                ("rdfs:label", lit(f"{sa.name}–{sb.name} relations") + "@en"),
                ("dk:party", f"{sa.iri} , {sb.iri}"),
            ],
        )
        self.w.triples += 1
        d0 = self.random_date(1950, 1990)
        changes = [("established", "EstablishmentOfRelations", d0, "established")]
        if self.rng.random() < 0.3:
            d1 = self.random_date(int(d0[:4]) + 1, 2000)
            d2 = self.random_date(int(d1[:4]) + 1, 2015)
            changes += [
                ("severed", "SeveranceOfRelations", d1, "severed"),
                ("restored", "RestorationOfRelations", d2, "restored"),
            ]
        events = []
        for status, cls, day, verb in changes:
            event = f"dkid:{slug}-{status}-{day}"
            sentence = f"On {day}, {sa.name} and {sb.name} {verb} diplomatic relations."
            source, ev = self.w.evidence(sentence)
            self.w.block(
                event,
                [
                    ("a", f"dk:{cls}"),
                    ("rdfs:label", lit(f"{sa.name} and {sb.name} {verb} relations") + "@en"),
                    ("dk:date", date(day)),
                    ("dk:participant", f"{sa.iri} , {sb.iri}"),
                    ("dk:relationship", iri),
                    ("prov:wasDerivedFrom", source),
                    ("dk:evidence", ev),
                ],
            )
            self.w.triples += 1
            events.append((event, day, source, ev, status))
        for i, (event, day, source, ev, status) in enumerate(events):
            pairs = [
                ("a", "dk:RelationshipPhase"),
                ("rdfs:label", lit(f"{sa.name}–{sb.name} relations {status} ({day})") + "@en"),
                ("dk:phaseOf", iri),
                ("dk:status", f"dk:{status}"),
                ("dk:startDate", date(day)),
                ("dk:startedBy", event),
            ]
            sources, evidence = [source], [ev]
            if i + 1 < len(events):
                nxt = events[i + 1]
                pairs += [("dk:endDate", date(nxt[1])), ("dk:endedBy", nxt[0])]
                if nxt[2] != source:
                    sources.append(nxt[2])
                evidence.append(nxt[3])
            pairs += [
                ("prov:wasDerivedFrom", " , ".join(sources)),
                ("dk:evidence", " , ".join(evidence)),
            ]
            self.w.block(f"{event}-phase", pairs)
            self.w.triples += len(sources) - 1 + len(evidence) - 1
        rel = {"iri": iri, "a": a, "b": b, "since": d0, "count": 0}
        self.relationships[key] = rel
        return rel

    def visit(self, rel: dict) -> None:
        a, b = (rel["a"], rel["b"]) if self.rng.random() < 0.5 else (rel["b"], rel["a"])
        day = self.random_date(int(rel["since"][:4]) + 1, 2025)
        guest, host = self.states[a], self.states[b]
        holding, person = self.holding(a, "head", day)
        rel["count"] += 1
        iri = f"{rel['iri']}-visit-{rel['count']}"
        source, ev = self.w.evidence(
            f"On {day}, the Head of State of {guest.name} visited {host.name}."
        )
        self.w.block(
            iri,
            [
                ("a", "dk:Visit"),
                ("rdfs:label", lit(f"Visit to {host.name} from {guest.name}, {day}") + "@en"),
                ("dk:date", date(day)),
                ("dk:visitor", person),
                ("dk:host", host.iri),
                ("dk:place", host.capital),
                ("dk:relationship", rel["iri"]),
                ("prov:wasDerivedFrom", source),
                ("dk:evidence", ev),
            ],
        )
        self.w.block(holding, [("dk:attestedAt", iri)])

    def treaty(self, rel: dict) -> None:
        a, b = rel["a"], rel["b"]
        day = self.random_date(int(rel["since"][:4]) + 1, 2025)
        sa, sb = self.states[a], self.states[b]
        _, minister_a = self.holding(a, "foreign", day)
        _, minister_b = self.holding(b, "foreign", day)
        rel["count"] += 1
        treaty = f"{rel['iri']}-treaty-{rel['count']}"
        topic = self.rng.choice(["trade", "extradition", "culture", "aviation", "investment"])
        source, ev = self.w.evidence(
            f"On {day}, the foreign ministers of {sa.name} and {sb.name} signed a treaty on "
            f"{topic}."
        )
        self.w.block(
            treaty,
            [
                ("a", "dk:Treaty"),
                ("rdfs:label", lit(f"{sa.name}–{sb.name} treaty on {topic}, {day}") + "@en"),
                ("dk:agreementStatus", "dk:signed"),
                ("dk:party", f"{sa.iri} , {sb.iri}"),
                ("prov:wasDerivedFrom", source),
                ("dk:evidence", ev),
            ],
        )
        self.w.triples += 1
        self.w.block(
            f"{treaty}-signing",
            [
                ("a", "dk:TreatySigning"),
                ("rdfs:label", lit(f"Signing of the {sa.name}–{sb.name} treaty, {day}") + "@en"),
                ("dk:date", date(day)),
                ("dk:signatory", f"{minister_a} , {minister_b}"),
                ("dk:signedAgreement", treaty),
                ("dk:place", self.states[self.rng.choice([a, b])].capital),
                ("dk:relationship", rel["iri"]),
                ("prov:wasDerivedFrom", source),
                ("dk:evidence", ev),
            ],
        )
        self.w.triples += 1


def generate(triples: int, out_file: Path, seed: int = 1, states: int = 200) -> int:
    """Write about ``triples`` triples to ``out_file`` and the source texts beside it."""
    rng = random.Random(seed)
    sources = max(2, min(999, triples // 2000))
    relationships = max(10, min(states * (states - 1) // 2, triples // 400))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    texts = out_file.parent / "sources"
    texts.mkdir(exist_ok=True)
    with out_file.open("w", encoding="utf-8") as out:
        out.write(f"# Synthetic diplokg graph: about {triples} triples, seed {seed}.\n")
        out.write("# Written by bench/generate.py; every quote is in sources/.\n\n")
        out.write(PREFIXES)
        writer = Writer(out, seed, sources)
        for source in writer.sources:
            title = f"Synthetic diplomatic news digest {source.number:03d}"
            writer.block(
                source.iri,
                [
                    ("a", "dk:NewsReport"),
                    ("rdfs:label", lit(title) + "@en"),
                    ("dcterms:title", lit(title) + "@en"),
                    ("dcterms:date", date(PUBLISHED)),
                    ("dcterms:language", lit("en")),
                    ("dk:sourceFile", lit(source.file_name(seed))),
                ],
            )
        world = World(writer, rng, states)
        pairs = [(0, 1)]
        seen = {(0, 1)}
        while len(pairs) < relationships:
            a, b = sorted(rng.sample(range(states), 2))
            if (a, b) not in seen:
                seen.add((a, b))
                pairs.append((a, b))
        i = 0
        while writer.triples < triples:
            rel = world.relationship(*pairs[i % len(pairs)])
            if i >= len(pairs):
                if rng.random() < 0.6:
                    world.visit(rel)
                else:
                    world.treaty(rel)
            i += 1
    for source in writer.sources:
        (texts / source.file_name(seed)).write_text("".join(source.parts), encoding="utf-8")
    return writer.triples


def make_home(home: Path, triples: int, seed: int = 1) -> int:
    """A diplokg home with this checkout's ontology and queries and the synthetic data."""
    checkout = Path(__file__).resolve().parent.parent
    home.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        if not (home / name).exists():
            shutil.copytree(checkout / name, home / name)
    return generate(triples, home / "data" / "synthetic.ttl", seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help="the Turtle file to write")
    target.add_argument("--home", type=Path, help="build a whole diplokg home here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.home:
        written = make_home(args.home, args.triples, args.seed)
    else:
        written = generate(args.triples, args.output, seed=args.seed)
    print(f"{written} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

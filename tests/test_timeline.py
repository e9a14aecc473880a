"""`diplokg timeline`: drawn from the graph, honest about undated and imprecise dates."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from diplokg.cli import cli
from diplokg.graph import KnowledgeGraph
from diplokg.timeline import When, build_timeline, render_timeline, timeline_rows

pytest.importorskip("matplotlib")

ROOT = Path(__file__).parents[1]
IMG = ROOT / "docs" / "img"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str):
    return CliRunner().invoke(cli, ["--home", str(ROOT), "--quiet", *args])


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.load(ROOT)


@pytest.fixture(scope="module")
def timeline(kg):
    return build_timeline(kg)


def test_the_data_is_the_timeline_querys_rows(kg, timeline):
    rows = timeline_rows(kg, timeline.relationship)
    from_query = {(r["event"], r["date"], r["type"], r["eventLabel"]) for r in rows}
    drawn = {(e.event, e.date, e.type, e.label) for e in timeline.events}
    assert drawn == from_query
    assert len(timeline.events) == len({e.event for e in timeline.events})


def test_the_committed_data_is_current(timeline):
    committed = (IMG / "timeline.json").read_text(encoding="utf-8")
    assert timeline.to_json() == committed, "run: python docs/make_figures.py"


def test_phases_come_from_the_graph(timeline):
    assert [(p.statusLabel, p.start, p.end) for p in timeline.phases] == [
        ("established", "1974-06-22", "1975-07-24"),
        ("severed", "1975-07-24", "1995-10-25"),
        ("restored", "1995-10-25", "2025-12-15"),
        ("comprehensive partnership", "2025-12-15", None),
    ]


def test_lanes_and_undated_events(timeline):
    lanes = {e.event.rsplit("/", 1)[-1]: e.lane for e in timeline.events}
    assert lanes["restoration-1995"] == "relations"
    assert lanes["visit-moon-jae-in-to-laos"] == "visits-ba"
    assert lanes["visit-choummaly-sayasone-to-south-korea"] == "visits-ab"
    assert lanes["treaty-signing-2025-12-15"] == "agreements"
    assert lanes["summit-2025-12-15"] == "talks"
    undated = {e.event.rsplit("/", 1)[-1] for e in timeline.undated}
    assert "visit-thongloun-sisoulith-to-south-korea-2025" in undated
    assert all(e.date is None for e in timeline.undated)


def test_imprecise_dates_are_spans():
    year, month, day = When.parse("1996"), When.parse("1974-08"), When.parse("1974-06-22")
    assert (year.precision, year.start.isoformat(), year.end.isoformat()) == (
        "year",
        "1996-01-01",
        "1997-01-01",
    )
    assert (month.precision, month.start.isoformat(), month.end.isoformat()) == (
        "month",
        "1974-08-01",
        "1974-09-01",
    )
    assert (day.end - day.start).days == 1


def test_svg_and_png_via_the_command(tmp_path):
    svg, png, data = tmp_path / "t.svg", tmp_path / "t.png", tmp_path / "t.json"
    result = run("timeline", "-o", str(svg), "--data", str(data))
    assert result.exit_code == 0, result.output
    text = svg_text(svg)
    for expected in (
        "Summit of Lee Jae Myung and Thongloun Sisoulith in Seoul",
        "comprehensive",
        "1995",
        "severed",
        "Date not stated in the sources",
        "Visit of South Korean President Moon Jae-in to Laos",
    ):
        assert expected in text
    assert json.loads(data.read_text(encoding="utf-8"))["label"] == "Laos–South Korea relations"
    assert run("timeline", "-o", str(png)).exit_code == 0
    width, height = png_size(png)
    assert 1000 <= width <= 2000 and 800 <= height <= 2500


def test_svg_is_deterministic(timeline):
    assert render_timeline(timeline, ".svg") == render_timeline(timeline, ".svg")


def test_between_picks_the_relationship(tmp_path):
    out = tmp_path / "lnk.svg"
    assert run("timeline", "--between", "Laos", "dkid:north-korea", "-o", str(out)).exit_code == 0
    assert "Visit of Thongloun Sisoulith to Pyongyang" in svg_text(out)


def test_unsupported_suffix_is_a_usage_error(tmp_path):
    result = run("timeline", "-o", str(tmp_path / "t.pdf"))
    assert result.exit_code == 2
    assert "cannot write a timeline as '.pdf'" in result.output
    assert not (tmp_path / "t.pdf").exists()


def test_no_relationship_between_is_a_usage_error():
    result = run("timeline", "--between", "Laos", "Seoul")
    assert result.exit_code == 2
    assert "no bilateral relationship between 'Laos' and 'Seoul'" in result.output
    assert run("timeline", "--between", "Laos", "Atlantis").exit_code == 2

"""`diplokg graph`: the neighbourhood of an entity as a Graphviz diagram."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from diplokg.cli import cli
from diplokg.diagram import model_diagram, neighbourhood, render
from diplokg.graph import ONTOLOGY_GRAPH, KnowledgeGraph

ROOT = Path(__file__).parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str):
    return CliRunner().invoke(cli, ["--home", str(ROOT), "--quiet", *args])


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.load(ROOT)


def test_neighbourhood_is_labelled_and_hides_evidence(kg):
    hood = neighbourhood(kg, "dkid:restoration-1995")
    labels = {label for label, _ in hood.nodes.values()}
    assert "Lao People's Democratic Republic" in labels
    assert {"started by", "ended by", "relationship"} <= set(hood.property_labels.values())
    assert all(family.key != "evidence" for _, family in hood.nodes.values())
    with_evidence = neighbourhood(kg, "dkid:restoration-1995", evidence=True)
    assert any(family.key == "evidence" for _, family in with_evidence.nodes.values())


def test_depth_two_reaches_further(kg):
    one = neighbourhood(kg, "dkid:restoration-1995", depth=1)
    two = neighbourhood(kg, "dkid:restoration-1995", depth=2)
    assert set(one.nodes) < set(two.nodes)


def test_dot_output_needs_no_dot_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    out = tmp_path / "n.dot"
    result = run(
        "graph",
        "Restoration of diplomatic relations between the Lao PDR and South Korea",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph neighbourhood {")
    assert 'label="started by"' in text
    assert run("graph", "dkid:laos").output.startswith("digraph neighbourhood {")


def test_svg_and_png(tmp_path):
    svg, png = tmp_path / "n.svg", tmp_path / "n.png"
    assert run("graph", "dkid:restoration-1995", "-o", str(svg)).exit_code == 0
    root = ET.parse(svg).getroot()
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "started by" in text and "Restoration of diplomatic" in text
    assert run("graph", "South Korea", "--depth", "2", "-o", str(png)).exit_code == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 200 and height > 200


def test_bad_term_is_a_usage_error():
    result = run("graph", "Atlantis")
    assert result.exit_code == 2
    assert "unknown term 'Atlantis'" in result.output


def test_unsupported_suffix_is_a_usage_error(tmp_path):
    result = run("graph", "dkid:laos", "-o", str(tmp_path / "n.jpg"))
    assert result.exit_code == 2
    assert "cannot write a diagram as '.jpg'" in result.output


def test_model_diagram_is_current(kg):
    dot = render(model_diagram(kg.named_graph(ONTOLOGY_GRAPH)), ".dot").decode("utf-8")
    assert 'label="phase of"' in dot
    committed = (ROOT / "docs" / "img" / "model.dot").read_text(encoding="utf-8")
    assert dot == committed, "run: python docs/make_figures.py"

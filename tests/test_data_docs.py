"""The data's own documentation stays true to the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from diplokg.namespaces import DK, DKID

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_ambiguity_note_is_listed_in_data_readme(data_graph: Graph) -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    noted = sorted({str(s) for s in data_graph.subjects(DK.ambiguityNote, None)})
    assert noted, "the sources have ambiguities; the graph must note them"
    missing = [iri for iri in noted if f"`dkid:{iri.removeprefix(str(DKID))}`" not in readme]
    assert missing == []


def test_data_readme_lists_no_ambiguity_the_graph_lacks(data_graph: Graph) -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ambiguities in the sources", 1)[1].split("\n## ", 1)[0]
    # The facts a bullet is about stand before its first em dash.
    heads = [bullet.split(" — ", 1)[0] for bullet in section.split("\n- ")[1:]]
    listed = {name for head in heads for name in re.findall(r"`dkid:([\w-]+)`", head)}
    noted = {str(s).removeprefix(str(DKID)) for s in data_graph.subjects(DK.ambiguityNote, None)}
    assert listed == noted

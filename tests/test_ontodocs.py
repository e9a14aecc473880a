"""`diplokg docs`: every term of the ontology is documented, with its shapes."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.namespace import RDF, RDFS

from diplokg.cli import cli
from diplokg.namespaces import DK
from diplokg.ontodocs import ontology_terms, render_html, shape_notes
from diplokg.rdfio import parse_turtle

ROOT = Path(__file__).parents[1]
ONTOLOGY = ROOT / "ontology" / "diplomacy.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(cli, ["--home", str(ROOT), "docs", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{folder / 'index.html'}\n"
    return (folder / "index.html").read_text(encoding="utf-8")


def test_every_dk_class_and_property_has_a_section(page):
    ontology = parse_turtle(ONTOLOGY)
    parser = Ids()
    parser.feed(page)
    declared = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(DK))}
    assert declared, "no dk: terms found"
    missing = sorted(str(t) for t in declared if str(t)[len(str(DK)) :] not in parser.ids)
    assert missing == []
    for term in declared:
        assert f"dk:{str(term)[len(str(DK)) :]}" in page


def test_labels_comments_alignments_and_cameo(page):
    assert "A person travels to another country" in page
    assert "schema:NewsArticle" in page  # skos:closeMatch of dk:NewsReport
    assert "prov:wasGeneratedBy" in page  # rdfs:subPropertyOf of dk:startedBy
    assert "<code>161</code>" in page  # CAMEO code of dk:SeveranceOfRelations
    assert 'href="#Event"' in page


def test_shapes_of_the_real_shapes_file(page):
    shapes = parse_turtle(SHAPES)
    by_class, by_property = shape_notes(shapes)
    assert by_class and by_property
    some = next(iter(by_class.values()))[0]
    assert some.shape in page


def test_shapes_by_target_class_and_by_path():
    shapes = parse_turtle(ROOT / "tests" / "data" / "ontodocs" / "shapes.ttl")
    html = render_html(parse_turtle(ONTOLOGY), shapes)
    visit = html[html.index('id="Visit"') :]
    visit = visit[: visit.index("</section>")]
    assert "dksh:VisitShape" in visit
    assert "A visit needs a visitor." in visit
    date = html[html.index('id="date"') :]
    date = date[: date.index("</section>")]
    assert "At most one dk:date." in date


def test_terms_are_grouped_by_kind():
    terms = ontology_terms(parse_turtle(ONTOLOGY))
    assert DK.Visit in terms["classes"]
    assert DK.phaseOf in terms["object-properties"]
    assert DK.date in terms["datatype-properties"]
    assert DK.cameoCode in terms["annotation-properties"]
    assert DK.restored in terms["individuals"]
    assert RDFS.label not in sum(terms.values(), [])

"""`diplokg describe` and `diplokg stats`."""

from __future__ import annotations

import json

import pytest
from _toolkit import run

DESCRIBE_KOREA = """\
dkid:south-korea  "South Korea"
<https://w3id.org/diplokg/id/south-korea>

  rdf:type
      dk:State  (State)
  rdfs:label
      "South Korea"@en
      "대한민국"@ko

Incoming:
  dk:party  (party) of
      dkid:rel-1974  (Laos–South Korea relations (1974–1975))
      dkid:rel-1995  (Laos–South Korea relations (since 1995))

Evidence:
  dkid:rel-1974 — dkid:src-000 (000_test.txt, characters 0-43)
      "Relations were established on 22 June 1974."
  dkid:rel-1995 — dkid:src-000 (000_test.txt, characters 44-87)
      "Relations were restored on 25 October 1995."
"""


@pytest.mark.parametrize(
    "term",
    [
        "dkid:south-korea",
        "<https://w3id.org/diplokg/id/south-korea>",
        "https://w3id.org/diplokg/id/south-korea",
        "south korea",
        "대한민국",
    ],
)
def test_describe_by_iri_prefixed_name_or_label(term):
    result = run("describe", term)
    assert (result.exit_code, result.output) == (0, DESCRIBE_KOREA)


def test_describe_a_fact_shows_its_own_evidence():
    result = run("describe", "dkid:rel-1995")
    assert result.exit_code == 0
    assert result.output.endswith(
        "Evidence:\n"
        "  dkid:rel-1995 — dkid:src-000 (000_test.txt, characters 44-87)\n"
        '      "Relations were restored on 25 October 1995."\n'
    )
    assert '      "1995-10-25"^^xsd:date\n' in result.output


def test_unknown_term_is_exit_2_with_suggestion():
    result = run("describe", "Loas")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown term 'Loas': no such IRI or label in the graph; did you mean: 'Laos'?\n"
    )


def test_stats_counts_graphs_classes_and_sources():
    result = run("stats")
    assert result.exit_code == 0
    assert result.output.startswith(
        "Triples: 79 (union of all graphs)\n\n"
        "Triples per named graph:\n"
        "  ontology       34\n"
        "  relations      36\n"
        "  states          9\n\n"
    )
    assert result.output.endswith("Facts per source:\n  dkid:src-000       2\n")


def test_stats_json():
    data = json.loads(run("stats", "-f", "json").output)
    assert data["graphs"] == {"ontology": 34, "relations": 36, "states": 9}
    assert data["classes"]["dk:State"] == 2
    assert data["sources"] == {"dkid:src-000": 2}

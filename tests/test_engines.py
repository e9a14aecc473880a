"""Every saved query gives the same rows on Oxigraph as on rdflib's Memory store (the bundled
graph, default parameters), and the persistent store is rebuilt when a source file changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from diplokg.graph import KnowledgeGraph
from diplokg.oxstore import OxKnowledgeGraph, export_store, open_store
from diplokg.paths import resolve_home
from diplokg.queries import list_saved

ROOT = Path(__file__).parents[1]
HOME = resolve_home(ROOT)
QUERIES = list_saved(HOME)


@pytest.fixture(scope="module")
def engines() -> tuple[KnowledgeGraph, OxKnowledgeGraph]:
    return KnowledgeGraph.load(HOME), OxKnowledgeGraph.load(HOME, persistent=False)


def rows(result) -> list[tuple]:
    return [tuple(row.get(v) for v in result.vars) for row in result.bindings]


@pytest.mark.parametrize("saved", QUERIES, ids=lambda q: q.name)
def test_same_rows_on_both_engines(engines, saved) -> None:
    memory, oxigraph = engines
    expected, got = memory.query(saved), oxigraph.query(saved)
    assert [str(v) for v in got.vars] == [str(v) for v in expected.vars]
    # same rows, same order (every saved query ends in an ORDER BY that decides ties)
    assert rows(got) == rows(expected)


def test_store_rebuilt_when_a_source_changes(tmp_path: Path) -> None:
    home_dir = tmp_path / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    home = resolve_home(home_dir)
    store = open_store(home)
    first = len(store)
    del store
    assert (home_dir / ".diplokg" / "store.json").exists()
    reopened = open_store(home)
    assert len(reopened) == first
    del reopened
    extra = home_dir / "data" / "extra.ttl"
    extra.write_text(
        "@prefix dkid: <https://w3id.org/diplokg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'dkid:laos rdfs:comment "x" .\n',
        encoding="utf-8",
    )
    assert len(open_store(home)) == first + 1


def test_bundled_home_keeps_its_store_in_the_user_cache(tmp_path: Path, monkeypatch) -> None:
    """The home bundled in the package (or one this user may not write) gets its persistent
    store under $XDG_CACHE_HOME/diplokg/<hash>, never inside the package, and reopens it."""
    import diplokg.paths

    home_dir = tmp_path / "site-packages" / "diplokg" / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    monkeypatch.setattr(diplokg.paths, "bundled_home", lambda: home_dir.resolve())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = resolve_home(home_dir)
    assert home.store_dir.parent == tmp_path / "cache" / "diplokg"
    first = len(open_store(home))
    assert (home.store_dir / "store.json").exists()
    assert not (home_dir / ".diplokg").exists()
    assert len(open_store(home)) == first
    # another home has another folder
    assert resolve_home(ROOT).store_dir == ROOT / ".diplokg"


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "nq"])
def test_export_from_the_store_is_the_rdflib_export(engines, fmt) -> None:
    """``export_store`` (no rdflib dataset) writes the same bytes as the rdflib graph."""
    memory, oxigraph = engines
    assert export_store(oxigraph.store, fmt) == memory.export(fmt)


def test_rebuild_reads_strictly_only_the_changed_files(tmp_path: Path, monkeypatch) -> None:
    import diplokg.rdfio
    from diplokg.oxstore import build_store

    home_dir = tmp_path / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    home = resolve_home(home_dir)
    real = diplokg.rdfio.parse_turtle
    read: list[str] = []

    def spy(path, *args, **kwargs):
        read.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(diplokg.rdfio, "parse_turtle", spy)
    build_store(home)
    assert len(read) == 1 + len(home.data_files())
    read.clear()
    build_store(home)
    assert read == []
    changed = home.data_files()[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_store(home)
    assert read == [changed.name]


def _subjects_with_labels(kg: KnowledgeGraph) -> list[str]:
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    from diplokg.rdfio import term_text

    union = kg.union()
    texts = {term_text(s) for s in union.subjects(RDFS.label) if isinstance(s, URIRef)}
    # the data's entities (the ontology's terms show OWL blank nodes, whose ids differ per load)
    return sorted(t for t in texts if t.startswith("dkid:"))


def test_describe_and_stats_the_same_on_both_engines(engines) -> None:
    """On the Oxigraph engine (the CLI's default) describe prints what it prints on rdflib
    for every labelled entity of the bundled data, and stats in both formats."""
    from diplokg.describe import describe
    from diplokg.stats import compute_stats

    kg, ox = engines
    terms = _subjects_with_labels(kg)
    assert len(terms) > 50
    for term in terms:
        assert describe(ox, term).to_text() == describe(kg, term).to_text(), term
    assert compute_stats(ox).to_text() == compute_stats(kg).to_text()
    assert compute_stats(ox).to_json() == compute_stats(kg).to_json()


def _graphs(store) -> dict:
    """The store's named graphs as rdflib graphs (compared up to blank node labels)."""
    import pyoxigraph as ox

    from diplokg.oxstore import to_rdflib
    from diplokg.rdfio import new_graph

    graphs: dict = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        assert isinstance(quad.graph_name, ox.NamedNode)
        graph = graphs.setdefault(quad.graph_name.value, new_graph())
        graph.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))
    return graphs


def test_store_refresh_reloads_only_the_changed_graphs(tmp_path: Path, monkeypatch) -> None:
    """A changed, an added and a removed data file: only their graphs are reloaded, and the
    store then holds exactly what a full build of the same files holds."""
    from rdflib.compare import isomorphic

    import diplokg.oxstore

    home_dir = tmp_path / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    home = resolve_home(home_dir)
    open_store(home)  # full build
    real = diplokg.oxstore._fill
    loaded: list[list[str]] = []

    def spy(store, files, checked=frozenset()):
        loaded.append([Path(p).name for p, _ in files])
        return real(store, files, checked)

    monkeypatch.setattr(diplokg.oxstore, "_fill", spy)
    changed, removed = home.data_files()[0], home.data_files()[1]
    changed.write_text(
        changed.read_text(encoding="utf-8")
        + "\n<https://w3id.org/diplokg/id/laos> "
        + '<http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n',
        encoding="utf-8",
    )
    removed.unlink()
    added = home.data_dir / "extra.ttl"
    added.write_text(
        '<https://w3id.org/diplokg/id/laos> <http://www.w3.org/2000/01/rdf-schema#comment> "y" .\n',
        encoding="utf-8",
    )
    refreshed = open_store(home)
    assert loaded == [
        sorted([changed.name, added.name], key=[p.name for p in home.data_files()].index)
    ]
    assert json.loads((home.store_dir / "store.json").read_text(encoding="utf-8"))[
        "files"
    ].keys() == {str(p) for p, _ in diplokg.oxstore.source_files(home)}
    fresh_dir = tmp_path / "fresh"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(home_dir / name, fresh_dir / name)
    got, expected = _graphs(refreshed), _graphs(open_store(resolve_home(fresh_dir)))
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert isomorphic(got[name], expected[name]), name
    del refreshed
    loaded.clear()
    assert len(open_store(home)) == sum(len(g) for g in expected.values())
    assert loaded == []  # now current: reopened read-only, nothing reloaded


def test_store_refresh_after_an_ontology_change_rebuilds(tmp_path: Path, monkeypatch) -> None:
    import diplokg.oxstore

    home_dir = tmp_path / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    home = resolve_home(home_dir)
    first = len(open_store(home))
    calls: list[str] = []
    real = diplokg.oxstore.build_store
    monkeypatch.setattr(
        diplokg.oxstore, "build_store", lambda *a, **k: calls.append("build") or real(*a, **k)
    )
    home.ontology_file.write_text(
        home.ontology_file.read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert len(open_store(home)) == first
    assert calls == ["build"]


def test_store_refresh_that_would_remove_most_of_it_rebuilds(tmp_path: Path, monkeypatch) -> None:
    """Removing a graph costs more than loading it: when the changed files hold most of the
    store (past ``STRICT_BYTES``, here 0), the store is rebuilt instead of refreshed."""
    import diplokg.oxstore

    home_dir = tmp_path / "home"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, home_dir / name)
    home = resolve_home(home_dir)
    first = len(open_store(home))
    monkeypatch.setattr(diplokg.oxstore, "STRICT_BYTES", 0)
    calls: list[str] = []
    real = diplokg.oxstore.build_store
    monkeypatch.setattr(
        diplokg.oxstore, "build_store", lambda *a, **k: calls.append("build") or real(*a, **k)
    )
    biggest = max(home.data_files(), key=lambda p: p.stat().st_size)
    biggest.write_text(biggest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(open_store(home)) == first
    assert calls == ["build"]

"""Benchmark diplokg against rdflib Memory and pyoxigraph on synthetic graphs; print one table.

Usage::

    python bench/run.py --sizes 10000 100000 [--runs 3] [--cap 30] [--workdir /tmp/diplokg-bench]

For each size a home is generated (bench/generate.py: ontology + ~N synthetic triples). Each
engine runs in its own process, which loads the graph once and then times every operation
``--runs`` times (median), each run in a forked child of the loaded process; an operation
whose single run exceeds ``--cap`` seconds is killed and shown as ``> cap``, never dropped.
Peak RSS is the largest maximum resident set of the engine process and its children (load +
every operation), from ``getrusage``; for diplokg it is taken before full validation, which
loads the rdflib dataset (in its child), and again after it.

Rows: load (diplokg: build the persistent Oxigraph store, as ``diplokg load``), reopen
the store (diplokg), each saved report query (its default parameters, bound as a VALUES
block for the engines without ``initBindings``), validate a ~100-triple batch (new facts:
five visits copied under fresh IRIs, validated incrementally with the neighbourhood read from
the Oxigraph store), full validate, export Turtle, and cold ``diplokg query`` (a new process:
import, load, query, print, from the store built by load). Columns: diplokg (its library API:
Oxigraph store for load, queries and the batch's neighbourhood, rdflib for full validation
and Turtle export), rdflib Memory (``Graph.parse`` +
``Graph.query``), pyoxigraph direct (in memory, and "pyoxigraph disk": the same on an on-disk
RocksDB store, as diplokg keeps it), Virtuoso (a private server started for the run as
tests/_virtuoso.py does; load is ``diplokg push --graph-store``, one PUT per graph; queries
are POSTed with the SPARQL protocol; skipped when ``virtuoso-t`` is missing), and the ratios
diplokg/pyoxigraph, diplokg/pyoxigraph disk and rdflib/diplokg. "—" means the engine has no
such operation.

What the pyoxigraph columns measure, so that both sides do the same work: the data as diplokg
holds it (one named graph per file, ``bulk_load(..., to_graph=...)``; queries over the union
of the graphs, ``use_default_graph_as_union=True``; the default parameters bound by the same
VALUES block), every solution read with every value as a Python term (``tuple(solution)``);
diplokg's query also turns those terms into rdflib terms and an rdflib ``Result``. "pyoxigraph
disk" loads with ``Store(path)`` + ``bulk_load`` + ``flush`` + ``optimize`` (diplokg's load
without the strict reader and the hashes) and queries that store reopened read-only. Each
run's home gets the checkout's current ``queries/`` (the saved queries as they are now).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

ENGINES = ("diplokg", "rdflib", "pyoxigraph", "pyoxigraph-disk", "virtuoso")


def _one_run(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed(fn, runs: int, cap: float) -> dict:
    """Median of ``runs`` calls of ``fn``; ``{"capped": True}`` if one run exceeds ``cap``.

    Each run is a forked child of the engine process (its loaded store or graph shared
    copy-on-write), killed at the cap: a signal cannot interrupt a query running inside
    Oxigraph's native code, and a child that ends is never mistaken for one that was cut.
    """
    from diplokg.workers import TimeLimitExceeded, call_with_time_limit

    times = []
    for _ in range(runs):
        try:
            times.append(call_with_time_limit(lambda: _one_run(fn), cap))
        except TimeLimitExceeded:
            return {"capped": True}
        except Exception as exc:  # noqa: BLE001 — an engine refusing a query is a result
            return {"error": str(exc)[:200]}
    return {"median": statistics.median(times), "runs": len(times)}


def report_queries(home: Path):
    from diplokg.paths import resolve_home
    from diplokg.queries import list_saved

    return [q for q in list_saved(resolve_home(home)) if q.path and q.path.parent.name == "queries"]


def files_of(home: Path) -> list[Path]:
    return [home / "ontology" / "diplomacy.ttl", *sorted((home / "data").glob("*.ttl"))]


def batch_of(kg) -> set:
    """~100 triples: five visits, their evidence and selectors, the holdings' attestedAt.

    ``kg`` is a ``KnowledgeGraph`` or an ``OxKnowledgeGraph`` (read from its store)."""
    from rdflib import URIRef

    from diplokg.incremental import neighbourhood_source
    from diplokg.namespaces import DK

    lookup, _ = neighbourhood_source(kg)
    if getattr(type(kg), "engine", None) == "oxigraph":
        rows = kg.store.query(
            "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
            'FILTER (STRENDS(STR(?s), "-visit-1")) }'
        )
        visits = sorted((URIRef(row["s"].value) for row in rows), key=str)[:5]
    else:
        visits = sorted(
            {s for s in kg.dataset.subjects(None, None) if str(s).endswith("-visit-1")}, key=str
        )[:5]
    batch = set()
    for visit in visits:
        for t in lookup(visit, None, None):
            batch.add(t)
            if t[1] == DK.evidence:
                ev = t[2]
                batch |= set(lookup(ev, None, None))
                for suffix in ("-quote", "-pos"):
                    batch |= set(lookup(URIRef(str(ev) + suffix), None, None))
        batch |= set(lookup(None, DK.attestedAt, visit))
    return batch


def renamed(batch: set) -> set:
    """``batch`` as new facts: its visits get fresh IRIs (``-b``); the evidence (its IRI is
    built from source and offsets), holdings, people, places and sources stay."""
    from rdflib import URIRef

    from diplokg.namespaces import DK

    rename = {s: URIRef(str(s) + "-b") for s, p, _ in batch if p == DK.evidence}
    return {tuple(rename.get(term, term) for term in triple) for triple in batch}


def engine_main(engine: str, home: Path, runs: int, cap: float) -> dict:
    """Run every operation of one engine; print a JSON dict op -> result."""
    out: dict[str, dict] = {}
    queries = report_queries(home)
    texts = {q.name: q.portable_text({}) for q in queries}
    files = files_of(home)
    if engine == "diplokg":
        from diplokg.graph import KnowledgeGraph
        from diplokg.oxstore import OxKnowledgeGraph, build_store, export_store, open_store
        from diplokg.paths import resolve_home
        from diplokg.validation import validate_triples

        h = resolve_home(home)

        def fresh_load():
            # a first build: no manifest, so the strict reader reads every file up to 2 MB
            (h.store_dir / "store.json").unlink(missing_ok=True)
            return build_store(h)

        out["load"] = timed(fresh_load, runs, cap * 4)
        out["reopen store"] = timed(lambda: open_store(h), runs, cap)
        ox = OxKnowledgeGraph(h, open_store(h))
        for q in queries:
            out[f"query {q.name}"] = timed(lambda q=q: ox.query(q).bindings, runs, cap)
        # a batch of new facts (five visits copied under fresh IRIs) validated incrementally
        # against the store: its neighbourhood is read from Oxigraph, no rdflib dataset
        batch = renamed(batch_of(ox))

        def validate_batch():
            return validate_triples(ox, batch, [], incremental=True)

        validate_batch()  # once in this process: shapes parsed and cached, as in a session
        out["validate batch"] = timed(validate_batch, runs, cap)
        out["validate batch"]["triples"] = len(batch)
        # the same Turtle as `diplokg export`, written from the store (oxstore.export_store)
        out["export Turtle"] = timed(lambda: export_store(ox.store, "ttl"), runs, cap)
        out["peak RSS MB"] = {"value": peak_rss_mb()}
        # full validation (`validate --all`) loads the rdflib dataset: in the child only, so
        # the peak above is that of the commands that run on the store
        out["full validate"] = timed(lambda: KnowledgeGraph.load(home).validate(), 1, cap)
        out["peak RSS MB with full validate"] = {"value": peak_rss_mb()}
    elif engine == "rdflib":
        from rdflib import Graph

        def load():
            g = Graph()
            for f in files:
                g.parse(f, format="turtle")
            return g

        out["load"] = timed(load, runs, cap * 4)
        g = load()
        for q in queries:
            out[f"query {q.name}"] = timed(lambda q=q: list(g.query(texts[q.name])), runs, cap)
        out["export Turtle"] = timed(lambda: g.serialize(format="turtle"), runs, cap)
    elif engine in ("pyoxigraph", "pyoxigraph-disk"):
        import tempfile

        import pyoxigraph as ox

        from diplokg.oxstore import source_files
        from diplokg.paths import resolve_home

        sources = source_files(resolve_home(home))  # (file, graph IRI), as diplokg loads them
        folder = Path(tempfile.mkdtemp(prefix="diplokg-bench-ox-"))
        store = None

        def load():
            if engine == "pyoxigraph":
                store = ox.Store()
            else:
                shutil.rmtree(folder / "store", ignore_errors=True)
                store = ox.Store(str(folder / "store"))
            for f, graph in sources:
                store.bulk_load(
                    path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
                )
            if engine == "pyoxigraph-disk":
                store.flush()
                store.optimize()
            return store

        def answer(text: str) -> list:
            return [tuple(s) for s in store.query(text, use_default_graph_as_union=True)]

        try:
            out["load"] = timed(load, runs, cap * 4)
            store = load()
            if engine == "pyoxigraph-disk":
                del store
                store = ox.Store.read_only(str(folder / "store"))
            for q in queries:
                out[f"query {q.name}"] = timed(lambda q=q: answer(texts[q.name]), runs, cap)
            out["export Turtle"] = timed(
                lambda: [
                    store.dump(format=ox.RdfFormat.TURTLE, from_graph=g)
                    for g in store.named_graphs()
                ],
                runs,
                cap,
            )
        finally:
            del store
            shutil.rmtree(folder, ignore_errors=True)
    elif engine == "virtuoso":
        import tempfile

        sys.path.insert(0, str(ROOT / "tests"))
        from _virtuoso import Virtuoso

        from diplokg.oxstore import OxKnowledgeGraph
        from diplokg.paths import resolve_home
        from diplokg.remote import push, run_remote

        server = Virtuoso(Path(tempfile.mkdtemp(prefix="diplokg-bench-virtuoso-")))
        try:
            # load = diplokg push --graph-store: one Graph Store Protocol PUT of N-Triples per
            # named graph, read from diplokg's Oxigraph store (built here, not timed)
            kg = OxKnowledgeGraph.load(resolve_home(home))
            graph_store = server.endpoint.rsplit("/", 1)[0] + "/sparql-graph-crud"
            out["load"] = timed(
                lambda: push(kg, server.endpoint, graph_store=graph_store), runs, cap * 4
            )
            del kg
            for q in queries:
                out[f"query {q.name}"] = timed(
                    lambda q=q: run_remote(server.endpoint, q).bindings, runs, cap
                )
        finally:
            server.stop()
    out.setdefault("peak RSS MB", {"value": peak_rss_mb()})
    return out


def peak_rss_mb() -> float:
    """The largest resident set so far of this process or any child it waited for."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    return max(resource.getrusage(w).ru_maxrss for w in who) / 1024


def cold_query(home: Path, runs: int, cap: float) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "diplokg",
                    "--home",
                    str(home),
                    "-q",
                    "query",
                    "status-on-date",
                    "-f",
                    "csv",
                ],
                capture_output=True,
                check=True,
                timeout=cap,
                env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
            )
        except subprocess.TimeoutExpired:
            return {"capped": True}
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "runs": runs}


def import_times(runs: int) -> str:
    """Cold import time of each library in a fresh interpreter (median of ``runs``)."""
    parts = []
    for module in ("pyoxigraph", "rdflib", "diplokg.cli", "pyshacl", "owlrl"):
        code = (
            "import time; t = time.perf_counter(); import " + module + "; "
            "print(time.perf_counter() - t)"
        )
        times = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
                ).stdout
            )
            for _ in range(runs)
        ]
        parts.append(f"{module} {statistics.median(times) * 1000:.0f} ms")
    return "cold imports: " + ", ".join(parts)


def cell(result: dict | None) -> str:
    if result is None:
        return "—"
    if result.get("capped"):
        return "> cap"
    if "error" in result:
        return "error"
    if "value" in result:
        return f"{result['value']:.0f}"
    value = result["median"]
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "median" not in a or "median" not in b or b["median"] == 0:
        if a and b and a.get("capped") and "median" in b:
            return "> cap/x"
        if a and b and b.get("capped") and "median" in a:
            return "< 1"
        return "—"
    return f"{a['median'] / b['median']:.1f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/diplokg-bench"))
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine:
        print(json.dumps(engine_main(args.engine, args.home, args.runs, args.cap)))
        return 0

    from generate import make_home

    # diplokg caps the size of an input file (10 MB by default); benchmark graphs are larger
    os.environ.setdefault("DIPLOKG_MAX_INPUT_BYTES", str(1 << 34))

    print(
        f"machine: {os.cpu_count()} cores (nproc), "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    print(import_times(args.runs))
    print(
        f"medians of {args.runs} runs, seconds; cap {args.cap:.0f} s per run "
        f"(load: {args.cap * 4:.0f} s)\n"
    )
    for size in args.sizes:
        home = args.workdir / f"home-{size}"
        if not (home / "data" / "synthetic.ttl").exists():
            make_home(home, size)
        shutil.copytree(ROOT / "queries", home / "queries", dirs_exist_ok=True)
        results: dict[str, dict] = {}
        for engine in ENGINES:
            if engine == "virtuoso" and not shutil.which("virtuoso-t"):
                results[engine] = {}
                continue
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--engine",
                    engine,
                    "--home",
                    str(home),
                    "--runs",
                    str(args.runs),
                    "--cap",
                    str(args.cap),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                results[engine] = {}
            else:
                results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        results["diplokg"]["cold diplokg query"] = cold_query(home, args.runs, args.cap)
        rows = [r for r in results["diplokg"] if not r.startswith("peak RSS")]
        rows = (
            ["load", "reopen store"]
            + [r for r in rows if r.startswith("query ")]
            + [
                "validate batch",
                "full validate",
                "export Turtle",
                "cold diplokg query",
                "peak RSS MB",
                "peak RSS MB with full validate",
            ]
        )
        print(f"### {size:,} synthetic triples (+ the ontology)\n")
        print(
            "| operation | diplokg | rdflib Memory | pyoxigraph | pyoxigraph disk | Virtuoso "
            "| diplokg/pyoxigraph | diplokg/pyoxigraph disk | rdflib/diplokg |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            d, r, o, od, v = (results[e].get(row) for e in ENGINES)
            label = row
            if row == "validate batch" and d and "triples" in d:
                label = f"validate a {d['triples']}-triple batch"
            print(
                f"| {label} | {cell(d)} | {cell(r)} | {cell(o)} | {cell(od)} | {cell(v)} "
                f"| {ratio(d, o)} | {ratio(d, od)} | {ratio(r, d)} |"
            )
        print()
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``diplokg`` command: a thin click shell over ``diplokg.graph.KnowledgeGraph``.

Why thin: every command parses options, calls one library function and prints its result, so
the same behaviour is available to Python callers and tests. Domain errors are turned into
exit codes in one place, ``DiplokgGroup.invoke`` (see ``errors`` for the contract).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DiplokgError, ExitCode, ViolationsError
from .paths import Home, resolve_home


class DiplokgGroup(click.Group):
    """The one place where library errors become messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PermissionError as exc:
            from .sandbox import SandboxViolation

            if not isinstance(exc, SandboxViolation):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(int(ExitCode.USAGE))
        except DiplokgError as exc:
            report = getattr(exc, "report", None)
            if isinstance(exc, ViolationsError) and report is not None:
                fmt = ctx.meta.get("diplokg.report_format", "text")
                click.echo(report.render(fmt), nl=False)
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(int(exc.exit_code))


# --- shared options (defined once) ------------------------------------------------------------


def reason_option(func: Callable) -> Callable:
    return click.option(
        "--reason",
        is_flag=True,
        help="Add OWL RL inferences (kept in graph GRAPH:inferred, never written to data/).",
    )(func)


def format_option(choices: tuple[str, ...], default: str | None, help: str) -> Callable:
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=default is not None,
        help=help,
    )


def output_option(func: Callable) -> Callable:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file (atomically) instead of standard output.",
    )(func)


def _home(ctx: click.Context) -> Home:
    return resolve_home(ctx.find_root().params.get("home"))


def _load(ctx: click.Context, reason: bool = False):
    from .graph import KnowledgeGraph
    from .progress import activity

    what = "Loading the graph" + (" and inferring (OWL RL)" if reason else "")
    with activity(what, quiet=bool(ctx.find_root().params.get("quiet"))):
        return KnowledgeGraph.load(_home(ctx), reason=reason)


def _engine(ctx: click.Context) -> str:
    """The local engine the global ``--engine`` option (or ``$DIPLOKG_ENGINE``) names."""
    return ctx.find_root().params.get("engine") or "oxigraph"


def _local_graph(ctx: click.Context, reason: bool = False):
    """The home's graph on the local engine: Oxigraph (persistent store) unless ``--engine
    rdflib`` or ``--reason`` (inferences are computed with rdflib)."""
    if reason or _engine(ctx) == "rdflib":
        return _load(ctx, reason)
    from .oxstore import OxKnowledgeGraph

    return OxKnowledgeGraph.load(_home(ctx))


def _load_for_query(ctx: click.Context, reason: bool = False):
    """The graph a reading command (``query``, ``export``, ``describe``, ``stats``) runs on:
    the ``--endpoint`` if given (not with ``--reason``: inferences are computed with rdflib),
    else the local engine."""
    endpoint = ctx.find_root().params.get("endpoint")
    if endpoint and not reason:
        from .remote import RemoteKnowledgeGraph

        return RemoteKnowledgeGraph(_home(ctx), endpoint)
    return _local_graph(ctx, reason)


def _connect(ctx: click.Context) -> None:
    """``guard`` for a reading command: only the ``--endpoint``, if any, may be reached; only
    the Oxigraph store (built or refreshed on first use) may be written."""
    endpoint = ctx.find_root().params.get("endpoint")
    guard(ctx, write=(_home(ctx).store_dir,), connect=(endpoint,) if endpoint else ())


def guard(
    ctx: click.Context,
    read: tuple[Path | None, ...] = (),
    write: tuple[Path | None, ...] = (),
    connect: tuple[str, ...] = (),
) -> None:
    """Lock this process in (see ``sandbox``): no network, no programs, files only in the
    home, the given input files and the output folders. Not inside pytest (the hook cannot
    be removed); the tests run the command in a subprocess to check it."""
    from .sandbox import in_pytest, install

    if in_pytest():
        return
    readable = [Path(p).resolve() for p in read if p is not None]
    writable = [Path(p).resolve() for p in write if p is not None]
    install(_home(ctx).root, readable, writable, f"diplokg {ctx.info_name}", connect)


def _emit(text: str, output: Path | None = None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        from .rdfio import atomic_write

        atomic_write(output, text.encode("utf-8"))


# --- commands -------------------------------------------------------------------------------


@click.group(cls=DiplokgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Home folder (ontology/, data/, queries/). Default: $DIPLOKG_HOME, the source "
    "checkout, or the copy bundled with the package.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress display (it is shown only on a terminal)."
)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    envvar="DIPLOKG_ENGINE",
    help="Store that answers the reading commands, `add` and `serve`: Oxigraph (kept on disk "
    "under HOME/.diplokg, or ~/.cache/diplokg for a home you may not write) or rdflib's "
    "Memory store. $DIPLOKG_ENGINE sets it too.",
)
@click.option(
    "--endpoint",
    envvar="DIPLOKG_ENDPOINT",
    metavar="URL",
    help="Run `query`, `export`, `describe` and `stats` at this SPARQL 1.1 endpoint instead "
    "($DIPLOKG_ENDPOINT); credentials only from $DIPLOKG_ENDPOINT_USER and "
    "$DIPLOKG_ENDPOINT_PASSWORD.",
)
@click.version_option(__version__, "--version", prog_name="diplokg")
def cli(home: Path | None, quiet: bool, engine: str, endpoint: str | None) -> None:
    """diplokg: a knowledge graph of diplomatic relations, with evidence for every fact.

    Exit codes: 0 success or conforms, 1 facts rejected (violations), 2 unreadable input,
    usage error, refused query or a limit hit (query --timeout, inference caps).

    \b
    Example:
        diplokg query status-on-date -p date=1980-01-01
    """


@cli.command()
@click.pass_context
def queries(ctx: click.Context) -> None:
    """List the saved queries with their summary and parameters.

    \b
    Example:
        diplokg queries
    """
    from .queries import list_saved

    for saved in list_saved(_home(ctx)):
        click.echo(f"{saved.name}  {saved.summary}".rstrip())
        for param in saved.parameters:
            default = f" = {param.default}" if param.default is not None else " (required)"
            doc = f"  {param.description}" if param.description else ""
            click.echo(f"    -p {param.name}=<{param.type}>{default}{doc}")


@cli.command()
@click.pass_context
def load(ctx: click.Context) -> None:
    """Build or refresh the Oxigraph store under HOME/.diplokg/ from ontology/ and data/.

    Later commands reopen it instead of parsing the Turtle again; a change to any source
    file (size, time or content) is noticed and the store rebuilt. The home bundled in the
    package, or one you may not write, keeps its store in ~/.cache/diplokg/ instead
    ($XDG_CACHE_HOME/diplokg/).

    \b
    Example:
        diplokg load
    """
    import time

    from .oxstore import build_store

    home = _home(ctx)
    guard(ctx, write=(home.store_dir,))
    start = time.perf_counter()
    store = build_store(home)
    click.echo(
        f"Loaded {len(store)} triples into {home.store_dir / 'store'} "
        f"in {time.perf_counter() - start:.2f} s."
    )


@cli.command()
@click.option("--endpoint", "target", metavar="URL", help="SPARQL 1.1 endpoint (accepting Update).")
@click.option(
    "--graph-store",
    metavar="URL",
    envvar="DIPLOKG_GRAPH_STORE",
    help="SPARQL 1.1 Graph Store HTTP Protocol URL: one PUT per graph instead of Update "
    "($DIPLOKG_GRAPH_STORE). Virtuoso: http://HOST:8890/sparql-graph-crud-auth (Digest).",
)
@click.option("--graph", metavar="IRI", help="Put every triple in this one named graph.")
@click.pass_context
def push(
    ctx: click.Context, target: str | None, graph_store: str | None, graph: str | None
) -> None:
    """Load the graph into a SPARQL endpoint: one named graph per source file, replaced whole.

    With --graph-store URL each graph is one PUT of N-Triples (Graph Store Protocol, which
    replaces the graph); without it, SPARQL Update at the endpoint (DROP SILENT GRAPH, then
    INSERT DATA in batches). The graph store is not guessed: give its URL. Running push again
    leaves the same graphs. Credentials only from $DIPLOKG_ENDPOINT_USER and
    $DIPLOKG_ENDPOINT_PASSWORD.

    \b
    Examples:
        diplokg push --endpoint http://127.0.0.1:8890/sparql
        diplokg push --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth
    """
    from .remote import push as push_graph

    endpoint = target or ctx.find_root().params.get("endpoint")
    if not endpoint and not graph_store:
        raise click.UsageError("push needs --endpoint URL (or $DIPLOKG_ENDPOINT) or --graph-store")
    guard(
        ctx,
        write=(_home(ctx).store_dir,),
        connect=tuple(url for url in (endpoint, graph_store) if url),
    )
    written = push_graph(_local_graph(ctx), endpoint, graph=graph, graph_store=graph_store)
    for name, count in written.items():
        click.echo(f"{name}: {count} triples")


@cli.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a query parameter (repeatable). Values are checked against the declared type.",
)
@format_option(
    ("table", "csv", "tsv", "json", "xml", "md", "ttl", "nt", "jsonld"),
    None,
    "Output format: table (default for SELECT/ASK), csv, tsv, json, xml, md; "
    "ttl (default for CONSTRUCT/DESCRIBE), nt, jsonld.",
)
@click.option(
    "--show", is_flag=True, help="Print the query with its values bound (VALUES block); do not run."
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Time limit for running the query (0: none); past it the query is stopped, exit 2.",
)
@reason_option
@click.pass_context
def query(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    fmt: str | None,
    show: bool,
    timeout: float,
    reason: bool,
) -> None:
    """Run a saved query NAME (see `diplokg queries`), a .rq file, or SPARQL text.

    Results of SELECT are a table or a W3C SPARQL results format (csv, tsv, json, xml);
    CONSTRUCT/DESCRIBE print RDF; ASK prints true or false.

    \b
    Examples:
        diplokg query status-on-date -p date=1980-01-01
        diplokg query status-on-date -p date=1995-12-31 -f json
        diplokg query my-query.rq -f csv
        diplokg query 'SELECT ?s WHERE { ?s a dk:State }'
    """
    from .queries import parse_assignments, resolve_query
    from .results import render

    guard(
        ctx,
        read=(Path(name),) if name.endswith(".rq") else (),
        write=(_home(ctx).store_dir,),
        connect=tuple(e for e in [ctx.find_root().params.get("endpoint")] if e),
    )
    values = parse_assignments(params)
    saved = resolve_query(_home(ctx), name)
    if show:
        click.echo(saved.portable_text(values), nl=False)
        return
    from .graph import home_graph_names, prepare_sparql
    from .oxstore import reaches_out

    endpoint = ctx.find_root().params.get("endpoint")
    on_oxigraph = not (reason or endpoint or _engine(ctx) == "rdflib")
    if not on_oxigraph or reaches_out(saved.text):
        # refuse SERVICE, FROM, Update first; on Oxigraph, a query without those words needs
        # no rdflib parse (~0.3 s cold): OxKnowledgeGraph.query reports its syntax errors
        prepare_sparql(saved, home_graph_names(_home(ctx)))
    else:
        from .oxstore import check_syntax

        check_syntax(saved, values)  # before the store is opened: a typo changes nothing
    kg = _load_for_query(ctx, reason)
    click.echo(run_limited(lambda: render(kg.query(saved, values), fmt), timeout), nl=False)


def run_limited(func: Callable[[], str], timeout: float) -> str:
    """``func()`` in a child process killed after ``timeout`` s (0: in this process)."""
    if not timeout:
        return func()
    from .errors import TimeLimitError
    from .workers import TimeLimitExceeded, call_with_time_limit

    try:
        return call_with_time_limit(func, timeout)
    except TimeLimitExceeded:
        raise TimeLimitError(f"query exceeded the time limit of {timeout:g} s") from None


@cli.command()
@format_option(
    ("ttl", "nt", "jsonld", "trig", "nq"),
    "ttl",
    "ttl/nt/jsonld merge all graphs; trig/nq keep one named graph per file.",
)
@output_option
@reason_option
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, reason: bool) -> None:
    """Write the whole graph (ontology + data) in one RDF format.

    Turtle, TriG and N-Triples/N-Quads output is deterministic: the same graph gives the
    same bytes on every run.

    \b
    Examples:
        diplokg export -o diplokg.ttl
        diplokg export -f trig --reason -o diplokg-inferred.trig
        diplokg --endpoint http://127.0.0.1:8890/sparql export -f nq
    """
    from .remote import export_graph

    endpoint = ctx.find_root().params.get("endpoint")
    guard(
        ctx,
        write=(output.parent if output is not None else None, _home(ctx).store_dir),
        connect=(endpoint,) if endpoint and not reason else (),
    )
    _emit(export_graph(_load_for_query(ctx, reason), fmt), output)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "whole", is_flag=True, help="Validate the whole graph instead of files.")
@format_option(
    ("text", "json", "ttl"),
    "text",
    "text: grouped by focus node with file:line; json: a list; ttl: the SHACL report graph.",
)
@reason_option
@click.pass_context
def validate(
    ctx: click.Context, paths: tuple[Path, ...], whole: bool, fmt: str, reason: bool
) -> None:
    """Check new fact files against the shapes, in the context of the existing graph.

    Only violations the new files introduce are reported (the existing data is the
    baseline). Exit code 0 if they conform, 1 if there are violations.

    \b
    Examples:
        diplokg validate new-facts.ttl
        diplokg validate new-facts.ttl -f json
        diplokg validate --all
    """
    if bool(paths) == whole:
        raise click.UsageError("give fact files to validate, or --all (not both)")
    guard(ctx, read=paths, write=(_home(ctx).store_dir,))
    kg = _load(ctx) if whole else _local_graph(ctx, reason)
    if kg.engine == "oxigraph":
        # new facts against the Oxigraph store: their neighbourhood is read from it, so the
        # cost follows the batch, not the graph (no rdflib dataset is built)
        from .validation import validate_new

        report = validate_new(kg, paths)
    else:
        report = kg.validate(paths, reason=reason)
    click.echo(report.render(fmt), nl=False)
    if not report.conforms:
        count = len(report.violations)
        raise ViolationsError(f"{count} violation{'s' if count != 1 else ''} in {report.scope()}")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--into",
    metavar="data/FILE.ttl",
    help="Data file to merge into (default: data/<stem of PATH>.ttl, created if missing).",
)
@reason_option
@click.pass_context
def add(ctx: click.Context, path: Path, into: str | None, reason: bool) -> None:
    """Validate a fact file, then merge its new triples into data/.

    On any violation nothing is written (exit 1, with the report). Triples already in
    data/ are counted as duplicates and not added again. Safe to run concurrently.

    \b
    Examples:
        diplokg add new-facts.ttl
        diplokg add new-facts.ttl --into data/relations.ttl
    """
    from .merge import add_file

    guard(ctx, read=(path,), write=(_home(ctx).data_dir, _home(ctx).store_dir))
    result = add_file(_home(ctx), path, into=into, reason=reason, engine=_engine(ctx))
    click.echo(result.summary())


@cli.command()
@click.argument("term")
@click.pass_context
def describe(ctx: click.Context, term: str) -> None:
    """Show everything the graph says about TERM, incoming links and evidence quotes.

    TERM is a full IRI, a prefixed name or an exact label (case-insensitive).

    \b
    Examples:
        diplokg describe dkid:laos
        diplokg describe "South Korea"
    """
    from .describe import describe as describe_term

    _connect(ctx)
    kg = _load_for_query(ctx)
    click.echo(describe_term(kg, term).to_text(), nl=False)


@cli.command()
@format_option(("text", "json"), "text", "Output format.")
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Count triples per named graph, instances per class and facts per source.

    \b
    Example:
        diplokg stats
    """
    from .stats import compute_stats

    _connect(ctx)
    result = compute_stats(_load_for_query(ctx))
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Time limit per query; a query past it is killed and answered with 503.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Row (or triple) limit per result; a cut result is marked, never silent.",
)
@click.option(
    "--workers",
    default=0,
    type=click.IntRange(min=0),
    help="Query worker processes (default: one per core).",
)
@click.option(
    "--max-concurrent",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Queries in flight at once; past it: 503 with Retry-After.",
)
@click.option(
    "--max-request-bytes",
    default=256 * 1024,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest request body or URL query string; past it: 413.",
)
@reason_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    max_concurrent: int,
    max_request_bytes: int,
    reason: bool,
) -> None:
    """Serve the graph read-only: SPARQL endpoint, saved queries, entity pages, query page.

    /sparql speaks the SPARQL 1.1 Protocol (no Update, no SERVICE, no FROM outside the
    dataset); /queries/NAME?param=value runs a saved query; /id/SLUG shows an entity.
    Queries are answered by an in-memory Oxigraph store (--engine rdflib, or --reason, for
    rdflib's); with --endpoint URL the server is a read-only proxy in front of that SPARQL
    endpoint, refusing here what it refuses locally. Listens on 127.0.0.1 unless --host says
    otherwise. Stop with Ctrl-C.

    \b
    Examples:
        diplokg serve --port 8000 --timeout 5
        curl 'http://127.0.0.1:8000/queries/status-on-date?date=1980-01-01' -H 'Accept: text/csv'
        diplokg --endpoint http://127.0.0.1:8890/sparql serve --port 8001
    """
    from .server import run_serve

    root = ctx.find_root().params
    if root.get("endpoint") and reason:
        raise click.UsageError("--reason computes inferences locally: not with --endpoint")
    run_serve(
        _home(ctx),
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        reason=reason,
        workers=workers,
        max_concurrent=max_concurrent,
        max_request_bytes=max_request_bytes,
        engine=_engine(ctx),
        endpoint=root.get("endpoint"),
    )


@cli.command()
@click.option(
    "--between",
    nargs=2,
    metavar="A B",
    help="The two parties (IRI, prefixed name or label). Default: the relationship of the "
    "saved query timeline.",
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the rows the picture is drawn from, as JSON.",
)
@output_option
@click.pass_context
def timeline(
    ctx: click.Context, between: tuple[str, str] | None, data: Path | None, output: Path | None
) -> None:
    """Draw the history of a bilateral relationship (.svg or .png; SVG to standard output).

    Status phases are coloured bands; dated events are markers in lanes (status changes,
    visits each way, agreements, meetings and statements, other); a year or month is drawn
    as a bar that wide; events without a date are listed under the axis, never placed on it.

    \b
    Examples:
        diplokg timeline -o timeline.svg
        diplokg timeline --between Laos "South Korea" -o timeline.png --data timeline.json
    """
    from .timeline import build_timeline, check_suffix, render_timeline, write_timeline

    if output is not None:
        check_suffix(output)
        write_timeline(_load(ctx), output, between or None, data)
        return
    built = build_timeline(_load(ctx), between or None)
    if data is not None:
        _emit(built.to_json(), data)
    _emit(render_timeline(built, ".svg").decode("utf-8"))


@cli.command("graph")
@click.argument("term")
@click.option(
    "--depth", type=click.IntRange(1, 4), default=1, show_default=True, help="Links to follow."
)
@click.option("--evidence", is_flag=True, help="Also show evidence nodes and source documents.")
@output_option
@click.pass_context
def graph_command(
    ctx: click.Context, term: str, depth: int, evidence: bool, output: Path | None
) -> None:
    """Draw the neighbourhood of TERM (.svg, .png or .dot; DOT to standard output).

    TERM is found as by `diplokg describe`. Nodes are styled by kind (polity, person, event,
    place, agreement, …), edges carry the property's label. .svg and .png need Graphviz's
    `dot` program; .dot does not.

    \b
    Examples:
        diplokg graph dkid:restoration-1995 -o restoration.svg
        diplokg graph "South Korea" --depth 2 -o south-korea.dot
    """
    from .diagram import check_suffix, neighbourhood_diagram

    suffix = ".dot" if output is None else check_suffix(output)
    picture = neighbourhood_diagram(_load(ctx), term, depth, evidence, suffix)
    if output is None:
        click.echo(picture.decode("utf-8"), nl=False)
    else:
        from .rdfio import atomic_write

        atomic_write(output, picture)


@cli.command()
@click.option(
    "-o",
    "--output",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html into (created if missing).",
)
@click.pass_context
def docs(ctx: click.Context, folder: Path) -> None:
    """Write HTML documentation of the ontology, with the SHACL shapes for each term.

    \b
    Example:
        diplokg docs -o site/ontology
    """
    from .ontodocs import write_docs

    home = _home(ctx)
    click.echo(write_docs(home.ontology_file, home.shapes_file, folder))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="diplokg")


__all__ = ["cli", "main", "ExitCode"]

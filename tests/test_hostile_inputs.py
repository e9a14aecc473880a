"""Malformed and hostile inputs (tests/data/bad/MANIFEST.tsv): exit code, message, no change.

Each file goes through every command its row names (``validate``, ``add``, ``query``) against
a fresh copy of the mini home; the command must exit with the listed code, print
``Error: <file>:<fragment>`` without a traceback, and leave the home byte-for-byte as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from _toolkit import copy_home, digest, run, run_process

BAD = Path(__file__).parent / "data" / "bad"
CAP = 10 * 1024 * 1024


def manifest() -> list[tuple[str, str, int, str]]:
    lines = [
        line
        for line in (BAD / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        (row["file"], command, int(row["exit"]), row["message"])
        for row in rows
        for command in row["commands"].split()
    ]


CASES = manifest()


def test_the_corpus_is_large_and_every_file_is_listed():
    listed = {name for name, *_ in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name != "MANIFEST.tsv"}
    assert len(listed) >= 40
    assert on_disk == {name for name in listed if not name.startswith("@")}


def generate(name: str, folder: Path) -> Path:
    """The inputs too big to commit."""
    assert name == "@oversized.ttl"
    path = folder / name[1:]
    line = b'<https://w3id.org/diplokg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    data = line * (CAP // len(line) + 2)
    path.write_bytes(data[: CAP + 100])
    return path


@pytest.mark.parametrize(
    ("name", "command", "code", "fragment"), CASES, ids=[f"{c[1]}-{c[0]}" for c in CASES]
)
def test_bad_input_is_refused_and_changes_nothing(tmp_path, name, command, code, fragment):
    home = copy_home(tmp_path)
    path = generate(name, tmp_path) if name.startswith("@") else BAD / name
    before = digest(home)
    result = run(command, str(path), home=home)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith(f"Error: {path}"), result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert digest(home) == before


def test_query_time_limit_stops_a_runaway_query(tmp_path):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    result = run("query", "--timeout", "0.5", query)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: query exceeded the time limit of 0.5 s\n",
    )


def test_sandboxed_cli_process_refuses_files_outside_and_network(tmp_path):
    """The installed command (not in pytest) locks itself in before reading the facts."""
    home = copy_home(tmp_path)
    script = (
        "import socket, sys\n"
        "from diplokg.cli import cli\n"
        "try:\n"
        "    cli(['--home', sys.argv[1], 'validate', sys.argv[2]], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "for attempt in (lambda: open('/etc/hostname'),\n"
        "                lambda: socket.create_connection(('127.0.0.1', 9))):\n"
        "    try:\n"
        "        attempt()\n"
        "        print('allowed')\n"
        "    except PermissionError as exc:\n"
        "        print('refused:', exc)\n"
        "    except OSError:\n"
        "        print('allowed')\n"
    )
    import os
    import subprocess
    import sys

    from _toolkit import FACTS, SRC

    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", script, str(home), str(FACTS / "good-relation.ttl")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Conforms"), done.stdout + done.stderr
    assert lines[1] == (
        "refused: diplokg validate reads only its home folder and the files it is given: "
        "refused to open '/etc/hostname'"
    )
    assert lines[2].startswith("refused: diplokg validate does not allow outbound network")


def test_sandbox_refusal_is_exit_2_in_the_real_command(tmp_path):
    """``export -o`` outside the allowed folders would be refused; inside works."""
    home = copy_home(tmp_path)
    out = tmp_path / "out" / "graph.ttl"
    out.parent.mkdir()
    done = run_process("export", "-o", str(out), home=home)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"@prefix")


def test_sandbox_allows_only_the_endpoint_it_is_given(tmp_path):
    """For a remote engine: connections to the named endpoint pass, any other is refused."""
    import socket

    from diplokg.sandbox import SandboxViolation, make_hook

    hook = make_hook(tmp_path, who="diplokg query", endpoints=["http://127.0.0.1:7878/sparql"])
    sock = socket.socket()
    try:
        hook("socket.connect", (sock, ("127.0.0.1", 7878)))
        hook("urllib.Request", ("http://127.0.0.1:7878/sparql?query=x", None, {}, "GET"))
        for event, args in (
            ("socket.connect", (sock, ("127.0.0.1", 80))),
            ("socket.connect", (sock, ("93.184.216.34", 7878))),
            ("urllib.Request", ("http://example.org/sparql", None, {}, "GET")),
        ):
            with pytest.raises(SandboxViolation):
                hook(event, args)
    finally:
        sock.close()

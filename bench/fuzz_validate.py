"""Mutation fuzzing of ``diplokg validate``: mutated copies of our own data files.

Each mutant is one of the home's data files with 1-3 random edits (characters deleted,
inserted, duplicated or flipped; lines swapped or cut; hostile tokens such as ill-typed
literals, bad IRIs, deep nesting or a missing final dot spliced in). Every mutant is validated
in its own forked child (the graph is loaded once, before forking) with a time cap; the
child reports the exit code the CLI would give and its message. Counted:

* crashes — any exception that is not one of diplokg's own errors (the CLI would print a
  traceback);
* hangs — a child still running at the time cap (it is killed);
* unpositioned — an exit-2 message line that does not start ``file:line:column:``;
* files changed — the home (ontology/, data/, queries/) hashed before and after.

Usage::

    python bench/fuzz_validate.py              # 2,000 mutants of the real data/
    python bench/fuzz_validate.py -n 200 --seed 7 --home tests/data/toolkit/home

The test suite runs ``fuzz`` on 100 mutants of the mini home (tests/test_fuzz_validate.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HOSTILE = [
    '"2025-13-45"^^xsd:date',
    '"20x5"^^xsd:gYear',
    '"2025-13"^^xsd:gYearMonth',
    '"x"@1bad',
    "<a b>",
    "<relative>",
    "<../../etc/passwd>",
    "<http://example.org/{x}>",
    "dk:NoSuchTerm",
    "sh:NodeShape",
    "foo:bar",
    "[ " * 200,
    "( " * 200,
    '"""',
    "'",
    "\\",
    "\\u0000",
    "@prefix",
    "@base <file:///etc/> .",
    "_:b",
    ".",
    ";",
    ",",
    "}",
    "{",
    "\x00",
    "\ufeff",
    "ລາວ",
    "한국",
]
ALPHABET = "<>\"{}[]().;,@^\\#:_ \n\t'x0-é"


def mutate(text: str, rng: random.Random) -> str:
    """``text`` with 1-3 random edits."""
    for _ in range(rng.randint(1, 3)):
        n = len(text)
        at = rng.randrange(n + 1) if n else 0
        kind = rng.randrange(9)
        if kind == 0 and n:  # delete a span
            text = text[:at] + text[at + rng.randint(1, 20) :]
        elif kind == 1:  # insert random characters
            text = (
                text[:at]
                + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5)))
                + text[at:]
            )
        elif kind == 2:  # splice in a hostile token
            text = text[:at] + rng.choice(HOSTILE) + text[at:]
        elif kind == 3 and n:  # duplicate a span
            span = text[at : at + rng.randint(1, 200)]
            text = text[:at] + span + span + text[at:]
        elif kind == 4:  # swap two lines
            lines = text.split("\n")
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == 5 and n:  # truncate
            text = text[:at]
        elif kind == 6 and n:  # replace one character
            text = text[:at] + rng.choice(ALPHABET) + text[at + 1 :]
        elif kind == 7:  # drop a whole line
            lines = text.split("\n")
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        else:  # replace a literal's lexical form or a prefixed name with a hostile token
            matches = list(re.finditer(r'"[^"\n]*"(\^\^[\w:]+|@[\w-]+)?|\b\w+:[\w-]+', text))
            if matches:
                m = rng.choice(matches)
                text = text[: m.start()] + rng.choice(HOSTILE) + text[m.end() :]
    return text


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_POSITIONED = re.compile(r"^(.+):(\d+):(\d+): \S")


def validate_one(kg, path: Path) -> dict:
    """What ``diplokg validate PATH`` would do, as a small dict (runs in the child)."""
    from diplokg.errors import DiplokgError

    try:
        report = kg.validate([path])
        report.render("text")
        return {"exit": 0 if report.conforms else 1}
    except DiplokgError as exc:
        lines = str(exc).splitlines() or [""]
        positioned = all(
            (m := _POSITIONED.match(line)) and m.group(1) == str(path) for line in lines
        )
        return {"exit": int(exc.exit_code), "message": lines[0][:300], "positioned": positioned}
    except BaseException:  # noqa: BLE001 — a crash is what we are looking for
        return {"exit": "crash", "traceback": traceback.format_exc()[-2000:]}


@dataclass
class Figures:
    tried: int = 0
    exits: dict = field(default_factory=dict)
    crashes: list = field(default_factory=list)
    hangs: list = field(default_factory=list)
    unpositioned: list = field(default_factory=list)
    files_changed: int = 0
    seconds: float = 0.0
    slowest: float = 0.0

    def summary(self) -> str:
        exits = ", ".join(f"exit {k}: {v}" for k, v in sorted(self.exits.items(), key=str))
        return (
            f"inputs tried: {self.tried}\n"
            f"outcomes: {exits}\n"
            f"crashes (tracebacks): {len(self.crashes)}\n"
            f"hangs (killed at the time cap): {len(self.hangs)}\n"
            f"exit-2 messages without file:line:column: {len(self.unpositioned)}\n"
            f"files changed in the home: {self.files_changed}\n"
            f"time: {self.seconds:.1f} s (slowest mutant {self.slowest:.2f} s)\n"
        )


def fuzz(
    home: Path,
    count: int,
    seed: int = 0,
    time_cap: float = 60.0,
    jobs: int | None = None,
    workdir: Path | None = None,
) -> Figures:
    """Validate ``count`` mutants of ``home``'s data files; return the figures."""
    import pyshacl  # noqa: F401 — imported once here, not in every child

    from diplokg import validation  # noqa: F401
    from diplokg.graph import KnowledgeGraph
    from diplokg.paths import Home

    home = Path(home).resolve()
    sources = [p.read_text(encoding="utf-8") for p in Home(home).data_files()]
    kg = KnowledgeGraph.load(home)
    before = digest(home)
    rng = random.Random(seed)
    own_tmp = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="diplokg-fuzz-")) if workdir is None else workdir
    jobs = jobs or os.cpu_count() or 1
    figures = Figures()
    start = time.monotonic()
    running: dict[int, tuple[int, float, int, Path]] = {}  # fd -> (pid, started, n, path)

    def collect(fd: int, timed_out: bool) -> None:
        pid, started, number, path = running.pop(fd)
        elapsed = time.monotonic() - started
        figures.slowest = max(figures.slowest, elapsed)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        data = b""
        if not timed_out:
            while chunk := os.read(fd, 65536):
                data += chunk
        os.close(fd)
        if timed_out:
            figures.hangs.append(str(path))
            outcome = {"exit": "hang"}
        else:
            try:
                outcome = json.loads(data.decode("utf-8"))
            except ValueError:
                outcome = {"exit": "crash", "traceback": f"child died: {data[-500:]!r}"}
        key = outcome["exit"]
        figures.exits[key] = figures.exits.get(key, 0) + 1
        if key == "crash":
            figures.crashes.append((str(path), outcome["traceback"]))
        elif key == 2 and not outcome.get("positioned", True):
            figures.unpositioned.append((str(path), outcome.get("message")))
        if key in (0, 1) or (key == 2 and outcome.get("positioned", True)):
            path.unlink(missing_ok=True)  # keep only the interesting mutants

    try:
        for number in range(count):
            while len(running) >= jobs:
                _wait(running, time_cap, collect)
            path = workdir / f"mutant-{number:05d}.ttl"
            path.write_text(
                mutate(rng.choice(sources), rng), encoding="utf-8", errors="surrogatepass"
            )
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                try:
                    outcome = validate_one(kg, path)
                    os.write(write_fd, json.dumps(outcome).encode("utf-8"))
                finally:
                    os._exit(0)
            os.close(write_fd)
            running[read_fd] = (pid, time.monotonic(), number, path)
            figures.tried += 1
        while running:
            _wait(running, time_cap, collect)
    finally:
        for fd in list(running):
            collect(fd, True)
        if own_tmp and not (figures.crashes or figures.hangs or figures.unpositioned):
            shutil.rmtree(workdir, ignore_errors=True)
    figures.files_changed = int(digest(home) != before)
    figures.seconds = time.monotonic() - start
    return figures


def _wait(running: dict, time_cap: float, collect) -> None:
    now = time.monotonic()
    for fd, (_, started, _, _) in list(running.items()):
        if now - started > time_cap:
            collect(fd, True)
    if not running:
        return
    soonest = min(started for _, started, _, _ in running.values()) + time_cap
    ready, _, _ = select.select(list(running), [], [], max(0.01, soonest - now))
    for fd in ready:
        collect(fd, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--home", type=Path, default=ROOT)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per mutant")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="children at once (0: cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="diplokg-fuzz-home-") as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args.home / "ontology", home / "ontology")
        shutil.copytree(args.home / "data", home / "data")
        shutil.copytree(args.home / "queries", home / "queries")
        figures = fuzz(home, args.count, args.seed, args.time_cap, args.jobs or None)
    print(figures.summary(), end="")
    for path, trace in figures.crashes[:5]:
        print(f"\ncrash on {path}:\n{trace}")
    for path, message in figures.unpositioned[:10]:
        print(f"unpositioned: {path}: {message}")
    sys.exit(1 if figures.crashes or figures.hangs or figures.files_changed else 0)


if __name__ == "__main__":
    main()

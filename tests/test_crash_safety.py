"""Killing a writer at any moment leaves ``data/`` holding the old or the new graph.

A forked child takes the data lock and merges a batch of facts into a data file (the same
``merge.write_merged`` that ``diplokg add`` uses: serialize in memory, re-parse, compare,
backup, temp file, fsync, rename, fsync folder). The parent kills it with SIGKILL after a
random delay, many times, then checks the file is byte-for-byte the old or the new text, and
that the next writer finds the stale lock and the temp files and cleans them up.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

from _toolkit import copy_home
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from diplokg.locking import DataLock
from diplokg.merge import write_merged
from diplokg.paths import Home
from diplokg.rdfio import parse_turtle

KILLS = 60
BATCH = 400


def batch() -> list:
    return [
        (
            URIRef(f"https://w3id.org/diplokg/id/crash-{i}"),
            RDFS.label,
            Literal(f"ຂ້າ {i} 한국", lang="lo"),
        )
        for i in range(BATCH)
    ]


def writer(home: Home, target: Path, added: list, source: Path) -> None:
    """Runs in the forked child: exactly what ``add`` does once validation has passed."""
    code = 0
    try:
        with DataLock(home.lock_file, timeout=10):
            write_merged(target, added, source)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def test_sigkill_mid_write_leaves_old_or_new_bytes(tmp_path):
    home = Home(copy_home(tmp_path))
    target = home.data_dir / "relations.ttl"
    source = tmp_path / "crash.ttl"
    added = batch()
    old = target.read_bytes()

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(target, scratch / target.name)
    started = time.monotonic()
    write_merged(scratch / target.name, added, source)
    duration = time.monotonic() - started
    new = (scratch / target.name).read_bytes()
    assert new != old

    rng = random.Random(20251123)
    outcomes = {"old": 0, "new": 0}
    stale_locks = leftovers = 0
    deadline = time.monotonic() + 120
    scale = 1.0
    for number in range(KILLS):
        target.write_bytes(old)
        pid = os.fork()
        if pid == 0:
            writer(home, target, added, source)
        # half the kills anywhere, half near the end where the temp file and rename are;
        # ``scale`` follows the child's real speed so the kills keep straddling the rename
        low = 0.0 if number % 2 else 0.85 * duration * scale
        time.sleep(rng.uniform(low, duration * scale * 1.1))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

        now = target.read_bytes()
        assert now in (old, new), "data file is neither the old nor the new text"
        outcomes["old" if now == old else "new"] += 1
        scale *= 1.08 if now == old else 0.93
        parse_turtle(target)  # and it parses
        stale_locks += home.lock_file.exists()
        leftovers += bool(list(home.data_dir.glob(".*.tmp")))
        with DataLock(home.lock_file, timeout=5):  # the next writer cleans up
            assert not list(home.data_dir.glob(".*.tmp"))
        assert not home.lock_file.exists()
        assert time.monotonic() < deadline, "the kill loop took too long"

    print(
        f"\n{KILLS} kills: {outcomes['old']} old, {outcomes['new']} new, 0 partial; "
        f"{stale_locks} stale locks and {leftovers} leftover temp files cleaned"
    )
    assert outcomes["old"] > 0  # the kills really landed before the rename
    backups = list((home.data_dir / ".backup").glob("relations.ttl.*Z"))
    assert all(b.read_bytes() == old for b in backups)  # a backup is whole, or not there

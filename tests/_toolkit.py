"""Shared helpers for the toolkit tests (the mini home in tests/data/toolkit/).

Kept out of conftest.py so the tests about the real data can have their own fixtures.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from diplokg.cli import cli

TOOLKIT = Path(__file__).parent / "data" / "toolkit"
MINI_HOME = TOOLKIT / "home"
FACTS = TOOLKIT / "facts"
SRC = Path(__file__).parents[1] / "src"


def copy_home(tmp_path: Path) -> Path:
    """A fresh copy of the mini home, for tests that write (call from a ``home`` fixture)."""
    target = tmp_path / "home"
    shutil.copytree(MINI_HOME, target)
    return target


def run(*args: str, home: Path = MINI_HOME, env: dict[str, str] | None = None):
    """Invoke the CLI in-process; stderr is kept apart from stdout."""
    runner = CliRunner()
    return runner.invoke(cli, ["--home", str(home), *args], env=env, catch_exceptions=False)


def run_process(*args: str, home: Path = MINI_HOME, seed: str = "0", cwd: Path | None = None):
    """Run ``python -m diplokg`` in a subprocess (for hash seeds and concurrency)."""
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(SRC))
    env.pop("DIPLOKG_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "diplokg", "--home", str(home), *args],
        capture_output=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (including hidden ones), by relative path.

    The Oxigraph store (``.diplokg/``) is left out: it is a cache derived from the files,
    rebuilt whenever they change (a copied home rebuilds it on first use), and RocksDB
    rewrites its log even when opened read-only.
    """
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".diplokg" not in p.relative_to(folder).parts
    }

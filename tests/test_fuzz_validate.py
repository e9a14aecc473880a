"""Mutation fuzz of ``validate`` (a sample; ``bench/fuzz_validate.py`` runs 2,000).

100 mutated copies of the mini home's data files, each validated in a forked child with a
time cap: no tracebacks, no hangs, every refusal names file:line:column, the home unchanged.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from _toolkit import MINI_HOME

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))

from fuzz_validate import fuzz  # noqa: E402


def test_100_mutants_no_crash_no_hang_no_change(tmp_path):
    home = tmp_path / "home"
    shutil.copytree(MINI_HOME, home)
    work = tmp_path / "mutants"
    work.mkdir()
    figures = fuzz(home, 100, seed=1, time_cap=30.0, jobs=2, workdir=work)
    assert figures.tried == 100
    assert figures.crashes == []
    assert figures.hangs == []
    assert figures.unpositioned == []
    assert figures.files_changed == 0
    assert figures.exits.get(2, 0) > 30  # the mutants really were broken

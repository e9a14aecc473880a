"""Time the commands people run most, on the real graph (wall clock, one run each).

Why: loading, reasoning and SHACL validation grow with the data; this shows when a command
becomes slow enough to matter. Run with ``make bench``.
"""

from __future__ import annotations

import subprocess
import sys
import time

RUNS = [
    "--help",
    "stats",
    "query status-on-date -p date=1980-01-01",
    "export",
    "export --reason",
    "validate --all",
]


def main() -> int:
    for args in RUNS:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "diplokg", *args.split()], capture_output=True, check=False
        )
        elapsed = time.perf_counter() - start
        print(f"diplokg {args:45s} {elapsed:6.2f}s  exit {done.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

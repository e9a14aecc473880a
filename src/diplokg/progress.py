"""Progress on long work: a spinner with elapsed time on a terminal, nothing otherwise.

Why one small module: loading, inference and validation over a large graph take seconds to
minutes, and a silent terminal looks hung. But output that is piped, redirected or captured
by tests must stay byte-for-byte the same, so progress goes to standard error, only when
standard error is a terminal, never with ``--quiet``, and disappears when the work is done.
rich is imported only when a spinner is actually shown.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def wanted(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Show progress? Only on an interactive standard error and when not ``quiet``."""
    stream = sys.stderr if stream is None else stream
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def activity(description: str, quiet: bool = False) -> Iterator[None]:
    """Show ``description`` with a spinner and the elapsed time while the block runs."""
    if not wanted(quiet):
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        progress.add_task(description, total=None)
        yield

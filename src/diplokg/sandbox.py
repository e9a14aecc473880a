"""A process-wide guard for the serving process: no outbound network, no files outside home.

Why an audit hook (PEP 578) on top of the query checks in ``server``: the checks refuse
``SERVICE``, ``FROM <elsewhere>`` and ``LOAD`` by reading the parsed query, but a path we did
not think of (a parser plugin, a JSON-LD context, a future rdflib feature) could still try to
fetch a URL or read a file. The hook sees every ``socket.connect``, ``open`` and process spawn
of the interpreter and refuses those the server never needs:

* ``socket.connect`` / ``socket.sendto``: always refused. The server only *accepts*
  connections (uvicorn listens and accepts; it never connects), and its workers talk to it
  through pipes made by ``socketpair``, which does not connect.
* ``open`` (``open()``, ``io.open``, ``os.open``): reading is allowed inside the home folder,
  the Python installation (stdlib and site-packages, for lazy imports), the package itself and
  the temp folder; writing only in the temp folder. Everything else is refused.
* ``subprocess.Popen``, ``os.system``, ``os.exec*``, ``os.posix_spawn``, ``os.spawn*``,
  ``urllib.Request``: refused.

The CLI installs the same hook for ``query``, ``validate``, ``add`` and ``export`` (``cli.guard``):
readable are the home, the Python installation and the files named on the command line;
writable only the temp folder, ``data/`` for ``add`` and the output file's folder for
``export -o``. An audit hook cannot be removed once added, so ``install`` is only called by
``server.run_serve`` and by those commands (forked workers and children inherit it). It
refuses to run inside a pytest process, so a test cannot lock itself in by accident.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from pathlib import Path

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_REFUSED_EVENTS = {
    "subprocess.Popen": "starting programs",
    "os.system": "starting programs",
    "os.exec": "starting programs",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "os.startfile": "starting programs",
    "urllib.Request": "fetching URLs",
    "socket.sendto": "outbound network traffic",
    "socket.connect": "outbound network connections",
}
_DEVICES = ("/dev/null", "/dev/urandom", "/dev/random", "/dev/tty", "/dev/shm")

_installed = False


class SandboxViolation(PermissionError):
    """Raised inside the serving process for an access the sandbox refuses."""


def read_roots(home: Path, extra: Iterable[Path] = ()) -> list[str]:
    """The folders the serving process may read from (resolved, without duplicates)."""
    roots: list[Path] = [home, Path(__file__).resolve().parent, Path(tempfile.gettempdir())]
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        roots.append(Path(prefix))
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            roots.append(Path(value))
    roots.append(Path(__file__).resolve().parents[1])  # where diplokg is imported from
    roots += list(extra)
    seen: list[str] = []
    for root in roots:
        text = os.path.realpath(root)
        if text not in seen:
            seen.append(text)
    return seen


def _inside(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def make_hook(
    home: Path,
    extra: Iterable[Path] = (),
    writable_extra: Iterable[Path] = (),
    who: str = "diplokg serve",
    endpoints: Iterable[str] = (),
):
    """The audit hook for ``home`` (exposed for tests, which call it without installing).

    ``extra`` are more readable paths, ``writable_extra`` paths that may also be written
    (and read); ``who`` names the command in refusals. ``endpoints`` are URLs the process
    may reach (a SPARQL endpoint given on the command line): ``urllib.Request`` for URLs
    under them and ``socket.connect`` to their addresses (resolved now) stay allowed.
    """
    endpoints = [str(url) for url in endpoints]
    addresses = _addresses(endpoints)
    writable_extra = [Path(p) for p in writable_extra]
    readable = read_roots(Path(home).resolve(), [*extra, *writable_extra])
    # The temp folder is writable, except where the home itself lies inside it (a checkout
    # under /tmp): the home is written only through ``writable_extra``.
    scratch = [os.path.realpath(tempfile.gettempdir())]
    own = [os.path.realpath(home)]
    granted = [os.path.realpath(p) for p in writable_extra]

    def may_write(path: str) -> bool:
        return _inside(path, granted) or (_inside(path, scratch) and not _inside(path, own))

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            target = args[0] if args else None
            if target is None or isinstance(target, int):
                return  # an already-open descriptor (os.fdopen), nothing new is reached
            try:
                raw = os.fsdecode(target)
            except TypeError:
                return
            path = os.path.realpath(raw)
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
            if path.startswith(_DEVICES) or path.startswith("/proc/self/"):
                return
            if writing:
                if not may_write(path):
                    raise SandboxViolation(
                        f"{who} is read-only here: refused to open {raw!r} for writing"
                        if who != "diplokg serve"
                        else f"diplokg serve is read-only: refused to open {raw!r} for writing"
                    )
                return
            if not _inside(path, readable):
                raise SandboxViolation(
                    f"{who} reads only its home folder and the files it is given: "
                    f"refused to open {raw!r}"
                    if who != "diplokg serve"
                    else f"diplokg serve reads only its home folder: refused to open {raw!r}"
                )
            return
        if event == "urllib.Request" and args and str(args[0]).startswith(tuple(endpoints)):
            return
        if event == "socket.connect" and len(args) > 1 and isinstance(args[1], tuple):
            if tuple(args[1][:2]) in addresses:
                return
        reason = _REFUSED_EVENTS.get(event)
        if reason is None and event.startswith(("os.exec", "os.spawn")):
            reason = "starting programs"
        if reason is not None:
            raise SandboxViolation(f"{who} does not allow {reason} ({event})")

    return hook


def _addresses(endpoints: Iterable[str]) -> set[tuple[str, int]]:
    """(IP, port) pairs of the endpoints' hosts, resolved before the hook is installed."""
    import socket
    from urllib.parse import urlsplit

    found: set[tuple[str, int]] = set()
    for url in endpoints:
        parts = urlsplit(url)
        if not parts.hostname:
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
        except OSError:
            continue
        found |= {(info[4][0], port) for info in infos}
    return found


def install(
    home: Path,
    extra: Iterable[Path] = (),
    writable_extra: Iterable[Path] = (),
    who: str = "diplokg serve",
    endpoints: Iterable[str] = (),
) -> None:
    """Add the hook to this process for good (once; later calls do nothing)."""
    global _installed
    if _installed:
        return
    if in_pytest():
        raise RuntimeError("refusing to install the diplokg sandbox inside a pytest process")
    import mimetypes

    mimetypes.init()  # reads /etc/mime.types and friends: do it before the doors close
    sys.addaudithook(make_hook(home, extra, writable_extra, who, endpoints))
    _installed = True


def in_pytest() -> bool:
    return "pytest" in sys.modules or "_pytest" in sys.modules

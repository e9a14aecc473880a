"""Where the graph lives: the *home* folder and its fixed layout.

Why one module: every command needs the same answer to "which ontology, which data", and the
answer must not depend on the working directory. Resolution order, first match wins:

1. ``--home DIR`` on the command line;
2. the ``DIPLOKG_HOME`` environment variable;
3. the source checkout this package was imported from (``src/diplokg`` two levels below a
   folder holding ``ontology/`` and ``data/``), so edits in a checkout are seen at once;
4. the copy bundled in the wheel under ``diplokg/home/``, so ``pip install .`` works anywhere.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import FormatError, HomeError

ENV_VAR = "DIPLOKG_HOME"
"""Environment variable naming a home folder."""

STORE_DIR = ".diplokg"
"""The folder of a writable home that holds what diplokg derives from it (the Oxigraph store)."""

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Home:
    """A home folder and the paths of its parts (the layout is fixed, not configurable)."""

    root: Path

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "diplomacy.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def checks_dir(self) -> Path:
        return self.root / "queries" / "checks"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".diplokg.lock"

    @property
    def store_dir(self) -> Path:
        """Where the files derived from this home (the Oxigraph store) are kept:
        ``<home>/.diplokg``, or, for the home bundled in the package and any home this user
        may not write, ``$XDG_CACHE_HOME/diplokg/<hash of the home's path>`` (default cache:
        ``~/.cache``), so that the installed command reopens its store instead of parsing
        the Turtle at every call and nothing is written into site-packages."""
        if self.root != bundled_home() and os.access(self.root, os.W_OK):
            return self.root / STORE_DIR
        digest = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:16]
        return cache_dir() / digest

    def data_files(self) -> list[Path]:
        """The fact files, sorted by name so loading order (and output) is stable."""
        if not self.data_dir.is_dir():
            return []
        return sorted(p for p in self.data_dir.glob("*.ttl") if not p.name.startswith("."))


def _is_home(path: Path) -> bool:
    return (path / "ontology").is_dir() and (path / "data").is_dir()


def checkout_root() -> Path | None:
    """The repository root when running from a source checkout, else ``None``."""
    root = _PACKAGE_DIR.parents[1]
    return root if _is_home(root) else None


def bundled_home() -> Path:
    """The home shipped inside the installed package."""
    return _PACKAGE_DIR / "home"


def cache_dir() -> Path:
    """diplokg's folder in the user's cache: ``$XDG_CACHE_HOME/diplokg``, else
    ``~/.cache/diplokg`` (the temp folder's ``diplokg-cache`` when there is no home folder)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "diplokg"
    home = os.path.expanduser("~")
    if home == "~" or not os.path.isabs(home):
        import tempfile

        return Path(tempfile.gettempdir()) / "diplokg-cache"
    return Path(home) / ".cache" / "diplokg"


def resolve_home(
    option: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Home:
    """Pick the home folder by the documented order; raise ``HomeError`` if none fits."""
    env = os.environ if environ is None else environ
    for origin, value in (("--home", option), (ENV_VAR, env.get(ENV_VAR) or None)):
        if value is not None:
            path = Path(value).expanduser()
            if not path.is_dir():
                raise HomeError(f"{origin}: not a folder: {path}")
            return Home(path.resolve())
    root = checkout_root()
    if root is not None:
        return Home(root)
    bundled = bundled_home()
    if _is_home(bundled):
        return Home(bundled)
    raise HomeError(
        f"no diplokg home found: pass --home DIR or set {ENV_VAR} "
        "(a folder with ontology/, data/ and queries/)"
    )


def output_suffix(path: Path, formats: Iterable[str], what: str) -> str:
    """The lower-case suffix of ``path`` if ``what`` (a diagram, a timeline) can be written
    in that format; else a FormatError naming the formats that can."""
    formats = tuple(formats)
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise FormatError(
            f"{path}: cannot write {what} as {suffix or 'a file without suffix'!r}"
            f" (use one of: {', '.join(formats)})"
        )
    return suffix

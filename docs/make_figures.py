"""Regenerate the generated pictures of the documentation.

Run from the repository root:  python docs/make_figures.py

* ``docs/img/timeline.svg``, ``.png`` and ``.json`` — ``diplokg timeline`` for the
  Laos–South Korea relationship (the JSON is the data the picture is drawn from; a test
  compares it with a fresh build, not the pixels);
* ``docs/img/model.svg`` and ``model.dot`` — the ontology's main classes and the properties
  between them (``diplokg.diagram.model_diagram``); needs Graphviz's ``dot`` program.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from click.testing import CliRunner

    from diplokg.cli import cli
    from diplokg.diagram import model_diagram, render
    from diplokg.rdfio import atomic_write, parse_turtle

    IMG.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    for args in (
        ["timeline", "-o", str(IMG / "timeline.svg"), "--data", str(IMG / "timeline.json")],
        ["timeline", "-o", str(IMG / "timeline.png")],
    ):
        result = runner.invoke(cli, ["--home", str(ROOT), "--quiet", *args])
        if result.exit_code != 0:
            raise SystemExit(result.output)
    dot = model_diagram(parse_turtle(ROOT / "ontology" / "diplomacy.ttl"))
    atomic_write(IMG / "model.dot", render(dot, ".dot"))
    atomic_write(IMG / "model.svg", render(dot, ".svg"))
    for name in ("timeline.svg", "timeline.png", "timeline.json", "model.dot", "model.svg"):
        print(f"docs/img/{name}")


if __name__ == "__main__":
    main()

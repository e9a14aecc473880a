"""Generated documentation is current: the cookbook shows what the queries answer today."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_cookbook", ROOT / "docs" / "make_cookbook.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cookbook_is_current():
    generator = load_generator()
    committed = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert generator.cookbook(ROOT) == committed, "run: python docs/make_cookbook.py"


def test_cookbook_lists_every_saved_query():
    text = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert f"\n## {path.stem}\n" in text
        assert f"diplokg query {path.stem} -f md" in text


def test_docs_pages_link_their_pictures():
    assert "img/model.svg" in (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    adding = (ROOT / "docs" / "adding-a-source.md").read_text(encoding="utf-8")
    for step in ("data/sources/", "evidence_turtle"):
        assert step in adding
    for command in ("validate", "add", "timeline"):
        assert re.search(rf"diplokg (--home \S+ )?{command} ", adding), command

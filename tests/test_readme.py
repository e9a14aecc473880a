"""README.md stays true: its tour outputs are real, and its main command works as written."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from diplokg.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str, bool]]:
    """Every ``$ diplokg …`` line of a ```console block, its shown output, and whether the
    output was cut short with a final ``…`` line (then only its start is compared)."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        parts = re.split(r"^\$ (.*)$", block, flags=re.M)
        for command, output in zip(parts[1::2], parts[2::2], strict=True):
            lines = output.strip("\n").split("\n")
            truncated = lines[-1] == "…"
            if truncated:
                lines = lines[:-1]
            examples.append((command, "\n".join(lines), truncated))
    return examples


EXAMPLES = console_examples()


def test_the_readme_has_a_tour():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("command", "shown", "truncated"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_tour_output_is_real(command, shown, truncated, monkeypatch):
    argv = shlex.split(command)
    assert argv[0] == "diplokg"
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["--quiet", *argv[1:]], terminal_width=200)
    actual = result.output.rstrip("\n")
    if truncated:
        assert actual.startswith(shown + "\n")
    else:
        assert actual == shown


def test_readme_main_command_answers_severed(tmp_path):
    """The command under "Run the main job", run as written (in a fresh venv) from tmp_path
    against a copy of the checkout, answers that relations were severed on 1980-01-01."""
    section = README.split("## Run the main job", 1)[1]
    command = re.search(r"```bash\n(.*?)\n```", section, flags=re.S).group(1).strip()
    assert command.startswith("python3 -m venv .venv && .venv/bin/pip install . &&")
    checkout = tmp_path / "checkout"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(checkout)], check=True
    )
    # Test the working tree, not only what is committed.
    for name in ("ontology", "data", "queries", "src", "pyproject.toml", "README.md"):
        source = ROOT / name
        target = checkout / name
        if source.is_dir():
            subprocess.run(["cp", "-r", f"{source}/.", str(target)], check=True)
        else:
            target.write_bytes(source.read_bytes())
    done = subprocess.run(
        command, shell=True, cwd=checkout, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "dkid:phase-severed-1975" in done.stdout
    assert " dk:severed " in done.stdout
    assert done.stdout.rstrip().endswith("(1 row)")

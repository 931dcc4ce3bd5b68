"""Every shell and Python example in README.md and docs/ runs as a test, as a reader would run
it from the repository's root: a documented command that fails is a bug a newcomer meets first.

Each example runs in a folder of its own that looks like a clone (the repository's files
linked in, `.venv/bin/asylum-pathways` the code under test), so what it writes stays there.
The notes above a fence (tests/docs/fences.py) mark the few that cannot run here, with why,
and the slow ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fences import NOTES, REPO, RUNNABLE, Block, every_block

import asylum_pathways
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs.sweep import load_sweep

BLOCKS = every_block()
EXAMPLES = [b for b in BLOCKS if b.kind]
#: A reader should be able to run nearly every example; an example that cannot run is rare.
MAX_NOT_RUN = 8
TIMEOUT = {"fast": 240, "slow": 3600}  # seconds, for a whole example
LANGUAGES = {*RUNNABLE, "text", "json", "yaml"}


def _params(blocks: list[Block]) -> list[object]:
    params = []
    for b in blocks:
        marks = []
        if b.note("no-run") is not None:
            marks.append(pytest.mark.skip(reason=f"no-run: {b.note('no-run')}"))
        if b.note("slow") is not None:
            marks.append(pytest.mark.slow)
        params.append(pytest.param(b, id=b.name, marks=marks))
    return params


def _clone(root: Path) -> dict[str, str]:
    """A folder that looks like the repository's root, and the environment to run in it."""
    for entry in REPO.iterdir():
        if not entry.name.startswith(".") and entry.name != "results":
            (root / entry.name).symlink_to(entry)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, command in (
        ("asylum-pathways", f'"{sys.executable}" -m asylum_pathways'),
        ("python", f'"{sys.executable}"'),
    ):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec {command} "$@"\n')
        (bin_dir / name).chmod(0o755)
    home = root / ".home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "ASYLUM_PATHWAYS_DB", "ASYLUM_PATHWAYS_KEYS"))
    }
    src = str(Path(asylum_pathways.__file__).resolve().parents[1])
    env |= {
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p),
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    return env


def test_the_docs_have_examples_and_every_fence_names_its_language() -> None:
    assert EXAMPLES, "no shell or Python example found in README.md and docs/"
    unnamed = [f"{b.name} ({b.lang or 'no language'})" for b in BLOCKS if b.lang not in LANGUAGES]
    assert not unnamed, (
        f"fences with no known language: {unnamed} "
        f"(expected one of {sorted(LANGUAGES)}; sh and python blocks run as tests)"
    )


def test_every_note_is_known_and_an_example_not_run_says_why() -> None:
    problems = [
        f"{b.name}: <!-- {key}: ... --> (expected one of {', '.join(NOTES)})"
        for b in BLOCKS
        for key in b.notes
        if key not in NOTES
    ]
    problems += [
        f"{b.name}: <!-- no-run --> without a reason"
        for b in BLOCKS
        if b.note("no-run") is not None and not b.note("no-run")
    ]
    problems += [
        f"{b.name}: <!-- no-run/slow/expect --> on a {b.lang or 'plain'} block, which never runs"
        for b in BLOCKS
        if not b.kind and {"no-run", "slow", "expect"} & set(b.notes)
    ]
    assert not problems, "\n".join(problems)
    not_run = [b.name for b in EXAMPLES if b.note("no-run") is not None]
    assert len(not_run) <= MAX_NOT_RUN, f"{len(not_run)} examples are not run: {not_run}"


@pytest.mark.parametrize("block", _params(EXAMPLES))
def test_example_runs(block: Block, tmp_path: Path) -> None:
    env = _clone(tmp_path)
    if block.kind == "sh":
        (tmp_path / "example.sh").write_text(block.text)
        command = ["bash", "-e", "-o", "pipefail", "example.sh"]
    else:
        (tmp_path / "example.py").write_text(block.text)
        command = [str(tmp_path / ".venv" / "bin" / "python"), "example.py"]
    lane = "slow" if block.note("slow") is not None else "fast"
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT[lane],
        check=False,
    )
    shown = f"{block.name}:\n{block.text}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"exit {done.returncode} from {shown}"
    for text in block.notes.get("expect", []):
        assert text in done.stdout + done.stderr, f"{text!r} is not in the output of {shown}"


def _value(lang: str, text: str) -> object:
    return json.loads(text) if lang == "json" else yaml.safe_load(text)


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.lang in ("json", "yaml")], ids=lambda b: b.name
)
def test_a_data_example_parses_and_matches_the_file_it_shows(block: Block) -> None:
    value = _value(block.lang, block.text)
    shown = block.note("file")
    if shown is not None:
        path = REPO / shown
        assert path.is_file(), f"{block.name}: <!-- file: {shown} --> names no file"
        expected = _value(block.lang, path.read_text(encoding="utf-8"))
        assert value == expected, f"{block.name} no longer shows {shown} as it is"


def test_the_sweep_specs_the_docs_show_load_as_specs(tree: ParameterTree, tmp_path: Path) -> None:
    """The sweeps run for minutes, so their examples are not run; their specs are loaded."""
    spec, scenarios = load_sweep(REPO / "examples" / "sweep.yaml", tree)
    assert len(spec.points) == len(scenarios) == 1 + 4 * 2  # the base, then the grid
    (points,) = [b for b in BLOCKS if b.lang == "yaml" and b.text.startswith("points:")]
    header = {k: v for k, v in _value("yaml", (REPO / "examples/sweep.yaml").read_text()).items()}
    del header["grid"]
    path = tmp_path / "points.yaml"
    path.write_text(yaml.safe_dump(header) + points.text)
    spec, scenarios = load_sweep(path, tree)
    assert len(spec.points) == len(scenarios) >= 2, points.name

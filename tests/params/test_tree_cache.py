"""The loaded parameter tree is cached under the hash of its files, and changes nothing."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import default_root, tree_key


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "parameters"
    shutil.copytree(default_root(), copy)
    return copy


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("tree-*.bin"))


def test_a_cached_tree_is_exactly_the_tree_a_fresh_load_gives(folder: Path) -> None:
    fresh = load_tree(use_cache=False)
    built = load_tree()  # builds and stores
    assert len(_entries(folder)) == 1
    read = load_tree()  # read back from the entry
    for tree in (built, read):
        assert pickle.dumps(tree) == pickle.dumps(fresh)
        assert tree.fingerprint() == fresh.fingerprint()
        assert tree.ports == fresh.ports and tree.root == fresh.root


def test_a_change_to_any_parameter_file_rebuilds_the_tree(folder: Path, root: Path) -> None:
    name = "assumptions.mpp.mexico_fear_rate"
    path = root / "assumptions" / "mpp" / "mexico_fear_rate.yaml"
    before = load_tree(root)
    original = path.read_text()
    old = before.get(name).values[0].value
    path.write_text(original.replace(f"value: {old}", f"value: {old / 2}", 1))
    changed = load_tree(root)
    assert changed.get(name).values[0].value == old / 2
    assert (
        changed.get(name).values[0].value
        == load_tree(root, use_cache=False).get(name).values[0].value
    )
    assert len(_entries(folder)) == 2
    path.write_text(original)
    assert load_tree(root).get(name).values[0].value == old  # the first entry again
    assert len(_entries(folder)) == 2


def test_adding_or_removing_a_file_changes_the_key(root: Path) -> None:
    first = tree_key(root)
    extra = root / "law" / "extra.yaml"
    extra.write_text("description: x\n")
    assert tree_key(root) != first
    extra.unlink()
    assert tree_key(root) == first
    index = next(root.rglob("index.yaml"))
    index.write_text(index.read_text() + "\n")
    assert tree_key(root) != first


def test_a_bad_tree_is_refused_every_time_and_never_cached(folder: Path, root: Path) -> None:
    path = root / "law" / "bad.yaml"
    path.write_text("description: no metadata\nvalues: {}\n")
    for _ in range(2):
        with pytest.raises(Exception, match="problem"):
            load_tree(root)
    assert _entries(folder) == []


def test_a_corrupt_entry_is_rebuilt(folder: Path) -> None:
    fresh = load_tree(use_cache=False)
    load_tree()
    (entry,) = _entries(folder)
    entry.write_bytes(entry.read_bytes()[:-100])
    assert pickle.dumps(load_tree()) == pickle.dumps(fresh)
    assert pickle.dumps(load_tree()) == pickle.dumps(fresh)


@pytest.mark.slow
def test_concurrent_processes_all_get_the_same_tree(folder: Path) -> None:
    code = "from asylum_pathways.params import load_tree; print(load_tree().fingerprint())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    prints = {p.communicate()[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert prints == {load_tree(use_cache=False).fingerprint()}
    assert len(_entries(folder)) == 1
    assert [p for p in folder.iterdir() if p.suffix != ".bin"] == []


def test_a_tree_with_worked_out_programs_can_be_sent_to_another_process() -> None:
    """Dask and the process pool pickle the tree; the memo (programs with local check
    functions) stays behind and is worked out again there."""
    import pickle

    from asylum_pathways.params import load_tree

    tree = load_tree()
    tree.memo("probe", lambda: lambda: 1)  # a value that cannot be pickled
    copy = pickle.loads(pickle.dumps(tree))
    assert copy.fingerprint() == tree.fingerprint()
    assert copy.memo("probe", lambda: 2) == 2

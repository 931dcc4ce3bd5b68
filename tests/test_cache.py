"""The on-disk cache: found only under its key, whole or not at all, and never required."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asylum_pathways import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ASYLUM_PATHWAYS_CACHE", raising=False)
    return tmp_path / "cache"


def _build(calls: list[int]) -> bytes:
    calls.append(1)
    return b"value"


def _cached(calls: list[int], digest: str = "k") -> bytes:
    return cache.cached("test", digest, lambda: _build(calls), bytes, bytes)


def test_a_value_is_built_once_and_then_read_back(folder: Path) -> None:
    calls: list[int] = []
    assert _cached(calls) == b"value" and _cached(calls) == b"value"
    assert len(calls) == 1
    assert [p.name for p in folder.iterdir()] == ["test-k.bin"]


def test_a_truncated_or_corrupt_entry_is_rebuilt(folder: Path) -> None:
    calls: list[int] = []
    _cached(calls)
    entry = folder / "test-k.bin"
    whole = entry.read_bytes()
    for broken in (whole[:-1], whole[:10], whole[:-5] + b"VALUE", b""):
        entry.write_bytes(broken)
        assert _cached(calls) == b"value"
        assert entry.read_bytes() == whole
    assert len(calls) == 5


def test_keys_differ_for_different_parts_and_for_parts_that_run_together() -> None:
    assert cache.key(["ab", "c"]) != cache.key(["a", "bc"])
    assert cache.key(["a"]) == cache.key([b"a"])
    assert cache.key(["a"]) != cache.key(["b"])


def test_turned_off_nothing_is_written(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE", "off")
    calls: list[int] = []
    _cached(calls)
    _cached(calls)
    assert len(calls) == 2 and not folder.exists()


def test_a_folder_that_cannot_be_made_costs_speed_not_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    assert _cached(calls) == b"value" and _cached(calls) == b"value"
    assert len(calls) == 2


def test_only_the_newest_entries_of_a_kind_are_kept_and_no_temporary_file_remains(
    folder: Path,
) -> None:
    calls: list[int] = []
    for i in range(cache.KEEP + 3):
        _cached(calls, digest=f"k{i}")
        os.utime(folder / f"test-k{i}.bin", (i, i))
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == cache.KEEP
    assert all(n.startswith("test-k") and n.endswith(".bin") for n in names)
    assert f"test-k{cache.KEEP + 2}.bin" in names and "test-k0.bin" not in names


def test_the_default_folder_is_under_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASYLUM_PATHWAYS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache.folder() == Path("/somewhere/asylum-pathways")


def test_an_entry_owned_by_another_user_is_ignored(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    _cached(calls)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    _cached(calls)
    assert len(calls) == 2
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "test-k.bin").stat().st_mode & 0o777) == "0o600"

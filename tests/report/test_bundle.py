"""The Vega bundle is built once per installed version, kept in the cache, rebuilt if broken."""

from __future__ import annotations

from pathlib import Path

import pytest
import vl_convert as vlc

from asylum_pathways.report import bundle


@pytest.mark.slow
def test_the_bundle_is_built_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path))
    fresh = vlc.javascript_bundle(vl_version=bundle.vega_lite_version())
    assert bundle.vega_bundle() == fresh
    (entry,) = tmp_path.glob("vega-bundle-*.bin")

    def refuse(**_: object) -> str:
        raise AssertionError("the bundle was built again")

    monkeypatch.setattr(vlc, "javascript_bundle", refuse)
    assert bundle.vega_bundle() == fresh

    entry.write_bytes(entry.read_bytes()[: len(fresh) // 2])  # a torn or corrupt entry
    monkeypatch.undo()
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path))
    assert bundle.vega_bundle() == fresh
    assert "vegaEmbed" in fresh and len(fresh) > 100_000

"""Country and language vocabularies read from the cache equal pycountry's."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from asylum_pathways import codes


def test_cached_vocabularies_and_names_equal_pycountry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path))
    for fn in (codes._iso, codes.countries, codes.languages):
        fn.cache_clear()
    try:
        built = codes._iso()
        codes._iso.cache_clear()
        read = codes._iso()
        assert len(list(tmp_path.glob("iso-codes-*.bin"))) == 1
        assert read == built == codes._from_pycountry()
        assert codes.countries() == tuple(
            sorted([c.alpha_2 for c in pycountry.countries] + [codes.STATELESS])
        )
        assert codes.languages() == tuple(
            sorted(x.alpha_2 for x in pycountry.languages if hasattr(x, "alpha_2"))
        )
        assert codes.country_name("HN") == pycountry.countries.get(alpha_2="HN").name
        assert codes.language_name("es") == pycountry.languages.get(alpha_2="es").name
        assert codes.country_name(codes.STATELESS) == "stateless"
        assert codes.country_name("QQ") == "QQ"
    finally:
        for fn in (codes._iso, codes.countries, codes.languages):
            fn.cache_clear()

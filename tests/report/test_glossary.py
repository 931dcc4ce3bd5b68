"""Values read as words, and every code shown has a glossary entry."""

from __future__ import annotations

from asylum_pathways.report.glossary import NONE, entries, value_text


def test_values_are_printed_as_readers_say_them() -> None:
    assert value_text(["SA", "FMUA"]) == "SA, FMUA"
    assert value_text(None) == NONE
    assert value_text(True) == "yes"
    assert value_text({"SV": 2000}) == "SV: 2,000"
    assert value_text(0.012) == "0.012"


def test_every_code_in_the_shown_values_is_explained() -> None:
    ports = {"SYS": "San Ysidro", "OTM": "Otay Mesa", "ELP": "El Paso"}
    glossary = dict(entries(["SA, FMUA", "SYS: San Diego; EPT: ELP", "SV: 2,000"], ports))
    assert "Single adult" in glossary["SA"]
    assert "family unit" in glossary["FMUA"]
    assert "San Ysidro port of entry" in glossary["SYS"]
    assert "El Paso Border Patrol sector" in glossary["EPT"]
    assert "El Salvador" in glossary["SV"]
    assert "none" in glossary
    for pathway in ("TITLE42_EXPULSION", "MPP_RETURN", "NTA_RELEASE"):
        assert glossary[pathway]

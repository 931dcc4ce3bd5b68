"""Sources that hold up in court: references to mirror and aggregator sites do not grow, a
primary source comes first wherever a list has one, and an agreement's parameter does not
cite another country's story as its own (only the borrowings its note explains)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from asylum_pathways import codes
from asylum_pathways.params.sources import MIRRORS, host, kind

SRC = Path(__file__).resolve().parents[2] / "src/asylum_pathways"
FILES = sorted((SRC / "parameters").rglob("*.yaml")) + sorted((SRC / "data").glob("*.yaml"))
#: References (parameter `href`s, data files' `source` and `also_seen_at`) to a host in
#: `MIRRORS`; a copy kept beside its primary text counts too. It must never grow.
MIRROR_REFERENCES = 130
#: Of those, the ones with no primary source beside them (in the same reference list, or
#: the same data entry): no primary text could be found and verified. Lower it when one is
#: found; it must never grow (a new reference to a mirror needs its primary source first).
#: 2026-12-06, +3, each searched for and not found in a primary copy: AP's "more than 230"
#: sent to Guatemala by 2020-01-22 and CBS's 378 (data/series-2019-2021.yaml; the 378 was
#: already cited from the same copy in calibration.yaml), and EOIR's PM 25-21 of 2025-02-14
#: (law.eoir.individual_hearing_filing_days).
UNBACKED_MIRRORS = 95


def urls(node: Any, path: Path) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("href", "source") and isinstance(value, str):
                yield str(path.relative_to(SRC)), value
            elif key == "also_seen_at" and isinstance(value, list):
                yield from ((str(path.relative_to(SRC)), v) for v in value if isinstance(v, str))
            else:
                yield from urls(value, path)
    elif isinstance(node, list):
        for value in node:
            yield from urls(value, path)


def unbacked(node: Any, path: Path) -> Iterator[tuple[str, str]]:
    """Mirror references with no primary source in their list or data entry."""
    if isinstance(node, dict):
        group = [v for k, v in node.items() if k in ("source",) and isinstance(v, str)]
        group += [v for v in node.get("also_seen_at") or [] if isinstance(v, str)]
        if group and not any(kind(u) == "primary" for u in group):
            yield from ((str(path.relative_to(SRC)), u) for u in group if kind(u) == "mirror")
        for key, value in node.items():
            if key == "reference" and isinstance(value, list):
                hrefs = [r["href"] for r in value if isinstance(r, dict) and "href" in r]
                if not any(kind(u) == "primary" for u in hrefs):
                    yield from (
                        (str(path.relative_to(SRC)), u) for u in hrefs if kind(u) == "mirror"
                    )
            elif key not in ("source", "also_seen_at"):
                yield from unbacked(value, path)
    elif isinstance(node, list):
        for value in node:
            yield from unbacked(value, path)


def test_mirrors_without_a_primary_source_do_not_grow() -> None:
    found = [(f, u) for path in FILES for f, u in unbacked(yaml.safe_load(path.read_text()), path)]
    listing = "\n".join(f"  {f}: {u}" for f, u in sorted(found))
    assert len(found) <= UNBACKED_MIRRORS, (
        f"{len(found)} references to mirror sites without a primary source beside them (at "
        f"most {UNBACKED_MIRRORS}):\n{listing}"
    )


def reference_lists(node: Any) -> Iterator[list[dict[str, str]]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, list):
                yield value
            else:
                yield from reference_lists(value)
    elif isinstance(node, list):
        for value in node:
            yield from reference_lists(value)


def test_references_to_mirror_sites_do_not_grow() -> None:
    found = [
        (f, u)
        for path in FILES
        for f, u in urls(yaml.safe_load(path.read_text()), path)
        if kind(u) == "mirror"
    ]
    listing = "\n".join(f"  {f}: {u}" for f, u in sorted(found))
    assert len(found) <= MIRROR_REFERENCES, (
        f"{len(found)} references to mirror sites (at most {MIRROR_REFERENCES}); cite the "
        f"primary text first and keep the copy as 'Also':\n{listing}"
    )
    if len(found) < MIRROR_REFERENCES:
        print(f"fewer mirror references ({len(found)}): lower MIRROR_REFERENCES")


def test_the_mirror_list_names_hosts() -> None:
    assert all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", h) for h in MIRRORS)
    assert kind("https://www.federalregister.gov/d/2019-25137") == "primary"
    assert kind("https://ro.scribd.com/document/1") == "mirror"
    assert host("https://www.dhs.gov/x") == "dhs.gov"


def test_a_primary_source_comes_first_in_every_reference_list() -> None:
    late = []
    for path in FILES:
        for refs in reference_lists(yaml.safe_load(path.read_text())):
            kinds = [kind(r["href"]) for r in refs if isinstance(r, dict) and "href" in r]
            if "primary" in kinds and kinds[0] != "primary":
                late.append(f"{path.relative_to(SRC)}: {refs[0]['title']}")
    assert not late, "\n".join(late)


#: Agreement parameters whose sources are about another partner, as their notes explain.
BORROWED = {
    "law/aca/agreements/hn/exclusions.yaml": "follows the Guatemala model (the IFR's one rule)",
    "law/aca/agreements/sv/exclusions.yaml": "follows the Guatemala model (the IFR's one rule)",
    "assumptions/aca/agreements/hn/flight_weekdays.yaml": "the Guatemala flight schedule",
    "assumptions/aca/agreements/hn/seats_per_week.yaml": "copies the El Salvador figure",
}


def test_an_agreement_cites_its_own_country() -> None:
    """A reference list of an agreement folder's parameter names its own country in some
    title or address, or names no partner country at all."""
    partners = {
        p.name: codes.country_name(p.name.upper())
        for p in (SRC / "parameters/law/aca/agreements").iterdir()
        if p.is_dir()
    }
    wrong = []
    for section in ("law", "assumptions"):
        for cc, name in partners.items():
            for path in sorted((SRC / f"parameters/{section}/aca/agreements/{cc}").glob("*.yaml")):
                rel = str(path.relative_to(SRC / "parameters"))
                for refs in reference_lists(yaml.safe_load(path.read_text())):
                    text = " ".join(f"{r['title']} {r['href']}" for r in refs).lower()
                    stem = name.lower().split()[-1][:6]
                    others = [
                        n
                        for c, n in partners.items()
                        if c != cc and n.lower().split()[-1][:6] in text
                    ]
                    if stem not in text and others and rel not in BORROWED:
                        wrong.append(f"{rel}: cites {', '.join(others)}, not {name}")
    assert not wrong, "\n".join(wrong)

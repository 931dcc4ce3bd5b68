"""Every reference a reader can follow has a title and a web address, and its dates agree.

The date rule: a reference attached to a dated value that states a date in its title
(2020-03-11, March 11, 2020 or 11 March 2020) supports that value's date, so one of the
dates it states must be within a day of the value's `from` date (orders often take effect
at 11:59 pm the day before, or at midnight after the day they are signed). A title may
state another date only where the value's or the parameter's note says how the value's
date was read from it (the note names the title's date): a later report of an earlier
event, or an order of one day that takes effect on another. A reference that supports
the rule rather than its date belongs to the parameter, not to a dated value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from asylum_pathways.params.loader import load_tree
from asylum_pathways.params.yamlio import load_yaml
from asylum_pathways.scenarios.overlay import builtin_dir

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def dates_in(text: str) -> list[dt.date]:
    found = [
        dt.date(int(y), int(m), int(d))
        for y, m, d in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    ]
    for month, day, year in re.findall(r"\b([A-Z][a-z]+)\.? (\d{1,2}),? (\d{4})\b", text):
        if month.lower() in MONTHS:
            found.append(dt.date(int(year), MONTHS[month.lower()], int(day)))
    for day, month, year in re.findall(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b", text):
        if month.lower() in MONTHS:
            found.append(dt.date(int(year), MONTHS[month.lower()], int(day)))
    return found


def test_dates_in_titles_are_read_in_the_three_forms_the_tree_uses() -> None:
    assert dates_in("order of 2020-03-04, effective March 12, 2020 (not 12 March 2020)") == [
        dt.date(2020, 3, 4),
        dt.date(2020, 3, 12),
        dt.date(2020, 3, 12),
    ]
    assert dates_in("TIAS 19-1115 cover") == []


def _scenario_references(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        if "href" in node or "title" in node:
            yield where, node
        for key, value in node.items():
            yield from _scenario_references(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _scenario_references(value, f"{where}[{i}]")


def _every_reference() -> Iterator[tuple[str, str, str]]:
    for p in load_tree():
        for r in p.references:
            yield p.name, r.title, r.href
        for v in p.values:
            for r in v.references:
                yield f"{p.name}@{v.start}", r.title, r.href
    for path in sorted(builtin_dir().glob("*.yaml")):
        for where, ref in _scenario_references(load_yaml(path), path.name):
            yield where, str(ref.get("title") or ""), str(ref.get("href") or "")


def test_every_reference_has_a_title_and_a_web_address() -> None:
    refs = list(_every_reference())
    assert len(refs) > 100
    bad = [
        f"{where}: title {title!r}, href {href!r}"
        for where, title, href in refs
        if not title.strip() or not re.match(r"^https?://[^\s/]+\.[^\s]+$", href)
    ]
    assert bad == []


def test_no_reference_reads_as_a_bare_source_link() -> None:
    bare = [
        f"{where}: {title!r}"
        for where, title, _ in _every_reference()
        if title.strip().strip("[]").lower() in {"source", "link", "here", "pdf"}
    ]
    assert bare == []


@pytest.mark.parametrize("section", ["law", "assumptions"])
def test_a_date_stated_in_a_reference_title_agrees_with_the_value_it_supports(section: str) -> None:
    disagree = []
    for p in load_tree():
        if p.section != section:
            continue
        for v in p.values:
            notes = " ".join(n for n in (v.note, p.note) if n)
            explained = set(dates_in(notes)) | {
                dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", notes)
            }
            for r in v.references:
                stated = dates_in(r.title)
                if not stated:
                    continue
                # the day itself, an announcement up to a week before it, or a report or
                # Federal Register publication up to 45 days after it
                if any(-7 <= (d - v.start).days <= 45 for d in stated):
                    continue
                if any(d in explained for d in stated):
                    continue
                disagree.append(
                    f"{p.name} value from {v.start}: {r.title!r} states "
                    f"{', '.join(map(str, stated))} and no note says how {v.start} was read from it"
                )
    assert disagree == []

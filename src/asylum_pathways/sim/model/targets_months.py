"""The months the encounter targets cover: 2018-10..2021-01 and the months of
data/encounters-2025.yaml; the gap between them is not covered.

>>> month_key(dt.date(2020, 3, 12))
'2020-03'
>>> last_day(dt.date(2020, 2, 1))
datetime.date(2020, 2, 29)
"""

from __future__ import annotations

import datetime as dt

from asylum_pathways.data import load
from asylum_pathways.sim.model.targets_axes import DATA_2025

FIRST_MONTH = dt.date(2018, 10, 1)
LAST_MONTH = dt.date(2021, 1, 1)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_of(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def span(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    out = []
    d = first
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return tuple(out)


def covered() -> tuple[tuple[dt.date, dt.date], ...]:
    """The covered ranges, each (first day, last day): 2018-10..2021-01 and the months of
    data/encounters-2025.yaml (which must be contiguous)."""
    keys = sorted(load(DATA_2025.name)["usbp_swb_monthly"]["months"])
    first, last = month_of(keys[0]), month_of(keys[-1])
    if len(span(first, last)) != len(keys):
        raise ValueError(f"{DATA_2025.name}: usbp_swb_monthly has a gap in its months {keys}")
    return (
        (FIRST_MONTH, last_day(LAST_MONTH)),
        (first, last_day(last)),
    )


def describe() -> str:
    """The covered ranges as text, e.g. '2018-10-01..2021-01-31 and 2024-10-01..2026-08-31'."""
    return " and ".join(f"{a}..{b}" for a, b in covered())


def uncovered(start: dt.date, end: dt.date) -> dt.date | None:
    """The first day of start..end that no covered range holds, or None."""
    ranges = covered()
    for m in span(start.replace(day=1), end.replace(day=1)):
        day = max(m, start)
        if not any(a <= day <= b for a, b in ranges):
            return day
    return None


def last_day(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


def months() -> tuple[dt.date, ...]:
    """Every covered month, in order (the gap between the ranges left out)."""
    return tuple(m for a, b in covered() for m in span(a, b))

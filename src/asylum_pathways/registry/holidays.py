"""Federal holidays and business days, read from the tree (`law.calendar.*`, 5 U.S.C. 6103).

A holiday's rule is data: `MM-DD`, `DAY#N-MM` (the N-th weekday of the month) or `DAY#last-MM`;
a holiday on a weekend is observed on the day `law.calendar.observed_holidays` names.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree

HOLIDAYS = "law.calendar.federal_holidays"
OBSERVED = "law.calendar.observed_holidays"
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
SHIFTS = {"friday_before": -1, "monday_after": 1, "none": 0}


def _day_of(rule: str, year: int) -> dt.date:
    try:
        if "#" not in rule:
            month, day = (int(x) for x in rule.split("-"))
            return dt.date(year, month, day)
        weekday, _, rest = rule.partition("#")
        nth, _, month_text = rest.partition("-")
        month = int(month_text)
        days = [
            d
            for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == DAYS[weekday]
        ]
        return days[-1] if nth == "last" else days[int(nth) - 1]
    except (ValueError, KeyError, IndexError):
        raise ParameterError(
            f"{HOLIDAYS}: rule {rule!r} is not MM-DD, DAY#N-MM or DAY#last-MM"
        ) from None


def holidays(tree: ParameterTree, year: int) -> Mapping[dt.date, str]:
    """The observed legal public holidays of `year` (the law in force on each holiday), worked
    out once per tree and year (every hearing read asks for them)."""
    return tree.memo(f"registry.holidays.{year}", lambda: MappingProxyType(_holidays(tree, year)))


def _holidays(tree: ParameterTree, year: int) -> dict[dt.date, str]:
    out: dict[dt.date, str] = {}
    param = tree.get(HOLIDAYS)
    rules: dict[str, str] = {}
    for day_key in (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        rules.update(param.at(day_key) or {})
    for name, rule in rules.items():
        day = _day_of(str(rule), year)
        in_force = param.at(day) or {}
        if name not in in_force:
            continue  # not yet (or no longer) a holiday on that day
        shift = (tree.get(OBSERVED).at(day) or {}).get(calendar.day_name[day.weekday()].lower())
        observed = day + dt.timedelta(days=SHIFTS.get(str(shift), 0) if shift else 0)
        out[observed] = name
    return out


def holiday(tree: ParameterTree, day: dt.date) -> str | None:
    """The name of the holiday observed on `day`, if any (December 31 may observe next New
    Year's Day)."""
    for year in (day.year, day.year + 1):
        name = holidays(tree, year).get(day)
        if name:
            return name
    return None


def is_business_day(tree: ParameterTree, day: dt.date) -> bool:
    return day.weekday() < 5 and holiday(tree, day) is None


def next_business_day(tree: ParameterTree, day: dt.date) -> dt.date:
    while not is_business_day(tree, day):
        day += dt.timedelta(days=1)
    return day

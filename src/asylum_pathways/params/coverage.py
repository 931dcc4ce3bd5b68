"""The days a parameter tree answers for, read from the tree itself (`law.coverage.answers`).

A day outside them is refused with the range, never answered from law the tree does not hold.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways.dates import day_number
from asylum_pathways.errors import ParameterError, Problem, UsageError
from asylum_pathways.params.tree import ParameterTree

COVERAGE = "law.coverage.answers"


def answerable_range(tree: ParameterTree) -> tuple[dt.date, dt.date]:
    """First and last day of the tree's answerable range (the first span where it is true)."""
    if COVERAGE not in tree:
        raise ParameterError(
            f"the parameter tree has no {COVERAGE}: it cannot say which days it answers for"
        )
    values = tree.get(COVERAGE).values
    starts = [i for i, v in enumerate(values) if v.value is True]
    if not starts:
        raise ParameterError(f"{COVERAGE} is never true: the tree answers for no day")
    i = starts[0]
    ends = [v.start for v in values[i + 1 :] if v.value is not True]
    if not ends:
        raise ParameterError(
            f"{COVERAGE} is true from {values[i].start} without end: a tree must say the last "
            "day it answers for"
        )
    return values[i].start, ends[0] - dt.timedelta(days=1)


def outside(tree: ParameterTree, days: np.ndarray) -> np.ndarray:
    """Mask of the day numbers on which the tree does not answer."""
    return ~tree.get(COVERAGE).flag(days.astype(np.int64))


def describe(tree: ParameterTree) -> str:
    first, last = answerable_range(tree)
    return f"the parameter tree answers for {first.isoformat()} to {last.isoformat()} ({COVERAGE})"


def check_day(tree: ParameterTree, day: dt.date, what: str) -> None:
    """Refuse one day (an option such as --date) outside the answerable range."""
    if bool(outside(tree, np.array([day_number(day)]))[0]):
        msg = f"outside the range; {describe(tree)}"
        raise UsageError(f"{what} {day.isoformat()}: {msg}", [Problem((what,), msg, str(day))])

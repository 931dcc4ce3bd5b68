"""Headline windows: a daily metric summed over a span of days (a study's named figures).

A window's start is a date, or the first day a law parameter's value contains an item, so a
study can say "from the day the injunction would have reached the Ninth Circuit" without
writing the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asylum_pathways.errors import InputError, Problem
from asylum_pathways.params import ParameterTree


class StudyError(InputError):
    """A study spec is invalid."""

    code = "invalid_study"


@dataclass(frozen=True)
class LawDay:
    """The first day a law parameter's value (a list) contains `containing`."""

    parameter: str
    containing: str

    def on(self, tree: ParameterTree) -> dt.date:
        param = tree.get(self.parameter)
        for value in param.values:
            if isinstance(value.value, list) and self.containing in value.value:
                return value.start
        raise StudyError(
            f"window start: {self.parameter} never contains {self.containing!r}",
            [Problem(("windows", "start"), "no such day in the law tree", self.parameter)],
        )


@dataclass(frozen=True)
class Window:
    """A headline metric `name`: daily `metric` summed from `start` to `end` (inclusive),
    optionally only where federal circuit `circuit` reaches."""

    name: str
    metric: str
    start: dt.date | LawDay
    end: dt.date
    circuit: str | None = None
    description: str = ""

    def first_day(self, tree: ParameterTree) -> dt.date:
        return self.start.on(tree) if isinstance(self.start, LawDay) else self.start

"""Units and item kinds of parameter values, and the check of a value against them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from asylum_pathways import codes
from asylum_pathways.params.model import ALL

#: Numeric units; all must be non-negative, and `rate` lies in [0, 1].
NUMERIC_UNITS = {
    "count",
    "number",
    "rate",
    "days",
    "persons",
    "persons_per_day",
    "persons_per_week",
    "persons_per_month",
    "persons_per_year",
    "hearings",
    "multiplier",
}
UNITS = NUMERIC_UNITS | {"bool", "list", "map", "date", "text"}

#: Exclusion and exception categories that rules know how to read from a record.
MPP_EXCLUSIONS = (
    "unaccompanied_children",
    "nationals_of_mexico",
    "returning_lpr",
    "advance_parole_or_parole",
    "known_physical_or_mental_health_issue",
    "criminal_history",
    "fear_of_mexico_established",
)
ACA_EXCLUSIONS = (
    "nationals_of_receiving_country",
    "stateless_habitual_residents_of_receiving_country",
    "unaccompanied_children",
    "fear_of_receiving_country_established",
    "criminal_history",
)
TITLE42_EXCEPTIONS = ("valid_travel_documents", "returning_lpr")
#: Exceptions to the asylum limits of 2023-2025 (lawful-pathways presumption, Proclamation
#: 10773's bar, Proclamation 10888), each read from a fact of the record.
ENTRY_BAR_EXCEPTIONS = (
    "unaccompanied_children",
    "returning_lpr",
    "valid_travel_documents",
    "cbp_one_appointment",
    "parole_or_lawful_process",
    "compelling_circumstances_established",
)


def item_kinds(ports: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Every item kind and its vocabulary; ports come from the parameter tree itself."""
    return {
        "country": codes.countries(),
        "sector": codes.SECTORS,
        "port": ports,
        "demographic": codes.DEMOGRAPHICS,
        "language": codes.languages(),
        "state": codes.STATES,
        "circuit": codes.CIRCUITS,
        "pathway": codes.PATHWAYS,
        "mpp_exclusion": MPP_EXCLUSIONS,
        "aca_exclusion": ACA_EXCLUSIONS,
        "title42_exception": TITLE42_EXCEPTIONS,
        "entry_bar_exception": ENTRY_BAR_EXCEPTIONS,
        "number": (),
        "rate": (),
        "text": (),
    }


def check_value(
    value: Any,
    unit: str,
    items: str | None,
    keys: str | None,
    kinds: dict[str, tuple[str, ...]],
) -> str | None:
    """None if `value` fits the unit, else a sentence saying what was expected."""
    if value is None:
        return None  # a repeal or suspension
    checker = _CHECKERS.get(unit)
    if checker is not None:
        return checker(value)
    if unit == "list":
        return _check_list(value, items, kinds)
    if unit == "map":
        if not isinstance(value, dict):
            return f"expected a mapping of {keys} to {items}, got {type(value).__name__}"
        for k, v in value.items():
            problem = _check_item(k, keys, kinds) or (
                _check_list(v, items, kinds)
                if isinstance(v, list)
                else _check_item(v, items, kinds)
            )
            if problem:
                return f"key {k!r}: {problem}"
        return None
    return f"unknown unit {unit!r} (expected one of {', '.join(sorted(UNITS))})"


def _check_list(value: Any, items: str | None, kinds: dict[str, tuple[str, ...]]) -> str | None:
    if value == ALL:
        return None
    if not isinstance(value, list):
        return f"expected a list of {items} codes or 'all', got {value!r}"
    for item in value:
        problem = _check_item(item, items, kinds)
        if problem:
            return problem
    if len(set(map(str, value))) != len(value):
        return f"list has a repeated item: {value!r}"
    return None


def _check_item(item: Any, kind: str | None, kinds: dict[str, tuple[str, ...]]) -> str | None:
    if kind is None:
        return None
    if kind == "number":
        return _number(item)
    if kind == "rate":
        return _number(item, 0.0, 1.0)
    if kind == "text":
        return None if isinstance(item, str | int) else f"expected a name, got {item!r}"
    vocabulary = kinds.get(kind)
    if vocabulary is None:
        return f"unknown item kind {kind!r} (expected one of {', '.join(sorted(kinds))})"
    if str(item) not in vocabulary:
        shown = ", ".join(vocabulary[:12]) + (", ..." if len(vocabulary) > 12 else "")
        return f"{item!r} is not a valid {kind} code (expected one of {shown})"
    return None


def _number(value: Any, low: float = 0.0, high: float | None = None) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number, got {value!r}"
    if not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if value < low:
        return f"expected a number >= {low:g}, got {value!r}"
    if high is not None and value > high:
        return f"expected a number between {low:g} and {high:g}, got {value!r}"
    return None


def _count(value: Any) -> str | None:
    """A count or rank: a whole number (2000, not 2000.5 or NaN)."""
    problem = _number(value)
    if problem is None and isinstance(value, float) and not value.is_integer():
        return f"expected a whole number, got {value!r}"
    return problem


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {value!r}"


def _date(value: Any) -> str | None:
    return None if isinstance(value, dt.date) else f"expected a date YYYY-MM-DD, got {value!r}"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {value!r}"


_CHECKERS: dict[str, Callable[[Any], str | None]] = {
    "bool": _bool,
    "date": _date,
    "text": _text,
    "rate": lambda v: _number(v, 0.0, 1.0),
    **{u: _number for u in NUMERIC_UNITS - {"rate", "count"}},
    "count": _count,
}

"""Records that cannot be one person or one family, refused with what the law requires.

- A family unit (one `group_id`) is encountered together: one day, one sector, one port; its
  members are FMUA (a single adult travels without family).
- An unaccompanied alien child has no parent or legal guardian with them, so a UAC is never
  a member of a family unit, and has not attained the age in `law.records.uac_age_below`
  (6 U.S.C. 279(g)(2)).
- A single adult has reached the age in `law.records.adult_age_from` (8 CFR 236.3(b)(1)).
- A port of entry lies in one Border Patrol sector (`law.geo.port_sector`); a record's port
  must be in the record's sector.

All checks are vectorized over the records; each reports at most `MAX_SHOWN` rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from asylum_pathways import codes
from asylum_pathways.dates import from_day_number
from asylum_pathways.errors import shown
from asylum_pathways.io.findings import MAX_SHOWN
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters

UAC_AGE = "law.records.uac_age_below"
ADULT_AGE = "law.records.adult_age_from"
PORT_SECTOR = "law.geo.port_sector"
Report = Callable[..., None]


class Cells(Protocol):
    """The values of one column as given, by row (a list, an array or a Polars series)."""

    def __getitem__(self, row: int, /) -> Any: ...


def check(
    tree: ParameterTree,
    enc: Encounters,
    in_group: np.ndarray,
    group_id: Cells,
    port: Cells,
    report: Report,
) -> None:
    """Report (through `report(row, column, msg, value)`) every record that cannot be.

    `in_group` marks the records with a group_id; `group_id` and `port` are the values as
    given (for the messages); `enc.group` numbers the family units."""
    _family_units(tree, enc, in_group, group_id, port, report)
    _ages(tree, enc, report)
    _ports(tree, enc, port, report)


def _rows(mask: np.ndarray) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)[:MAX_SHOWN]]


def _family_units(
    tree: ParameterTree,
    enc: Encounters,
    in_group: np.ndarray,
    group_id: Cells,
    port: Cells,
    report: Report,
) -> None:
    if not in_group.any():
        return
    _, first_of, inverse, sizes = np.unique(
        enc.group, return_index=True, return_inverse=True, return_counts=True
    )
    first, size = first_of[inverse], sizes[inverse]
    values = {
        "encounter_date": enc.arrival,
        "sector": enc.sector,
        "port": enc.port,
    }
    for name, col in values.items():
        for row in _rows(in_group & (col != col[first])):
            f = int(first[row])
            mine, theirs = _text(name, col, row, port), _text(name, col, f, port)
            report(
                row,
                name,
                f"{mine} differs from {theirs} of the first member of family unit "
                f"group_id {shown(group_id[row])}; a family unit is encountered together "
                "(one day, one sector, one port)",
                mine,
            )
    single = codes.DEMOGRAPHICS.index("SA")
    for row in _rows(in_group & (size > 1) & (enc.demographic == single)):
        report(
            row,
            "demographic",
            f"'SA' in family unit group_id {shown(group_id[row])} of {int(size[row])} members: "
            "a single adult travels without family; the members of a family unit are FMUA",
            "SA",
        )
    uac = codes.DEMOGRAPHICS.index("UAC")
    for row in _rows(in_group & (size > 1) & (enc.demographic == uac)):
        report(
            row,
            "demographic",
            f"'UAC' in family unit group_id {shown(group_id[row])} of {int(size[row])} members: "
            "an unaccompanied alien child has no parent or legal guardian with them "
            f"({_citation(tree, UAC_AGE, int(enc.arrival[row]))}); a child travelling with "
            "family is FMUA",
            "UAC",
        )


def _citation(tree: ParameterTree, key: str, day: int) -> str:
    """The short title of the reference of parameter `key` on day number `day`, and its name."""
    if key not in tree:
        return key
    param = tree.get(key)
    refs = param.effective_references(param.entry_at(from_day_number(day)))
    return f"{refs[0].title.split(':')[0]}; {key}" if refs else key


def _text(name: str, col: np.ndarray, row: int, port: Cells) -> str:
    if name == "encounter_date":
        return from_day_number(int(col[row])).isoformat()
    if name == "sector":
        return repr(codes.SECTORS[int(col[row])])
    value = port[row]
    return "no port" if value is None else f"port {value!r}"


def _ages(tree: ParameterTree, enc: Encounters, report: Report) -> None:
    known = enc.age >= 0
    if not known.any():
        return
    for key, demographic, too, rule in (
        (UAC_AGE, "UAC", np.greater_equal, "an unaccompanied alien child is younger than"),
        (ADULT_AGE, "SA", np.less, "a single adult is at least"),
    ):
        if key not in tree:
            continue
        param = tree.get(key)
        limit = param.numbers(enc.arrival)
        code = codes.DEMOGRAPHICS.index(demographic)
        with np.errstate(invalid="ignore"):
            bad = known & (enc.demographic == code) & too(enc.age, limit)
        for row in _rows(bad):
            report(
                row,
                "age",
                f"{int(enc.age[row])} with demographic {demographic!r}: {rule} "
                f"{limit[row]:g} ({_citation(tree, key, int(enc.arrival[row]))})",
                int(enc.age[row]),
            )


def _ports(tree: ParameterTree, enc: Encounters, port: Cells, report: Report) -> None:
    at_port = enc.port >= 0
    if not at_port.any() or PORT_SECTOR not in tree:
        return
    param = tree.get(PORT_SECTOR)
    expected = param.keyed_code(enc.arrival, enc.port.astype(np.intp), tree.ports, codes.SECTORS)
    for row in _rows(at_port & (expected != enc.sector)):
        day = from_day_number(int(enc.arrival[row])).isoformat()
        sector = codes.SECTORS[int(enc.sector[row])]
        if expected[row] < 0:
            msg = f"{port[row]!r} is not a port of entry on {day} ({PORT_SECTOR})"
        else:
            msg = (
                f"{port[row]!r} lies in sector {codes.SECTORS[int(expected[row])]} "
                f"({PORT_SECTOR}), not in the record's sector {sector!r}"
            )
        report(row, "port", msg, port[row])

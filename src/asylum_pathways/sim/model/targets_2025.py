"""Months from 2024-10 in the targets tensor: each month's published totals times the
shares of `assumptions.encounters_2025` in force on its first day (see `targets`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways import codes
from asylum_pathways.data import load
from asylum_pathways.sim.model.targets_axes import (
    ASSUMPTIONS_2025,
    CITIZENSHIP,
    DATA_2025,
    DEMOGRAPHIC,
    FIELD_OFFICES,
    LOCATIONS,
)
from asylum_pathways.sim.model.targets_months import month_key


def _at(values: list[list], month: dt.date) -> object:
    """The dated value (of [[start, value], ...] in order) in force on `month`."""
    found = None
    for start, value in values:
        if dt.date.fromisoformat(start) <= month:
            found = value
    return found


def month_2025(month: dt.date, shares: dict[str, list[list]]) -> np.ndarray:
    """One month from 2024-10 [location, citizenship, demographic]: the published totals times
    the shares of `assumptions.encounters_2025` in force on the month's first day."""
    data = load(DATA_2025.name)

    def share(name: str, keys: tuple[str, ...]) -> np.ndarray:
        value = _at(shares[f"{ASSUMPTIONS_2025}.{name}"], month)
        assert isinstance(value, dict)
        w = np.array([float(value[k]) for k in keys])
        return w / w.sum()

    key = month_key(month)
    usbp = float(data["usbp_swb_monthly"]["months"][key]["value"])
    ofo_row = data["ofo_swb_monthly"]["months"].get(key)
    ofo = (
        float(ofo_row["value"])
        if ofo_row
        else float(_at(shares[f"{ASSUMPTIONS_2025}.ofo_per_month"], month))  # type: ignore[arg-type]
    )
    cell = np.outer(
        share("citizenship_share", CITIZENSHIP), share("demographic_share", DEMOGRAPHIC)
    )
    out = np.zeros((len(LOCATIONS), len(CITIZENSHIP), len(DEMOGRAPHIC)))
    out[:9] = usbp * share("sector_share", codes.SECTORS)[:, None, None] * cell
    fo = share("ofo_field_office_share", tuple(FIELD_OFFICES))
    out[9:] = ofo * fo[:, None, None] * cell
    return out

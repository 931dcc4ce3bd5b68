"""Monthly encounter targets by location x citizenship x demographic, from published series.

Everything here is deterministic: a tensor T[month, location, citizenship, demographic] of
expected encounters, built by iterative proportional fitting (raking) of a seed to the
published margins of each month. Where a breakdown is not published, the nearest published
shares are used, and the derivation is said here and in the assumptions tree:

- FY2020 (2019-10..2020-09): the seed is the FY2020 annual three-way table (raked to the
  three published annual cross-tabs); each month is raked to its published sector,
  citizenship, demographic and Northern-Triangle/Mexico x demographic totals.
- FY2019 (2018-10..2019-09): no monthly citizenship is published. Annual citizenship x
  demographic is derived from the FY2019 facts (Mexico 166,458; Guatemala 264,168; Northern
  Triangle 71%, split Honduras:El Salvador by the May FYTD totals; family units by country;
  UAC and single adults by the May FYTD shares); each month is raked to it (scaled by the
  month's demographic totals), to the annual Mexican/other-than-Mexican share by sector, and
  last to the published monthly sector x demographic cells, which are therefore exact.
- FY2021 months (2020-10..2021-01): only sector totals are published; the September 2020
  shares are raked to them.
- OFO (ports): FY2020 monthly totals by demographic; field offices from Jan 2020 (Oct-Dec
  2019 use the Jan-Mar 2020 shares). FY2019 month by month (data/series-2019-2021.yaml: CBP's
  southwest-border total less USBP; the months sum to CBP's 126,001) with the Oct 2019-Feb
  2020 demographic shares and the Jan-Mar 2020 field offices; Oct 2020-Jan 2021 month by
  month with their own field offices and the Sep 2020 demographic shares. Citizenship as USBP
  in the same month and demographic. (Until 2026-12 FY2019 was its annual total spread by the
  Border Patrol's monthly pattern, and FY2021 the September 2020 level: single months were
  off by -50% to +75%.)
- 2024-10..2026-08 (data/encounters-2025.yaml): CBP published monthly USBP totals with few
  breakdowns, so each month is its total times the shares of `assumptions.encounters_2025` in
  force on the month's first day in the run's own tree (a scenario that sets them changes the
  people drawn) (sector, citizenship, demographic; the two last taken as
  independent). OFO is the month's published (or derived) count where there is one, else
  `assumptions.encounters_2025.ofo_per_month`, split by the field-office, citizenship and
  demographic shares of the same folder. The USBP monthly totals are therefore exact.

The months between 2021-02 and 2024-09 are not covered: `covered()` names the two ranges and
`Targets.month_index` refuses a month outside them. The pieces live beside this module: the
axes and data files (`targets_axes`), the covered months (`targets_months`), raking
(`raking`), and the months of each source (`targets_usbp`, `targets_ofo`, `targets_2025`).
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asylum_pathways import cache, codes
from asylum_pathways.data import FILE as FACT_SHEET
from asylum_pathways.data import load
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.model.raking import rake
from asylum_pathways.sim.model.targets_2025 import month_2025
from asylum_pathways.sim.model.targets_axes import (
    ASSUMPTIONS_2025,
    CITIZENSHIP,
    DATA_2025,
    DEMOGRAPHIC,
    FIELD_OFFICES,
    LOCATIONS,
    SERIES,
)
from asylum_pathways.sim.model.targets_months import (
    LAST_MONTH,
    covered,
    describe,
    month_key,
    months,
    uncovered,
)
from asylum_pathways.sim.model.targets_ofo import ofo_months
from asylum_pathways.sim.model.targets_usbp import (
    fy2019_month,
    fy2019_tables,
    fy2020_month,
    fy2020_seed,
)

__all__ = [
    "CITIZENSHIP",
    "DEMOGRAPHIC",
    "FIELD_OFFICES",
    "LOCATIONS",
    "Targets",
    "build",
    "compute",
    "covered",
    "describe",
    "month_key",
    "months",
    "rake",
    "uncovered",
]

#: The modules whose code the cached targets depend on (besides this one and the data files).
CODE = ("raking", "targets_axes", "targets_months", "targets_usbp", "targets_ofo", "targets_2025")


@dataclass(frozen=True)
class Targets:
    months: tuple[dt.date, ...]
    locations: tuple[str, ...]
    citizenship: tuple[str, ...]
    demographic: tuple[str, ...]
    tensor: np.ndarray  # [month, location, citizenship, demographic], expected encounters

    def month_index(self, day: dt.date) -> int:
        """The row of `day`'s month; ValueError for a month the calibration does not cover."""
        try:
            return self.months.index(day.replace(day=1))
        except ValueError:
            raise ValueError(f"{day} is outside the calibration data ({describe()})") from None


def build(tree: ParameterTree | None = None) -> Targets:
    """The targets of `tree` (default: the package's own), from the on-disk cache when they
    were built from the same data files, the same values of the 2025 shares and the same code
    (keyed by a hash of all three), else computed and cached; equal either way."""
    if tree is None:
        from asylum_pathways.params.loader import load_tree

        tree = load_tree()
    shares = _shares(tree)
    return _build(shares, cache.key(["shares", shares]))


def _shares(tree: ParameterTree) -> str:
    """The dated values of the 2025 shares in `tree`, as canonical JSON (their cache key)."""
    import json

    from asylum_pathways.params.tree import _jsonable

    return json.dumps(
        {
            p.name: [[v.start.isoformat(), _jsonable(v.value)] for v in p.values]
            for p in tree.under(f"{ASSUMPTIONS_2025}.")
        },
        sort_keys=True,
    )


@functools.cache
def _build(shares: str, shares_key: str) -> Targets:
    package = Path(__file__).parents[2]
    here = Path(__file__)
    code = (
        here,
        *(here.with_name(f"{name}.py") for name in CODE),
        package / "data" / "__init__.py",
        package / "codes.py",
    )
    digest = cache.key(
        ["targets", shares_key, *cache.sources(FACT_SHEET, DATA_2025, SERIES, *code)]
    )
    return cache.cached(
        "targets", digest, lambda: compute(json_shares(shares)), pickle.dumps, pickle.loads
    )


def json_shares(shares: str) -> dict[str, list[list]]:
    import json

    out: dict[str, list[list]] = json.loads(shares)
    return out


def compute(shares: dict[str, list[list]] | None = None) -> Targets:
    """Rake the published series into the targets tensor (about a second); `shares`, the
    dated values of the 2025 shares by parameter name (default: the package tree's)."""
    if shares is None:
        from asylum_pathways.params.loader import load_tree

        shares = json_shares(_shares(load_tree()))
    data = load()["series"]
    facts = {f["id"]: f for f in load()["encounter_facts"]["fy2019"]}
    ms = months()
    nl, nc, nd = len(LOCATIONS), len(CITIZENSHIP), len(DEMOGRAPHIC)
    tensor = np.zeros((len(ms), nl, nc, nd))
    old = [i for i, m in enumerate(ms) if m <= LAST_MONTH]
    seed20 = fy2020_seed(data)
    fy20 = data["usbp_swb_fy2020_monthly"]["data"]
    for i, m in enumerate(ms):
        key = month_key(m)
        if key in fy20:
            tensor[i, :9] = fy2020_month(seed20, fy20[key])
    fy19 = fy2019_tables(data, facts)
    for i, m in enumerate(ms):
        if dt.date(2018, 10, 1) <= m <= dt.date(2019, 9, 1):
            tensor[i, :9] = fy2019_month(seed20, fy19, data, month_key(m))
    fy21 = data["usbp_swb_fy2021_oct_jan_by_sector"]
    sep20 = tensor[ms.index(dt.date(2020, 9, 1)), :9]
    for j, key in enumerate(fy21["months"]):
        i = ms.index(dt.date(int(key[:4]), int(key[5:]), 1))
        totals = np.array([fy21["data"][codes.SECTOR_NAMES[s]][j] for s in codes.SECTORS], float)
        tensor[i, :9] = rake(sep20, [((0,), totals)], rounds=1)
    tensor[old, 9:] = ofo_months(data, ms[: len(old)], tensor[old, :9])
    for i, m in enumerate(ms):
        if m > LAST_MONTH:
            tensor[i] = month_2025(m, shares)
    return Targets(ms, LOCATIONS, CITIZENSHIP, DEMOGRAPHIC, tensor)

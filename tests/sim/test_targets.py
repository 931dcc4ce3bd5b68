"""The monthly encounter targets reproduce the published series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from asylum_pathways import codes
from asylum_pathways.data import load
from asylum_pathways.sim.model.targets import CITIZENSHIP, build


def test_fy2019_sector_by_demographic_cells_are_exact() -> None:
    t = build()
    cells = load()["series"]["usbp_swb_fy2019_monthly_by_sector"]["data"]
    i = t.months.index(dt.date(2019, 5, 1))
    for s, sector in enumerate(codes.SECTORS):
        row = cells[codes.SECTOR_NAMES[sector]]["2019-05"]
        got = t.tensor[i, s].sum(axis=0)
        assert np.allclose(got, [row["uac"], row["fmua"], row["single_adults_derived"]], rtol=1e-6)


def test_fy2019_citizenship_reproduces_the_annual_facts() -> None:
    t = build()
    fy = t.tensor[:12, :9].sum(axis=(0, 1, 3))
    assert abs(fy[CITIZENSHIP.index("MX")] - 166_458) / 166_458 < 0.01
    assert abs(fy[CITIZENSHIP.index("GT")] - 264_168) / 264_168 < 0.01
    nt = fy[[CITIZENSHIP.index(c) for c in ("GT", "HN", "SV")]].sum()
    assert abs(nt / t.tensor[:12, :9].sum() - 0.71) < 0.005


def test_fy2020_monthly_margins_match() -> None:
    t = build()
    month = load()["series"]["usbp_swb_fy2020_monthly"]["data"]["2020-06"]
    x = t.tensor[t.months.index(dt.date(2020, 6, 1)), :9]
    assert np.isclose(x.sum(), month["total"], rtol=1e-4)
    assert np.isclose(x[:, CITIZENSHIP.index("CU")].sum(), month["citizenship"]["cu"], rtol=0.02)
    assert np.isclose(x[:, :, 0].sum(), month["demographic"]["uac"], rtol=0.02)
    assert np.isclose(
        x[:, CITIZENSHIP.index("HN"), 1].sum(),
        month["citizenship_by_demographic"]["hn"]["fmua"],
        rtol=0.02,
    )


def test_every_port_month_is_its_published_or_derived_count() -> None:
    """OFO months of FY2019 (CBP's total less USBP) and 2020-10..2021-01 by field office are
    each month's own count, not an annual total spread by the Border Patrol's pattern."""
    t = build()
    later = {r["id"]: r for r in load("series-2019-2021.yaml")["ofo_monthly"]}
    for record in later.values():
        for key, value in record["months"].items():
            i = t.months.index(dt.date(int(key[:4]), int(key[5:]), 1))
            assert t.tensor[i, 9:].sum() == pytest.approx(value, rel=1e-9), key
    fy21 = later["ofo.swb.fy2021.oct_jan"]
    i = t.months.index(dt.date(2021, 1, 1))
    sd = list(t.locations).index("OFO:San Diego")
    assert t.tensor[i, sd].sum() == pytest.approx(fy21["by_field_office"]["San Diego"]["2021-01"])

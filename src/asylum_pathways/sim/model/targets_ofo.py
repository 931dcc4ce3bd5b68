"""Port (OFO) months of 2018-10..2021-01 in the targets tensor: each month's count by
demographic, split by field office, with the citizenship of the Border Patrol's encounters in
the same month and demographic (see `targets` for the derivation)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways.data import load
from asylum_pathways.sim.model.targets_axes import CITIZENSHIP, FIELD_OFFICES, SERIES
from asylum_pathways.sim.model.targets_months import month_key


def ofo_months(data: dict, ms: tuple[dt.date, ...], usbp: np.ndarray) -> np.ndarray:
    ofo = data["ofo_swb_fy2020_monthly"]["data"]
    by_fo = data["ofo_swb_fy2020_by_field_office"]["data"]
    later = {r["id"]: r for r in load(SERIES.name)["ofo_monthly"]}
    fy19 = later["ofo.swb.fy2019.monthly"]["months"]
    fy21 = later["ofo.swb.fy2021.oct_jan"]
    fos = list(FIELD_OFFICES)
    out = np.zeros((len(ms), len(fos), len(CITIZENSHIP), 3))

    def demo_of(row: dict) -> np.ndarray:
        # accompanied minors travel with adults who are not their parents: counted with families
        return np.array(
            [row["uac"], row["fmua"] + row.get("accompanied_minors", 0), row["single_adults"]],
            float,
        )

    early = [month_key(dt.date(2020, m, 1)) for m in (1, 2, 3)]
    fo_early = np.array([sum(by_fo[fo][k] for k in early) for fo in fos], float)
    fo_early /= fo_early.sum()
    first_five = [month_key(dt.date(2019, 10, 1) + dt.timedelta(days=31 * k)) for k in range(5)]
    demo_share = np.sum([demo_of(ofo[k]) for k in first_five], axis=0)
    demo_share = demo_share / demo_share.sum()
    sep = demo_of(ofo[month_key(dt.date(2020, 9, 1))])
    for i, m in enumerate(ms):
        key = month_key(m)
        if key in ofo:
            demo = demo_of(ofo[key])
        elif key in fy19:
            demo = float(fy19[key]) * demo_share
        elif key in fy21["months"]:
            demo = float(fy21["months"][key]) * sep / sep.sum()
        else:
            raise ValueError(f"no OFO count for {key} in the data files")
        if key in by_fo[fos[0]]:
            fo = np.array([by_fo[f][key] for f in fos], float)
        elif key in fy21["by_field_office"][fos[0]]:
            fo = np.array([fy21["by_field_office"][f][key] for f in fos], float)
        else:
            fo = fo_early
        fo = fo / fo.sum()
        # citizenship as USBP in the same month and demographic
        cit = usbp[i].sum(axis=0)
        cit_share = cit / np.maximum(cit.sum(axis=0, keepdims=True), 1e-9)
        out[i] = fo[:, None, None] * cit_share[None, :, :] * demo[None, None, :]
    return out

"""Border Patrol (USBP) months of FY2019 and FY2020 in the targets tensor: the FY2020 seed
raked to the annual cross-tabs, each FY2020 month raked to its published margins, and each
FY2019 month raked to the FY2019 annual citizenship tables and its sector cells (see
`targets` for the derivation)."""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes
from asylum_pathways.sim.model.raking import rake
from asylum_pathways.sim.model.targets_axes import CIT5, CITIZENSHIP, DEMO_KEY, DEMOGRAPHIC


def fy2020_seed(data: dict) -> np.ndarray:
    tabs = data["usbp_swb_fy2020_crosstabs"]["data"]
    sectors = [codes.SECTOR_NAMES[s] for s in codes.SECTORS]
    sc = np.array([[tabs["sector_by_citizenship"][s][c] for c in CIT5] for s in sectors], float)
    sd = np.array(
        [[tabs["sector_by_demographic"][s][DEMO_KEY[d]] for d in DEMOGRAPHIC] for s in sectors],
        float,
    )
    cd = np.array(
        [[tabs["citizenship_by_demographic"][c][DEMO_KEY[d]] for d in DEMOGRAPHIC] for c in CIT5],
        float,
    )
    seed5 = rake(np.ones((9, 5, 3)), [((0, 1), sc), ((1, 2), cd), ((0, 2), sd)])
    # split "all other" by the FY2020 annual totals of the listed other countries
    monthly = data["usbp_swb_fy2020_monthly"]["data"]
    others = CITIZENSHIP[4:]
    totals = np.array(
        [sum(monthly[k]["citizenship"][_cit_key(c)] for k in monthly) for c in others], float
    )
    share = totals / totals.sum()
    seed = np.zeros((9, len(CITIZENSHIP), 3))
    seed[:, :4] = seed5[:, :4]
    seed[:, 4:] = seed5[:, 4:5] * share[None, :, None]
    return seed


def _cit_key(c: str) -> str:
    return "other_all_remaining" if c == "OTHER" else c.lower()


def fy2020_month(seed: np.ndarray, month: dict) -> np.ndarray:
    sector = np.array([month["sector"][codes.SECTOR_NAMES[s]] for s in codes.SECTORS], float)
    cit = np.array([month["citizenship"][_cit_key(c)] for c in CITIZENSHIP], float)
    demo = np.array([month["demographic"][DEMO_KEY[d]] for d in DEMOGRAPHIC], float)
    cbd = month["citizenship_by_demographic"]
    # NT and Mexico by demographic; the other citizenships share the remainder
    cd = np.zeros((len(CITIZENSHIP), 3))
    for i, c in enumerate(CITIZENSHIP[:4]):
        cd[i] = [cbd[c.lower()][DEMO_KEY[d]] for d in DEMOGRAPHIC]
    rest = demo - cd[:4].sum(axis=0)
    rest_seed = seed[:, 4:].sum(axis=0)
    rest_cd = rake(rest_seed, [((0,), cit[4:]), ((1,), np.maximum(rest, 0))])
    cd[4:] = rest_cd
    return rake(seed, [((0,), sector), ((1, 2), cd), ((1,), cit), ((2,), demo)])


def fy2019_tables(data: dict, facts: dict) -> dict[str, np.ndarray]:
    demo_tot = facts["fy19.demographics"]
    demo = np.array([demo_tot["uac"], demo_tot["fmua"], demo_tot["single_adults"]], float)
    total = float(facts["fy19.total"]["value"])
    mx = float(facts["fy19.mexican"]["mexico"])
    gt = float(facts["fy19.mexican"]["guatemala"])
    nt = facts["fy19.nt_share"]["nt_share"] * total
    # Honduras : El Salvador split of the rest of the Northern Triangle by the May FYTD totals
    hn_may, sv_may = 162342.0, 57867.0  # fy19.fytd_may (CBP release 2019-06-07)
    hn = (nt - gt) * hn_may / (hn_may + sv_may)
    sv = (nt - gt) - hn
    other = total - mx - gt - hn - sv
    country = np.array([mx, gt, hn, sv, other])
    fm = facts["fy19.fmua_by_country"]["fmua"]
    fmua = np.array([fm["mexico"], fm["guatemala"], fm["honduras"], fm["el_salvador"]], float)
    fmua = np.append(fmua, demo[1] - fmua.sum())
    # seed UAC and SA by the May FYTD shares (Mexican UAC from the April FYTD)
    uac = np.array([5988 * 8 / 7, 24638, 14785, 8272, 1.0])
    sa = np.array([98798, 37281, 31671, 14183, 1.0])
    seed = np.stack([uac, fmua, sa], axis=1)
    seed[4, [0, 2]] = np.maximum(country[4] - fmua[4], 1) / 2
    cd5 = rake(seed, [((0,), country), ((1,), demo)])
    cd5[:, 1] = fmua  # family units by country are published: keep them exact
    cd5 = rake(cd5, [((0,), country), ((1,), demo)], rounds=20)
    otm = data["usbp_fy2019_annual_mexican_vs_otm_by_sector"]["data"]
    mex_share = np.array(
        [
            otm[codes.SECTOR_NAMES[s]]["mexican"] / otm[codes.SECTOR_NAMES[s]]["total"]
            for s in codes.SECTORS
        ]
    )
    return {"cd5": cd5, "demo": demo, "mex_share": mex_share}


def fy2019_month(
    seed20: np.ndarray, fy19: dict[str, np.ndarray], data: dict, key: str
) -> np.ndarray:
    cells = data["usbp_swb_fy2019_monthly_by_sector"]["data"]
    sd = np.array(
        [
            [cells[codes.SECTOR_NAMES[s]][key][k] for k in ("uac", "fmua", "single_adults_derived")]
            for s in codes.SECTORS
        ],
        float,
    )
    month_demo = sd.sum(axis=0)
    cd5 = fy19["cd5"] * (month_demo / fy19["demo"])[None, :]
    # expand "other" by the FY2020 shares of the other citizenships within each demographic
    other_seed = seed20[:, 4:].sum(axis=0)
    other_share = other_seed / np.maximum(other_seed.sum(axis=0, keepdims=True), 1e-9)
    cd = np.zeros((len(CITIZENSHIP), 3))
    cd[:4] = cd5[:4]
    cd[4:] = cd5[4][None, :] * other_share
    sector_tot = sd.sum(axis=1)
    mexican = np.stack(
        [fy19["mex_share"] * sector_tot, (1 - fy19["mex_share"]) * sector_tot], axis=1
    )
    seed = seed20.copy()

    def mex_margin(x: np.ndarray) -> np.ndarray:
        return x

    x = seed
    for _ in range(40):
        x = rake(x, [((1, 2), cd)], rounds=1)
        # sector x {Mexican, other} margin
        mx_now = x[:, 0].sum(axis=1)
        otm_now = x[:, 1:].sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            x[:, 0] *= np.where(mx_now > 0, mexican[:, 0] / mx_now, 0)[:, None]
            x[:, 1:] *= np.where(otm_now > 0, mexican[:, 1] / otm_now, 0)[:, None, None]
        x = rake(x, [((0, 2), sd)], rounds=1)
    return x

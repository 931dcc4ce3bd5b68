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
`Targets.month_index` refuses a month outside them.
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

#: The 2025-2026 data file and the assumptions that split its totals.
DATA_2025 = FACT_SHEET.parent / "encounters-2025.yaml"
#: Port (OFO) months of FY2019 and 2020-10..2021-01.
SERIES = FACT_SHEET.parent / "series-2019-2021.yaml"
ASSUMPTIONS_2025 = "assumptions.encounters_2025"
#: Citizenship groups of the generator; OTHER is split by assumptions.population.other_nationalities.
CITIZENSHIP = ("MX", "GT", "HN", "SV", "CU", "EC", "BR", "HT", "NI", "VE", "IN", "CN", "OTHER")
DEMOGRAPHIC = codes.DEMOGRAPHICS  # UAC, FMUA, SA
SECTOR_NAME = {v: k for k, v in codes.SECTOR_NAMES.items()}
#: OFO field offices: each is represented by its main MPP port (a documented simplification).
FIELD_OFFICES = {"San Diego": "SYS", "El Paso": "ELP", "Laredo": "LAR", "Tucson": "NOG"}
LOCATIONS = (*codes.SECTORS, *(f"OFO:{fo}" for fo in FIELD_OFFICES))
FIRST_MONTH = dt.date(2018, 10, 1)
LAST_MONTH = dt.date(2021, 1, 1)
_DEMO_KEY = {"UAC": "uac", "FMUA": "fmua", "SA": "single_adults"}
_CIT5 = ("mexico", "guatemala", "honduras", "el_salvador", "all_other")


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


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_of(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def _span(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    out = []
    d = first
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return tuple(out)


def covered() -> tuple[tuple[dt.date, dt.date], ...]:
    """The covered ranges, each (first day, last day): 2018-10..2021-01 and the months of
    data/encounters-2025.yaml (which must be contiguous)."""
    keys = sorted(load(DATA_2025.name)["usbp_swb_monthly"]["months"])
    first, last = _month_of(keys[0]), _month_of(keys[-1])
    if len(_span(first, last)) != len(keys):
        raise ValueError(f"{DATA_2025.name}: usbp_swb_monthly has a gap in its months {keys}")
    return (
        (FIRST_MONTH, _last_day(LAST_MONTH)),
        (first, _last_day(last)),
    )


def describe() -> str:
    """The covered ranges as text, e.g. '2018-10-01..2021-01-31 and 2024-10-01..2026-08-31'."""
    return " and ".join(f"{a}..{b}" for a, b in covered())


def uncovered(start: dt.date, end: dt.date) -> dt.date | None:
    """The first day of start..end that no covered range holds, or None."""
    ranges = covered()
    for m in _span(start.replace(day=1), end.replace(day=1)):
        day = max(m, start)
        if not any(a <= day <= b for a, b in ranges):
            return day
    return None


def _last_day(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


def months() -> tuple[dt.date, ...]:
    """Every covered month, in order (the gap between the ranges left out)."""
    return tuple(m for a, b in covered() for m in _span(a, b))


def rake(
    seed: np.ndarray, margins: list[tuple[tuple[int, ...], np.ndarray]], rounds: int = 60
) -> np.ndarray:
    """Iterative proportional fitting: scale `seed` so that its sums over the axes not named
    in each margin match the margin's target (the last margin is matched exactly)."""
    x = seed.astype(np.float64).copy()
    axes_all = tuple(range(x.ndim))
    for _ in range(rounds):
        for keep, target in margins:
            other = tuple(a for a in axes_all if a not in keep)
            current = x.sum(axis=other, keepdims=True)
            shape = [x.shape[a] if a in keep else 1 for a in axes_all]
            wanted = np.asarray(target, dtype=np.float64).reshape(shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, wanted / current, 0.0)
            x *= factor
    return x


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
    code = (Path(__file__), package / "data" / "__init__.py", package / "codes.py")
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
    seed20 = _fy2020_seed(data)
    fy20 = data["usbp_swb_fy2020_monthly"]["data"]
    for i, m in enumerate(ms):
        key = month_key(m)
        if key in fy20:
            tensor[i, :9] = _fy2020_month(seed20, fy20[key])
    fy19 = _fy2019_tables(data, facts)
    for i, m in enumerate(ms):
        if dt.date(2018, 10, 1) <= m <= dt.date(2019, 9, 1):
            tensor[i, :9] = _fy2019_month(seed20, fy19, data, month_key(m))
    fy21 = data["usbp_swb_fy2021_oct_jan_by_sector"]
    sep20 = tensor[ms.index(dt.date(2020, 9, 1)), :9]
    for j, key in enumerate(fy21["months"]):
        i = ms.index(dt.date(int(key[:4]), int(key[5:]), 1))
        totals = np.array([fy21["data"][codes.SECTOR_NAMES[s]][j] for s in codes.SECTORS], float)
        tensor[i, :9] = rake(sep20, [((0,), totals)], rounds=1)
    tensor[old, 9:] = _ofo(data, ms[: len(old)], tensor[old, :9])
    for i, m in enumerate(ms):
        if m > LAST_MONTH:
            tensor[i] = _month_2025(m, shares)
    return Targets(ms, LOCATIONS, CITIZENSHIP, DEMOGRAPHIC, tensor)


def _at(values: list[list], month: dt.date) -> object:
    """The dated value (of [[start, value], ...] in order) in force on `month`."""
    found = None
    for start, value in values:
        if dt.date.fromisoformat(start) <= month:
            found = value
    return found


def _month_2025(month: dt.date, shares: dict[str, list[list]]) -> np.ndarray:
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


def _fy2020_seed(data: dict) -> np.ndarray:
    tabs = data["usbp_swb_fy2020_crosstabs"]["data"]
    sectors = [codes.SECTOR_NAMES[s] for s in codes.SECTORS]
    sc = np.array([[tabs["sector_by_citizenship"][s][c] for c in _CIT5] for s in sectors], float)
    sd = np.array(
        [[tabs["sector_by_demographic"][s][_DEMO_KEY[d]] for d in DEMOGRAPHIC] for s in sectors],
        float,
    )
    cd = np.array(
        [[tabs["citizenship_by_demographic"][c][_DEMO_KEY[d]] for d in DEMOGRAPHIC] for c in _CIT5],
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


def _fy2020_month(seed: np.ndarray, month: dict) -> np.ndarray:
    sector = np.array([month["sector"][codes.SECTOR_NAMES[s]] for s in codes.SECTORS], float)
    cit = np.array([month["citizenship"][_cit_key(c)] for c in CITIZENSHIP], float)
    demo = np.array([month["demographic"][_DEMO_KEY[d]] for d in DEMOGRAPHIC], float)
    cbd = month["citizenship_by_demographic"]
    # NT and Mexico by demographic; the other citizenships share the remainder
    cd = np.zeros((len(CITIZENSHIP), 3))
    for i, c in enumerate(CITIZENSHIP[:4]):
        cd[i] = [cbd[c.lower()][_DEMO_KEY[d]] for d in DEMOGRAPHIC]
    rest = demo - cd[:4].sum(axis=0)
    rest_seed = seed[:, 4:].sum(axis=0)
    rest_cd = rake(rest_seed, [((0,), cit[4:]), ((1,), np.maximum(rest, 0))])
    cd[4:] = rest_cd
    return rake(seed, [((0,), sector), ((1, 2), cd), ((1,), cit), ((2,), demo)])


def _fy2019_tables(data: dict, facts: dict) -> dict[str, np.ndarray]:
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


def _fy2019_month(
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


def _ofo(data: dict, ms: tuple[dt.date, ...], usbp: np.ndarray) -> np.ndarray:
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

"""Synthetic encounter tables for benchmarks (generated people; not calibrated)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import FLAG_FIELDS, Encounters

CITIZENSHIP = {
    "MX": 0.45,
    "GT": 0.2,
    "HN": 0.15,
    "SV": 0.07,
    "CU": 0.04,
    "EC": 0.04,
    "BR": 0.03,
    "NI": 0.01,
    "VE": 0.01,
}


def generate(tree: ParameterTree, n: int, start: dt.date, days: int, seed: int = 0) -> Encounters:
    """`n` records with encounter dates spread over `days` days from `start`."""
    rng = np.random.default_rng(seed)
    countries = codes.countries()
    cc = np.array([countries.index(c) for c in CITIZENSHIP], dtype=np.int16)
    p = np.array(list(CITIZENSHIP.values()))
    demographic = rng.choice(3, size=n, p=[0.08, 0.35, 0.57]).astype(np.int8)
    # family units: runs of 2-4 consecutive FMUA rows share a group id
    group = np.arange(n, dtype=np.int64)
    fmua = np.flatnonzero(demographic == 1)
    sizes = rng.integers(2, 5, size=fmua.shape[0])
    group[fmua] = fmua - (np.arange(fmua.shape[0]) % sizes)  # approximate runs
    group = np.maximum.accumulate(group)
    arrival = (day_number(start) + rng.integers(0, days, size=n)).astype(np.int32)
    same = np.concatenate([[False], group[1:] == group[:-1]])
    arrival = np.where(same, np.roll(arrival, 1), arrival).astype(np.int32)
    languages = codes.languages()
    es, pt = languages.index("es"), languages.index("pt")
    citizenship = cc[rng.choice(cc.shape[0], size=n, p=p)]
    language = np.where(citizenship == countries.index("BR"), pt, es).astype(np.int16)
    port = np.where(rng.random(n) < 0.1, rng.integers(0, len(tree.ports), n), -1).astype(np.int16)

    def flag(prob: float) -> np.ndarray:
        return tri.from_bool(rng.random(n) < prob)

    flags = {name: flag(0.02) for name in FLAG_FIELDS}
    flags["claims_fear"] = flag(0.6)
    return Encounters(
        group=group,
        arrival=arrival,
        sector=rng.integers(0, len(codes.SECTORS), size=n).astype(np.int8),
        port=port,
        citizenship=citizenship,
        habitual_residence=np.full(n, -1, np.int16),
        demographic=demographic,
        age=rng.integers(0, 70, size=n).astype(np.int16),
        language=language,
        flags=flags,
        aca_fear={"GT": np.full(n, tri.U, np.int8)},
    )

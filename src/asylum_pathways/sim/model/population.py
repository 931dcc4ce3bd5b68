"""Draw a population of encounters for one replication, calibrated to the monthly targets.

Counts per (day, location, citizenship, demographic) are Poisson with the month's target
spread evenly over its days; people are then made from the counts in one vectorized pass.
Each person also carries the uniform random numbers of every later chance decision, so
that scenarios run on the same people with the same luck (common random numbers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import day_number, from_day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import FLAG_FIELDS, Encounters
from asylum_pathways.rules.asylum_limits import CBP_ONE
from asylum_pathways.rules.groups import Groups
from asylum_pathways.sim.model import targets as tg

#: Chance decisions drawn per person (shared by a family: its first member's draw).
#: One per MPP hearing a case can have: up to three master-calendar hearings, the merits
#: hearing and a reopened case's hearing.
HEARING_DRAWS = tuple(f"hearing_{k}" for k in range(1, 6))
DRAWS = ("title42_exception", "aca_fear", "mexico_fear", *HEARING_DRAWS)
CBP_ONE_SHARE = "assumptions.population.cbp_one_appointment_share"


@dataclass
class Population:
    enc: Encounters
    start: dt.date
    end: dt.date
    ofo: np.ndarray  # bool: encountered by OFO at a port (else USBP between ports)
    family_first: np.ndarray  # bool: first member of its family unit (or alone)
    draws: dict[str, np.ndarray]  # uniforms in [0, 1), equal within a family
    person_id: np.ndarray | None = None  # identifiers of a user's records, if any

    @cached_property
    def groups(self) -> Groups:
        """The family units (built once for every scenario run on these people)."""
        return Groups(self.enc.group)

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def day_index(self) -> np.ndarray:
        """Each person's encounter day as an index on the horizon (computed once, read-only:
        every stage and metric of every scenario shares it)."""
        return self._day_index

    @cached_property
    def _day_index(self) -> np.ndarray:
        days = (self.enc.arrival - day_number(self.start)).astype(np.int64)
        days.setflags(write=False)
        return days


def expected_counts(start: dt.date, end: dt.date, tree: ParameterTree | None = None) -> np.ndarray:
    """Expected encounters [day, location, citizenship, demographic] over the horizon (the
    targets of `tree`: its 2025 shares; default the package's tree)."""
    t = tg.build(tree)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if days[0] < t.months[0] or days[-1] >= _next_month(t.months[-1]):
        raise ValueError(
            f"the calibration covers {t.months[0]} to {_next_month(t.months[-1]) - dt.timedelta(days=1)}"
        )
    month = np.array([t.month_index(d) for d in days])
    length = np.array([(_next_month(d.replace(day=1)) - d.replace(day=1)).days for d in days])
    return t.tensor[month] / length[:, None, None, None]


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def generate(
    tree: ParameterTree, start: dt.date, end: dt.date, rng: np.random.Generator
) -> Population:
    """One replication's people: Poisson counts per (day, location, citizenship,
    demographic) cell, then each attribute drawn for everyone at once (in a fixed order, so
    the same seed gives the same people)."""
    expected = expected_counts(start, end, tree)
    counts = rng.poisson(expected).ravel()
    n = int(counts.sum())
    # each person's cell's coordinates: the cells' (few) values repeated by their counts
    cells = np.indices(expected.shape, dtype=np.int32).reshape(4, -1)
    arrival = np.repeat(cells[0] + np.int32(day_number(start)), counts)
    loc = np.repeat(cells[1].astype(np.int16), counts)
    cit_group = np.repeat(cells[2].astype(np.int16), counts)
    demo = np.repeat(cells[3].astype(np.int8), counts)
    cell = np.repeat(np.arange(counts.shape[0], dtype=np.int32), counts)
    p = tree.at(start)
    citizenship = _citizenship(p, cit_group, rng)
    port, sector, is_ofo = _places(tree, loc, start)
    fmua = demo == codes.DEMOGRAPHICS.index("FMUA")
    first = _family_firsts(p, fmua, cell, n, rng)
    group = np.cumsum(first).astype(np.int64) - 1
    # ages: adults, children in families after the first member, UACs 10-17
    age = rng.integers(18, 60, size=n).astype(np.int16)
    child = fmua & ~first
    age[child] = rng.integers(0, 18, size=int(child.sum()))
    uac = demo == codes.DEMOGRAPHICS.index("UAC")
    age[uac] = rng.integers(10, 18, size=int(uac.sum()))
    head_of = np.flatnonzero(first)[group]  # each person's family's first member
    uniform = np.empty(n)  # one buffer for every draw of n uniforms (no new pages each time)

    def draw() -> np.ndarray:
        return rng.random(out=uniform)

    def per_family(u: np.ndarray) -> np.ndarray:
        """The draw of each family's first member, for every member."""
        return u[head_of]

    flags = _flags(p, citizenship, age, draw, per_family)
    draws = {name: per_family(draw()) for name in DRAWS}
    flags["cbp_one_appointment"] = _cbp_one(tree, arrival, is_ofo, draw, per_family)
    enc = Encounters(
        group=group,
        arrival=arrival,
        sector=sector,
        port=port,
        citizenship=citizenship,
        habitual_residence=np.full(n, -1, dtype=np.int16),
        demographic=demo,
        age=age,
        language=_languages(p, citizenship),
        flags=flags,
        aca_fear={},
    )
    return Population(enc, start, end, is_ofo, first, draws)


def _citizenship(p: Any, cit_group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each person's citizenship: their cell's, or for the cell of other nationalities one
    drawn by `assumptions.population.other_nationalities`."""
    countries = codes.countries()
    group_codes = np.array(
        [countries.index(c) if c != "OTHER" else -1 for c in tg.CITIZENSHIP], dtype=np.int16
    )
    citizenship = group_codes[cit_group]
    other = citizenship < 0
    weights = p.assumptions.population.other_nationalities
    names = list(weights)
    w = np.array([weights[k] for k in names], dtype=np.float64)
    picks = rng.choice(len(names), size=int(other.sum()), p=w / w.sum())
    citizenship[other] = np.array([countries.index(c) for c in names], dtype=np.int16)[picks]
    return citizenship


def _places(
    tree: ParameterTree, loc: np.ndarray, day0: dt.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(port, sector, encountered by OFO) of each person: a USBP sector between ports, or an
    OFO field office represented by its port (in the sector the port lies in on `day0`)."""
    n_usbp = len(codes.SECTORS)
    fo_ports = list(tg.FIELD_OFFICES.values())
    port_codes = np.array([tree.ports.index(x) for x in fo_ports], dtype=np.int16)
    port_sector = tree.get("law.geo.port_sector").at(day0)
    fo_sector = np.array([codes.SECTORS.index(port_sector[x]) for x in fo_ports], dtype=np.int8)
    is_ofo = loc >= n_usbp
    port = np.where(is_ofo, port_codes[np.clip(loc - n_usbp, 0, len(fo_ports) - 1)], -1).astype(
        np.int16
    )
    sector = np.where(is_ofo, fo_sector[np.clip(loc - n_usbp, 0, len(fo_ports) - 1)], loc).astype(
        np.int8
    )
    return port, sector, is_ofo


def _family_firsts(
    p: Any, fmua: np.ndarray, cell: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Whether each person is the first member of their family unit (or alone): family-unit
    members of one (day, location, citizenship) cell form consecutive units whose sizes are
    drawn by `assumptions.population.family_size`."""
    sizes_map = p.assumptions.population.family_size
    sizes = np.array([int(k) for k in sizes_map], dtype=np.int64)
    probs = np.array([sizes_map[k] for k in sizes_map], dtype=np.float64)
    draws_needed = int(fmua.sum()) // 2 + 1
    unit_sizes = sizes[rng.choice(sizes.shape[0], size=draws_needed, p=probs / probs.sum())]
    fam_rows = np.flatnonzero(fmua)
    starts_in_fam = np.zeros(fam_rows.shape[0], dtype=bool)
    bounds = np.cumsum(unit_sizes)
    bounds = bounds[bounds < fam_rows.shape[0]]
    starts_in_fam[0:1] = True
    starts_in_fam[bounds] = True
    new_cell = np.ones(fam_rows.shape[0], dtype=bool)
    new_cell[1:] = cell[fam_rows[1:]] != cell[fam_rows[:-1]]
    starts_in_fam |= new_cell
    first = np.ones(n, dtype=bool)
    first[fam_rows] = starts_in_fam
    return first


def _languages(p: Any, citizenship: np.ndarray) -> np.ndarray:
    """Each person's language, by citizenship (`assumptions.population.language`)."""
    countries = codes.countries()
    languages = codes.languages()
    lang_map = p.assumptions.population.language
    lang_table = np.full(len(countries) + 1, -1, dtype=np.int16)
    for cc, lang in lang_map.items():
        lang_table[countries.index(cc)] = languages.index(lang)
    return lang_table[citizenship]


def _flags(
    p: Any,
    citizenship: np.ndarray,
    age: np.ndarray,
    draw: Callable[[], np.ndarray],
    per_family: Callable[[np.ndarray], np.ndarray],
) -> dict[str, np.ndarray]:
    """The yes/no facts: a fear claim (shared by a family), the exclusion flags of adults at
    their rates, fear of Mexico unknown, the rest false."""
    n = citizenship.shape[0]
    fear = p.assumptions.population.claims_fear
    mexican = citizenship == codes.countries().index("MX")
    fear_rate = np.where(mexican, fear["MX"], fear["other"])
    claims = per_family(draw()) < fear_rate
    flags = {name: np.full(n, tri.F, dtype=np.int8) for name in FLAG_FIELDS}
    flags["claims_fear"] = tri.from_bool(claims)
    rates = p.assumptions.population.exclusion_flags
    adult = age >= 18
    for name in (
        "criminal_history",
        "known_health_issue",
        "returning_lpr",
        "advance_parole",
        "valid_travel_documents",
    ):
        flags[name] = tri.from_bool(adult & (draw() < rates[name]))
    flags["mexico_fear_established"] = np.full(n, tri.U, dtype=np.int8)
    return flags


def _cbp_one(
    tree: ParameterTree,
    arrival: np.ndarray,
    ofo: np.ndarray,
    draw: Callable[[], np.ndarray],
    per_family: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Who came to a port at a time scheduled through CBP One: a share
    (`assumptions.population.cbp_one_appointment_share`) of the families OFO encountered on a
    day appointments were offered. Nobody else, and no draw at all when no such family is in
    the horizon (so the people of a horizon without appointments are drawn as before)."""
    offered = ofo & tree.get(CBP_ONE).flag(arrival)
    if not offered.any():
        return np.full(arrival.shape[0], tri.F, dtype=np.int8)
    share = tree.get(CBP_ONE_SHARE).numbers(arrival, 0.0)
    return tri.from_bool(offered & (per_family(draw()) < share))


def from_records(
    enc: Encounters, person_id: np.ndarray, start: dt.date, end: dt.date, rng: np.random.Generator
) -> Population:
    """A user's encounter records as the population (the same people in every replication;
    the chance decisions are drawn anew). Records are ordered by day and family."""
    lo, hi = day_number(start), day_number(end)
    outside = (enc.arrival < lo) | (enc.arrival > hi)
    if outside.any():
        from asylum_pathways.errors import InputError

        bad = int(np.flatnonzero(outside)[0])
        raise InputError(
            f"{int(outside.sum())} encounter records fall outside {start}..{end} (e.g. person "
            f"{person_id[bad]} on {from_day_number(int(enc.arrival[bad]))}); widen --start/--end"
        )
    order = np.lexsort((enc.group, enc.arrival))
    enc = enc.take(order)
    first = np.ones(enc.n, dtype=bool)
    first[1:] = enc.group[1:] != enc.group[:-1]
    group = np.cumsum(first).astype(np.int64) - 1
    enc.group = group
    heads = np.flatnonzero(first)
    draws = {name: rng.random(enc.n)[heads][group] for name in DRAWS}
    return Population(enc, start, end, enc.port >= 0, first, draws, np.asarray(person_id)[order])

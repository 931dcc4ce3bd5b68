"""data/measures.yaml: every published figure is read from its data file and measured one way."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from asylum_pathways.data import load
from asylum_pathways.sim.fitting import figures, measures


def test_every_figure_is_the_number_its_data_file_publishes() -> None:
    records = figures.records()
    for m in measures.catalogue():
        if m.figure in records:
            value = records[m.figure]
            for key in m.field.split("."):
                value = value[key]
            assert m.published == value, m.id


def test_row_ids_are_unique_and_name_their_month_or_figure() -> None:
    counts = Counter((m.id, m.field) for m in measures.catalogue())
    assert [k for k, n in counts.items() if n > 1] == []


def test_a_month_of_a_series_is_summed_over_that_month() -> None:
    oct_2018 = next(m for m in measures.catalogue() if m.id == "ofo.encounters.2018-10")
    assert (oct_2018.start, oct_2018.date) == (dt.date(2018, 10, 1), dt.date(2018, 10, 31))
    assert oct_2018.published == 9776  # CBP's total less USBP's, derived in the data file


def test_the_derived_fy2019_port_months_sum_to_cbps_published_total() -> None:
    ofo = load("series-2019-2021.yaml")["ofo_monthly"][0]
    assert sum(ofo["months"].values()) == 126001


def test_a_bound_says_so_and_a_figure_of_uncertain_date_is_bounded_on_both_days() -> None:
    by_id = {m.id: m for m in measures.catalogue()}
    assert by_id["aca.gt.2020-01-22.over_230"].relation == "at_least"
    assert by_id["aca.gt.2020-03-16.final"].relation == "about"
    first, last = by_id["aca.gt.2020-01-28.378"], by_id["aca.gt.2020-02-04.378"]
    assert (first.relation, last.relation) == ("at_most", "at_least")
    assert first.published == last.published == 378


def test_a_share_divides_and_a_difference_subtracts() -> None:
    import numpy as np

    by_id = {m.id: m for m in measures.catalogue()}
    share = by_id["mpp.awaiting_first_hearing.2019-11"]
    days = (share.date - dt.date(2019, 11, 1)).days + 1
    daily = {
        "mpp_awaiting_first_hearing": np.full((2, days), 39.0),
        "mpp_cases_cumulative": np.full((2, days), 100.0),
    }
    assert share.statistic(daily.__getitem__, dt.date(2019, 11, 1)).tolist() == [0.39, 0.39]
    month = by_id["usbp.encounters.2019-11"]
    n = 30
    daily = {"encounters": np.ones((1, n)) * 3, "encounters_ofo": np.ones((1, n))}
    assert month.statistic(daily.__getitem__, dt.date(2019, 11, 1)).tolist() == [60.0]

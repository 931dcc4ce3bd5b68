"""Kaplan–Meier time to an event keeps the people still waiting at the end."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from asylum_pathways.report.survival import kaplan_meier

END = dt.date(2020, 1, 10)


def _persons(rows: list[tuple[int, int | None]]) -> pl.DataFrame:
    """(encounter day, first-hearing day or None) in January 2020, all enrolled in MPP."""
    day = lambda d: None if d is None else dt.date(2020, 1, d)  # noqa: E731
    return pl.DataFrame(
        {
            "scenario": ["s"] * len(rows),
            "encounter_date": [day(e) for e, _ in rows],
            "mpp_port": ["ELP"] * len(rows),
            "mpp_first_hearing_date": [day(h) for _, h in rows],
            "mpp_completion_date": [None] * len(rows),
        },
        schema_overrides={"mpp_first_hearing_date": pl.Date, "mpp_completion_date": pl.Date},
    )


def test_the_curve_matches_a_hand_computed_kaplan_meier_estimate() -> None:
    # waits: heard after 1 and 3 days; still waiting after 2 (enrolled on the 8th) and 5 days
    persons = _persons([(1, 2), (8, None), (1, 4), (5, None)])
    curve, summary = kaplan_meier(persons, END)
    heard = curve.filter(pl.col("measure") == "First MPP hearing")
    share = dict(zip(heard["days"], heard["share"], strict=True))
    # S(1) = 3/4; S(2) = 3/4 (a censoring); S(3) = 3/4 * (1 - 1/2) = 3/8; S(5) = 3/8
    assert share[0] == 0.0
    assert share[1] == pytest.approx(1 / 4)
    assert share[2] == pytest.approx(1 / 4)
    assert share[3] == pytest.approx(5 / 8)
    assert share[5] == pytest.approx(5 / 8)
    row = summary.filter(pl.col("measure") == "First MPP hearing").row(0, named=True)
    assert row["people"] == 4 and row["had_event"] == 2
    assert row["not_by_end"] == pytest.approx(0.5)
    assert row["median_days"] == 3


def test_without_censoring_the_curve_is_the_plain_cumulative_share() -> None:
    persons = _persons([(1, 2), (1, 3), (1, 3), (1, 5)])
    curve, _ = kaplan_meier(persons, END)
    heard = curve.filter(pl.col("measure") == "First MPP hearing")
    assert heard["share"].to_list() == pytest.approx([0.0, 0.25, 0.75, 1.0])

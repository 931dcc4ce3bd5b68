"""Findings as sentences with numbers and intervals, from summary.json and the fit table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from asylum_pathways import codes
from asylum_pathways.report import fit


def fmt(h: dict[str, float], signed: bool = False) -> str:
    """'12,300 (5-95%: 12,100-12,500)'."""
    mean, lo, hi = h["mean"], h["p5"], h["p95"]
    if lo == hi == mean:
        return f"{mean:,.0f}" if mean == int(mean) else f"{mean:.2f}"
    if abs(mean) < 10 and mean != int(mean):
        return f"{mean:.2f} (5–95%: {lo:.2f}–{hi:.2f})"
    return f"{mean:,.0f} (5–95%: {lo:,.0f}–{hi:,.0f})"


def signed(h: dict[str, float]) -> str:
    """'−462,019 (5–95%: −463,036 to −461,488)', with a real minus sign."""

    def one(x: float) -> str:
        return f"{x:+,.0f}".replace("-", "−") if round(x) else "0"

    return f"{one(h['mean'])} (5–95%: {one(h['p5'])} to {one(h['p95'])})"


def difference(mean: float, p5: float, p95: float, noun: str) -> str:
    """'6,666 more ACA transfers (6,653–6,674)'; a range across zero says so."""
    if p5 < 0 < p95:
        return f"no clear difference in {noun} ({-p5:,.0f} fewer to {p95:,.0f} more)"
    if mean >= 0:
        return f"{mean:,.0f} more {noun} ({p5:,.0f}–{p95:,.0f})"
    return f"{-mean:,.0f} fewer {noun} ({-p95:,.0f}–{-p5:,.0f})"


def uncertainty(summary: dict[str, Any]) -> tuple[str, bool]:
    """The sentence saying which uncertainty the ranges include, and whether parameters are in."""
    u = summary.get("uncertainty") or {}
    includes = list(u.get("includes") or ["monte_carlo"])
    with_params = "parameters" in includes
    if u.get("text"):
        return str(u["text"]), with_params
    return (
        f"The ranges are the 5th to 95th percentiles over {summary['replications']} Monte Carlo "
        "replications with every parameter fixed at its stated value: they show chance variation "
        "among the simulated people and events only, not doubt about the assumptions, which is "
        "larger and is not in these ranges.",
        with_params,
    )


def answer(summary: dict[str, Any], diffs: pl.DataFrame, most: int = 4) -> list[str]:
    """For each scenario against its baseline, the first `most` headline figures that differ,
    in words (the differences table has them all)."""
    out = []
    names = list(summary["scenarios"])
    labels = {n: str(summary["scenarios"][n].get("label") or n) for n in names}
    if diffs.height == 0:  # nothing to compare with: the levels of the first scenario
        h = summary["scenarios"][names[0]]["headline"]
        levels = [
            f"{fmt(h[key])} {noun}"
            for key, noun in (
                ("title42_expulsions", "Title 42 expulsions"),
                ("mpp_enrolled", "MPP enrolments"),
                ("mpp_pending_end", "MPP cases pending at the end"),
            )
            if key in h
        ]
        return [f"{labels[names[0]]}: " + "; ".join(levels) + "."] if levels else []
    for scenario in dict.fromkeys(diffs["scenario"].to_list()):
        rows = diffs.filter((pl.col("scenario") == scenario) & ~pl.col("all_zero")).to_dicts()
        base = diffs.filter(pl.col("scenario") == scenario)["baseline"][0]
        if not rows:
            out.append(
                f"{labels[scenario]} and {labels[base]} do not differ in any headline figure."
            )
            continue
        parts = [difference(r["mean"], r["p5"], r["p95"], r["figure"]) for r in rows[:most]]
        out.append(
            f"{labels[scenario]}, against {labels[base]}, over the whole horizon: "
            + "; ".join(parts)
            + "."
        )
    return out


def findings(
    summary: dict[str, Any], fit_table: pl.DataFrame, roles: Mapping[str, str]
) -> list[str]:
    """`roles` names the study's history and outlook scenarios (the spec's); a figure set by an
    unfitted assumption (summary.json `unfitted`) says so beside its number."""
    HISTORY, OUTLOOK = (roles.get(k, "") for k in ("history", "outlook"))
    unfitted = summary.get("unfitted") or {}
    s = summary["scenarios"]
    label = {n: str(s[n].get("label") or n) for n in s}
    out: list[str] = []
    if OUTLOOK in s:
        h = s[OUTLOOK]["headline"]
        parts = [
            f"{codes.country_name(key.removeprefix('aca_transfers_'))} {fmt(h[key])}"
            + (f" ({unfitted[key]})" if key in unfitted else "")
            for key in _transfer_keys(h)
        ]
        if parts:
            out.append(
                f"Under {label[OUTLOOK]}, the ACAs would have transferred, by the end of the "
                f"horizon: {'; '.join(parts)}."
            )
    if HISTORY in s:
        h = s[HISTORY]["headline"]
        flown = [
            f"{fmt(h[key])} to {codes.country_name(key.removeprefix('aca_transfers_'))}"
            for key in _transfer_keys(h)
        ]
        expelled = (  # a horizon without the Title 42 order says nothing of it
            f", and the Title 42 order expels {fmt(h['title42_expulsions'])} people"
            if h["title42_expulsions"]["p95"] > 0
            else ""
        )
        out.append(
            f"{label[HISTORY]}: the model transfers "
            + ("; ".join(flown) if flown else "nobody")
            + f" under the ACAs{expelled} by the end of the horizon."
        )
        if OUTLOOK in s:
            out.append(
                "With hearings postponed from 23 March 2020 and never resumed, "
                f"{fmt(h['mpp_pending_end'])} MPP cases are still pending at the end of the horizon, "
                f"against {fmt(s[OUTLOOK]['headline']['mpp_pending_end'])} had hearings continued "
                "as planned."
            )
    out.extend(fit_sentences(fit_table))
    return out


def _transfer_keys(h: dict[str, Any]) -> list[str]:
    """Headline transfer counts of the receiving countries that took anyone."""
    return [k for k in h if k.startswith("aca_transfers_") and h[k]["mean"] > 0]


def fit_sentences(fit_table: pl.DataFrame) -> list[str]:
    """Fit claims count `validation` figures only; the largest misses of each kind are named."""
    if fit_table.height == 0:
        return []
    out = []
    v = fit.summary(fit_table, "validation")
    if v.figures:
        out.append(
            f"Against the {v.figures} published figures not used to set any assumption, the model "
            f"is close (within 25%, or the figure inside its 5–95% range) for {v.close}."
            + (f" Its largest misses: {'; '.join(v.misses)}." if v.misses else "")
        )
    c = fit.summary(fit_table, "calibration")
    if c.figures:
        out.append(
            f"Of the {c.figures} figures the model was fitted to, {c.close} are close."
            + (f" The fit misses most on: {'; '.join(c.misses)}." if c.misses else "")
        )
    b = fit.summary(fit_table, "by_construction")
    if b.figures:
        out.append(
            f"{b.figures} further figures are close by construction (an assumption was set from "
            "them) and are not counted as evidence of fit."
        )
    return out

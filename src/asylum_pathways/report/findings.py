"""Findings as sentences with numbers and intervals, from summary.json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def fmt(h: dict[str, float], signed: bool = False) -> str:
    """'12,300 (5-95%: 12,100-12,500)'."""
    mean, lo, hi = h["mean"], h["p5"], h["p95"]
    if abs(mean) < 10 and mean != int(mean):
        return f"{mean:.2f} (5–95%: {lo:.2f}–{hi:.2f})"
    return f"{mean:,.0f} (5–95%: {lo:,.0f}–{hi:,.0f})"


def _neg(h: dict[str, float]) -> dict[str, float]:
    return {"mean": -h["mean"], "p5": -h["p95"], "p95": -h["p5"]}


def findings(
    summary: dict[str, Any], validation_rows: list[dict[str, Any]], roles: Mapping[str, str]
) -> list[str]:
    """`roles` names the study's history, outlook and injunction scenarios (the spec's)."""
    HISTORY, OUTLOOK, INJUNCTION = roles["history"], roles["outlook"], roles["injunction"]
    s = summary["scenarios"]
    comp = summary.get("comparisons", {})
    out: list[str] = []
    window = "mpp_enrolled_2020_03_12_to_2020_12_31"
    if INJUNCTION in s and OUTLOOK in s and window in comp.get(f"{INJUNCTION} - {OUTLOOK}", {}):
        d = comp[f"{INJUNCTION} - {OUTLOOK}"]
        lower = _neg(d["mpp_enrolled_2020_03_12_to_2020_12_31"])
        ca_az = s[OUTLOOK]["headline"]["mpp_enrolled_ca_az_2020_03_12_to_2020_12_31"]
        out.append(
            "If the Ninth Circuit injunction had taken effect on 12 March 2020 (with everything else "
            f"as planned on 10 March), MPP enrolments from 12 March to the end of 2020 would have been "
            f"{fmt(lower)} lower than in the outlook, which had {fmt(ca_az)} of them in California and "
            "Arizona; the people not enrolled would have been processed in the US instead."
        )
    if OUTLOOK in s:
        h = s[OUTLOOK]["headline"]
        parts = [
            f"{name} {fmt(h[f'aca_transfers_{cc}'])}"
            for cc, name in (("GT", "Guatemala"), ("SV", "El Salvador"), ("HN", "Honduras"))
            if f"aca_transfers_{cc}" in h
        ]
        out.append(
            "Under the plan as seen on 10 March 2020 (no COVID-19 suspension, El Salvador taking "
            "transfers from 31 March capped at 2,000 a year, Honduras from the same day), the ACAs "
            f"would have transferred, by the end of the horizon: {'; '.join(parts)}."
        )
    if HISTORY in s:
        h = s[HISTORY]["headline"]
        out.append(
            f"As it happened, {fmt(h['aca_transfers_GT'])} people were transferred to Guatemala "
            "before the suspension in mid-March 2020, and the Title 42 order expelled "
            f"{fmt(h['title42_expulsions'])} people from 21 March 2020 to the end of the horizon."
        )
        if OUTLOOK in s and f"{OUTLOOK} - {HISTORY}" in comp:
            pending_h = h["mpp_pending_end"]
            pending_o = s[OUTLOOK]["headline"]["mpp_pending_end"]
            out.append(
                "With hearings postponed from 23 March 2020 and never resumed, "
                f"{fmt(pending_h)} MPP cases were still pending at the end of the horizon, "
                f"against {fmt(pending_o)} had hearings continued as planned."
            )
    if validation_rows:
        checked = [r for r in validation_rows if r.get("kind") == "validation"]
        inside = [r for r in checked if _close(r)]
        out.append(
            f"Against {len(checked)} published figures not used for calibration, the model is within "
            f"25% (or inside its 5–95% band) for {len(inside)}; see the validation chart and table."
        )
    return out


def _close(row: dict[str, Any]) -> bool:
    pub, mean = row.get("published"), row.get("model_mean")
    if pub is None or mean is None:
        return False
    if row.get("model_p5") is not None and row["model_p5"] <= pub <= row["model_p95"]:
        return True
    return bool(pub) and abs(mean - pub) / abs(pub) <= 0.25

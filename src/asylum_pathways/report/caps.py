"""The ACA caps of each scenario over the horizon, in words (parameters.json `aca_caps`)."""

from __future__ import annotations

from asylum_pathways import codes
from asylum_pathways.report.data import Results
from asylum_pathways.report.heading import day
from asylum_pathways.report.parameters import in_horizon

PER = {"annual": "a year", "monthly": "a month"}


def statements(results: Results, countries: list[str]) -> list[str]:
    """'El Salvador: 2,000 a year (every scenario)', one per country, cap kind and history
    (a cap that differs between scenarios names each scenario's)."""
    start, end = results.summary["start"], results.summary["end"]
    caps = results.parameters.get("aca_caps") or {}
    out = []
    for cc in countries:
        for kind, per in PER.items():
            words: dict[str, list[str]] = {}
            for n in results.scenarios:
                history = ((caps.get(n) or {}).get(cc) or {}).get(kind) or []
                dated = [
                    f"{v['value']:,} {per}"
                    + (f" from {day(v['from'])}" if v["from"] > start else "")
                    for v in in_horizon(history, start, end)
                    if isinstance(v["value"], int | float)
                ]
                if dated:
                    words.setdefault("; ".join(dated), []).append(results.label(n))
            for text, who in words.items():
                scope = "every scenario" if len(who) == len(results.scenarios) else ", ".join(who)
                out.append(f"{codes.country_name(cc)}: at most {text} ({scope})")
    return out

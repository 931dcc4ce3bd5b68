"""Hearings: what a hearing record may say, why one is flagged unconfirmed, and the dates that
follow from it under dated law (filing deadlines, MPP report dates).

A hearing is flagged when it falls on a weekend or a federal holiday (`holidays`), outside court
hours (`law.eoir.court_hours`), on a known placeholder date (`law.eoir.placeholder_hearing_dates`)
or is known only from a notice to appear; and it is unconfirmed until a user confirms it. The
deadlines are recomputed from the tree on every read, so a changed rule or a moved hearing moves
them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from asylum_pathways.params import ParameterTree
from asylum_pathways.registry import holidays
from asylum_pathways.registry.errors import Invalid, invalid

TYPES = ("master", "individual")
MEDIUMS = ("in_person", "video", "telephone")
STATUSES = ("scheduled", "held", "adjourned", "vacated", "superseded")
SOURCES = ("eoir_notice", "eoir_portal", "eoir_hotline", "court", "nta", "client", "other")
FIELDS = (
    "court",
    "time_zone",
    "starts_at",
    "type",
    "judge",
    "medium",
    "status",
    "source",
    "mpp",
    "detained",
)
COURT_HOURS = "law.eoir.court_hours"
PLACEHOLDERS = "law.eoir.placeholder_hearing_dates"
MASTER_DAYS = "law.eoir.master_hearing_filing_days"
INDIVIDUAL_DAYS = "law.eoir.individual_hearing_filing_days"
CLOSED_DAY = "law.eoir.deadline_on_closed_day"
POSTPONED = "law.mpp.hearings_postponed"
POSTPONED_THROUGH = "law.mpp.hearings_postponed_through"
REPORT_RULE = "law.mpp.report_date_rule"


def parse(raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """A hearing's fields, checked (all of them, or those given when `partial`)."""
    if not isinstance(raw, Mapping):
        raise invalid(("body",), "expected an object of hearing fields")
    unknown = sorted(set(raw) - {*FIELDS, "confirmed"})
    if unknown:
        raise invalid(
            ("body", unknown[0]), f"unknown field (expected {', '.join(FIELDS)}, confirmed)"
        )
    out: dict[str, Any] = {}
    required = () if partial else ("court", "time_zone", "starts_at", "type", "medium", "source")
    for name in required:
        if raw.get(name) in (None, ""):
            raise invalid(("body", name), "required")
    for name in ("court", "judge"):
        if name in raw:
            out[name] = None if raw[name] is None else _text(name, raw[name])
    if "time_zone" in raw:
        out["time_zone"] = _time_zone(raw["time_zone"])
    if "starts_at" in raw:
        out["starts_at"] = _starts_at(raw["starts_at"])
    for name, allowed in (
        ("type", TYPES),
        ("medium", MEDIUMS),
        ("status", STATUSES),
        ("source", SOURCES),
    ):
        if name in raw:
            if raw[name] not in allowed:
                raise invalid(
                    ("body", name),
                    f"expected one of {', '.join(allowed)}",
                    raw[name] if isinstance(raw[name], str) else None,
                )
            out[name] = raw[name]
    for name in ("mpp", "detained", "confirmed"):
        if name in raw:
            if not isinstance(raw[name], bool):
                raise invalid(("body", name), "expected true or false")
            out[name] = raw[name]
    if not partial:
        out.setdefault("status", "scheduled")
        out.setdefault("mpp", False)
        out.setdefault("detained", False)
        out.setdefault("judge", None)
    return out


def _text(name: str, value: object) -> str:
    """A short line of text (a court's or a judge's name), stripped."""
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > 100
        or any(ord(c) < 32 for c in value)
    ):
        raise invalid(
            ("body", name),
            "expected text of 1 to 100 characters",
            value if isinstance(value, str) else None,
        )
    return value.strip()


def _time_zone(tz: object) -> str:
    """An IANA time zone name (Area/Location) this machine knows."""
    try:
        if not isinstance(tz, str) or "/" not in tz:
            raise ValueError
        zoneinfo.ZoneInfo(tz)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise invalid(
            ("body", "time_zone"),
            "expected an IANA time zone, e.g. America/Chicago",
            tz if isinstance(tz, str) else None,
        ) from None
    return tz


def _starts_at(text: object) -> dt.datetime:
    """The local time at the court, to the minute (no offset)."""
    try:
        if not isinstance(text, str):
            raise ValueError
        when = dt.datetime.fromisoformat(text)
        if when.tzinfo is not None:
            raise ValueError
    except ValueError:
        raise invalid(
            ("body", "starts_at"),
            "expected the local time at the court, YYYY-MM-DDTHH:MM (no offset)",
            text if isinstance(text, str) else None,
        ) from None
    return when.replace(second=0, microsecond=0)


def flags(tree: ParameterTree, h: Mapping[str, Any]) -> list[dict[str, str]]:
    """Why a hearing's date or time is doubtful, each with the parameter that says so."""
    when: dt.datetime = h["starts_at"]
    day = when.date()
    out = []
    if day.weekday() >= 5:
        out.append(
            {"flag": "weekend", "because": f"{calendar.day_name[day.weekday()]}: courts do not sit"}
        )
    name = holidays.holiday(tree, day)
    if name:
        out.append(
            {
                "flag": "federal_holiday",
                "because": f"{name} (5 U.S.C. 6103)",
                "rule": holidays.HOLIDAYS,
            }
        )
    hours = tree.get(COURT_HOURS).at(day)
    if hours:
        opens, closes = (
            dt.time.fromisoformat(hours["opens"]),
            dt.time.fromisoformat(hours["closes"]),
        )
        if not opens <= when.time() < closes:
            out.append(
                {
                    "flag": "outside_court_hours",
                    "because": f"courts sit {hours['opens']}-{hours['closes']}",
                    "rule": COURT_HOURS,
                }
            )
    placeholders = tree.get(PLACEHOLDERS).at(day) or []
    if day.isoformat() in placeholders:
        out.append(
            {
                "flag": "placeholder_date",
                "because": "a date printed on notices to appear as a placeholder",
                "rule": PLACEHOLDERS,
            }
        )
    if h["source"] == "nta":
        out.append(
            {
                "flag": "notice_to_appear_only",
                "because": "known only from a notice to appear, which may carry a placeholder date",
            }
        )
    return out


def deadlines(tree: ParameterTree, h: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Dates that follow from a scheduled hearing under the law in force on its day."""
    if h["status"] != "scheduled":
        return []
    day: dt.date = h["starts_at"].date()
    out: list[dict[str, Any]] = []
    if not h["detained"]:
        rule = MASTER_DAYS if h["type"] == "master" else INDIVIDUAL_DAYS
        param = tree.get(rule)
        entry = param.entry_at(day)
        if entry is not None and entry.value is not None:
            raw = day - dt.timedelta(days=int(entry.value))
            due = raw
            if tree.get(CLOSED_DAY).at(raw) == "next_business_day":
                due = holidays.next_business_day(tree, raw)
            out.append(
                {
                    "kind": "filing",
                    "due": due.isoformat(),
                    "counted_to": raw.isoformat(),
                    "because": f"filings are due {entry.value} days before an {h['type']} hearing"
                    + ("; moved to the next business day" if due != raw else ""),
                    "rule": rule,
                    "rule_from": entry.start.isoformat(),
                    "references": [r.as_dict() for r in param.effective_references(entry)],
                }
            )
    if h["mpp"] and tree.get(POSTPONED).at(day):
        out.append(_mpp_report(tree, day))
    return out


def _mpp_report(tree: ParameterTree, day: dt.date) -> dict[str, Any]:
    param = tree.get(REPORT_RULE)
    entry = param.entry_at(day)
    rule = entry.value if entry is not None else None
    through = tree.get(POSTPONED_THROUGH).at(day)
    due: dt.date | None = None
    if rule == "original_date":
        due = day
    elif rule == "one_month_later":
        due = _weekday_on_or_after(_month_later(day))
    # A later statement that suspended in-person service on the report day overrides it.
    if due is not None and param.at(due) == "await_notice":
        rule, entry, due = "await_notice", param.entry_at(due), None
    return {
        "kind": "mpp_report",
        "due": due.isoformat() if due else None,
        "because": {
            "original_date": "present at the port of entry on the hearing date for a new notice",
            "one_month_later": "present at the port of entry one month after the noticed date",
            "await_notice": "in-person document service suspended: await a new hearing notice",
        }.get(str(rule), "no rule in force"),
        "postponed_through": through.isoformat() if isinstance(through, dt.date) else None,
        "rule": REPORT_RULE,
        "rule_from": entry.start.isoformat() if entry else None,
        "references": [r.as_dict() for r in param.effective_references(entry)] if entry else [],
    }


def _month_later(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def check_status_change(old: str, new: str) -> None:
    if old in ("vacated", "superseded", "held") and new == "scheduled":
        raise Invalid(
            f"status: a {old} hearing cannot be scheduled again; add a new hearing",
        )

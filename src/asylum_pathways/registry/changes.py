"""Differences found by re-determination, said in words and listed for `/changes`:
"3 cases became amenable to a transfer to Honduras from 2025-07-08"; "from 2025-09-01, 2 cases
will become returnable to Mexico under MPP"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from asylum_pathways import codes
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Change, RedeterminationRun
from asylum_pathways.registry.roles import Permission, Principal

PHRASES = {
    "ACA_TRANSFER": "amenable to a transfer to {country}",
    "MPP_RETURN": "returnable to Mexico under MPP",
    "TITLE42_EXPULSION": "expellable under Title 42",
    "EXPEDITED_REMOVAL": "in expedited removal without a fear screening",
    "CREDIBLE_FEAR": "in expedited removal with a credible-fear screening",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "screened under the lawful-pathways presumption",
    "CREDIBLE_FEAR_ASYLUM_BAR": "barred from asylum (screened for withholding and CAT only)",
    "PROCLAMATION_REMOVAL": "removable under Proclamation 10888 without a protection screening",
    "NTA_RELEASE": "in section 240 proceedings with a notice to appear",
    "UAC_REFERRAL": "referred to HHS as unaccompanied children",
    "UNDETERMINED": "undetermined (a missing fact decides)",
}


def phrase(pathway: str, country: str | None) -> str:
    text = PHRASES.get(pathway, pathway)
    return text.format(country=codes.country_name(country) if country else "a partner country")


def sentences(rows: Iterable[tuple[str, str, str | None, dt.date, str]]) -> list[str]:
    """One sentence per (kind, new answer, day): rows are (case id, pathway, country, day, kind),
    counted by case."""
    seen: dict[tuple[str, str | None, dt.date, str], set[str]] = {}
    for case, pathway, country, day, kind in rows:
        seen.setdefault((pathway, country, day, kind), set()).add(case)
    counts = Counter({k: len(v) for k, v in seen.items()})
    out = []
    for (pathway, country, day, kind), n in sorted(
        counts.items(), key=lambda kv: (kv[0][2], kv[0][3], -kv[1])
    ):
        cases = f"{n:,} case{'s' if n != 1 else ''}"
        if kind == "changed":
            out.append(f"{cases} became {phrase(pathway, country)} from {day.isoformat()}")
        else:
            out.append(f"from {day.isoformat()}, {cases} will become {phrase(pathway, country)}")
    return out


def listing(reg: Registry, principal: Principal, limit: int = 200) -> dict[str, Any]:
    """The latest runs' summaries and this organisation's changes (the announced ones of the
    latest run only: each run re-derives them)."""
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        runs = list(
            session.scalars(
                select(RedeterminationRun).order_by(RedeterminationRun.started_at.desc()).limit(10)
            )
        )
        latest = runs[0].id if runs else None
        rows = list(
            session.scalars(
                select(Change)
                .where(Change.org_id == principal.org_id)
                .where((Change.kind == "changed") | (Change.run_id == latest))
                .order_by(Change.created_at.desc())
                .limit(limit)
            )
        )
        mine = sentences(
            (c.case_id, c.to_pathway, c.to_country, c.effective_on, c.kind) for c in rows
        )
        from asylum_pathways.registry import audit
        from asylum_pathways.registry.case_views import change_view

        audit.append(
            session,
            [
                audit.Entry(principal.actor, principal.org_id, "list", "case", c)
                for c in sorted({r.case_id for r in rows})
            ],
        )
        return {
            "summary": mine,
            "changes": [change_view(c) for c in rows],
            "runs": [
                {
                    "id": r.id,
                    "started_at": r.started_at.isoformat(timespec="seconds") + "Z",
                    "as_of": r.as_of.isoformat(),
                    "tree_fingerprint": r.fingerprint,
                    "trigger": r.trigger,
                    "considered": r.considered,
                    "changed": r.changed,
                }
                for r in runs
            ],
        }

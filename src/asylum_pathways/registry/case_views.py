"""What the registry answers for a case's rows: a determination (its statuses by program name), a
hearing (with its flags and deadlines under the law, worked out on every read, and its history),
an event and a change. Pure views of rows already read; no session, no audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from asylum_pathways.registry import determining, hearings
from asylum_pathways.registry.models import Change, Determination, Event, Hearing, HearingRevision


def determination_view(
    d: Determination, programs: Sequence[str], *, with_answer: bool = True
) -> dict[str, Any]:
    return {
        "id": d.id,
        "person_id": d.person_id,
        "pathway": d.pathway,
        "receiving_country": d.receiving_country,
        "as_of": d.as_of.isoformat(),
        "tree_fingerprint": d.fingerprint,
        "scenario": d.scenario,
        "statuses": determining.statuses(programs, d.status_codes)
        if len(programs) == len(d.status_codes)
        else {},
        "trigger": d.trigger,
        "current": d.current,
        "created_at": d.created_at.isoformat(timespec="seconds") + "Z",
        **({"answer": d.answer} if with_answer else {}),
    }


def hearing_view(tree: Any, h: Hearing, revisions: Sequence[HearingRevision]) -> dict[str, Any]:
    values = {f: getattr(h, f) for f in hearings.FIELDS}
    found = hearings.flags(tree, values)
    return {
        "id": h.id,
        **{
            k: (v.isoformat(timespec="minutes") if isinstance(v, dt.datetime) else v)
            for k, v in values.items()
        },
        "version": h.version,
        "confirmed": h.confirmed_by is not None,
        "confirmed_by": h.confirmed_by,
        "confirmed_at": h.confirmed_at.isoformat(timespec="seconds") + "Z"
        if h.confirmed_at
        else None,
        "flags": found,
        "unconfirmed": h.confirmed_by is None or bool(found),
        "deadlines": hearings.deadlines(tree, values),
        "history": [
            {
                "version": r.version,
                "changed": r.changed,
                "changed_by": r.changed_by,
                "changed_at": r.changed_at.isoformat(timespec="seconds") + "Z",
                "was": r.snapshot,
            }
            for r in revisions
        ],
    }


def event_view(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "occurred_on": e.occurred_on.isoformat(),
        "person_id": e.person_id,
        "detail": e.detail,
    }


def change_view(c: Change) -> dict[str, Any]:
    return {
        "id": c.id,
        "case_id": c.case_id,
        "person_id": c.person_id,
        "kind": c.kind,
        "effective_on": c.effective_on.isoformat(),
        "from": {"pathway": c.from_pathway, "receiving_country": c.from_country},
        "to": {"pathway": c.to_pathway, "receiving_country": c.to_country},
        "run_id": c.run_id,
    }

"""De-identified aggregates for analysts: counts of open cases' people by their current pathway
and one more dimension, across organisations, with every cell under the policy's minimum (5)
suppressed (its count withheld), and no case, person or organisation named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import invalid
from asylum_pathways.registry.models import Case, Determination, Person
from asylum_pathways.registry.roles import Permission, Principal

DIMENSIONS = {
    "citizenship": Person.citizenship,
    "sector": Person.sector,
    "demographic": Person.demographic,
    "receiving_country": Determination.receiving_country,
}


def counts(reg: Registry, principal: Principal, by: str = "citizenship") -> dict[str, Any]:
    require(principal, Permission.AGGREGATES_READ)
    if by not in DIMENSIONS:
        raise invalid(("query", "by"), f"expected one of {', '.join(DIMENSIONS)}", by)
    dim = DIMENSIONS[by]
    with reg.db.transaction(ALL) as session:
        rows = session.execute(
            select(Determination.pathway, dim, func.count())
            .join(Person, Person.id == Determination.person_id)
            .join(Case, Case.id == Person.case_id)
            .where(Determination.current, Case.status == "open")
            .group_by(Determination.pathway, dim)
        ).all()
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "aggregate",
                    "registry",
                    None,
                    (by, "pathway"),
                )
            ],
        )
    cells = []
    suppressed = 0
    for pathway, value, n in sorted(rows, key=lambda r: (r[0], str(r[1]))):
        small = n < reg.policy.min_cell
        suppressed += small
        cells.append(
            {"pathway": pathway, by: value, "count": None if small else n, "suppressed": small}
        )
    return {
        "by": by,
        "min_cell": reg.policy.min_cell,
        "suppressed_cells": suppressed,
        "cells": cells,
    }

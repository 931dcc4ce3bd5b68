"""Which variants are branches (their answer differs from the record's), written in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from asylum_pathways import codes
from asylum_pathways.determination import words
from asylum_pathways.determination.variants import Family, Setting


def kept(
    base: tuple[int, int],
    outcome: dict[tuple[Setting, ...], tuple[int, int]],
    person_id: Sequence[Any] | np.ndarray,
    family: Family,
    said: dict[Any, str] | None = None,
) -> list[dict[str, Any]]:
    """The variants whose answer differs from `base`; a pair only when neither of its
    settings alone gives the same answer, written from the setting that alone changes the
    answer (if one does): "a fear of Guatemala ... and a fear of Mexico ...".

    `said`: a dict the caller keeps while it writes branches, the words of each condition
    and answer worked out once (the branches are the same with or without it)."""
    said = {} if said is None else said
    kept = []
    alone = len(family.rows) == 1
    for settings, answer in outcome.items():
        if answer == base:
            continue
        if len(settings) == 2:
            if any(outcome.get((s,)) == answer for s in settings):
                continue
            if outcome.get((settings[0],)) == base and outcome.get((settings[1],)) != base:
                settings = (settings[1], settings[0])
        pathway = codes.PATHWAYS[answer[0]]
        country = codes.countries()[answer[1]] if answer[1] >= 0 else None
        row = settings[0][0]
        who = None if alone else str(person_id[row])
        conditions = [_said(said, fact, value, who) for _, fact, value in settings]
        title = said.get(("title", answer))
        if title is None:
            title = said[("title", answer)] = words.pathway_title(pathway, country)
        kept.append(
            {
                "if": {fact: value for _, fact, value in settings},
                "person_id": str(person_id[row]),
                "pathway": pathway,
                "receiving_country": country,
                "conditions": conditions,
                "sentence": f"If {' and '.join(conditions)} → {title}",
            }
        )
    return kept


def _said(said: dict[Any, str], fact: str, value: Any, who: str | None) -> str:
    """`words.condition(fact, value, who)`, worked out once per `said`."""
    key = ("condition", fact, type(value), value, who)
    text = said.get(key)
    if text is None:
        text = said[key] = words.condition(fact, value, who)
    return text

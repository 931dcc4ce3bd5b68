"""Branches as a reader takes them: one-fact branches with what goes on from them."""

from __future__ import annotations

from typing import Any

from asylum_pathways.determination import words


def grouped(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branches as a reader takes them: each one-fact branch with the two-fact branches that
    go on from it (`then`: "and then, if also A, B or C → ..."), their second conditions
    gathered by answer; two-fact branches that go on from no one-fact branch are gathered
    the same way under their first condition alone (`sentence` None, `condition` set).
    One-fact branches that lead to the same answer, with nothing going on from them, are
    gathered into one (`any`: "if any one of A, B or C → ...")."""
    out: list[dict[str, Any]] = []
    parents: dict[tuple[str, str, str], dict[str, Any]] = {}
    for b in found:
        if len(b["if"]) == 1:
            entry = {
                **b,
                "title": _title(b),
                "condition": b["conditions"][0],
                "then": [],
                "any": [],
            }
            parents[_first(b)] = entry
            out.append(entry)
    for b in found:
        if len(b["if"]) != 2:
            continue
        parent = parents.get(_first(b))
        if parent is None:
            parent = {"sentence": None, "condition": b["conditions"][0], "then": [], "any": []}
            parents[_first(b)] = parent
            out.append(parent)
        title = _title(b)
        same = next((t for t in parent["then"] if t["title"] == title), None)
        if same is None:
            same = {"title": title, "pathway": b["pathway"], "conditions": []}
            parent["then"].append(same)
        same["conditions"].append(b["conditions"][1])
    merged: list[dict[str, Any]] = []
    by_title: dict[str, dict[str, Any]] = {}
    for entry in out:
        if entry["sentence"] is None or entry["then"]:
            merged.append(entry)
            continue
        same = by_title.get(entry["title"])
        if same is None:
            by_title[entry["title"]] = {**entry, "any": [entry["condition"]]}
            merged.append(by_title[entry["title"]])
        else:
            same["any"].append(entry["condition"])
    for entry in merged:
        if len(entry.get("any", ())) > 1:
            entry["sentence"] = f"If {words.either(entry['any'])} → {entry['title']}"
    return merged


def _first(branch: dict[str, Any]) -> tuple[str, str, str]:
    fact, value = next(iter(branch["if"].items()))
    return (branch["person_id"], fact, repr(value))


def _title(branch: dict[str, Any]) -> str:
    return words.pathway_title(branch["pathway"], branch["receiving_country"])

"""Published figures by id, from the package's copies of the project data files.

Every record with an `id` in `data/calibration.yaml` (snapshots, rules, facts) and in
`data/court-and-transfers.yaml` is a figure; a target names one by id and field. A series
(`series.<name>` in calibration.yaml) is addressed by its name and a path of keys.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from asylum_pathways.data import FILES
from asylum_pathways.data import load as _file


@cache
def records() -> dict[str, dict[str, Any]]:
    """Every record with an `id`, by id (the first file wins; ids are unique across files)."""
    out: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str) and "source" in node:
                out.setdefault(node["id"], node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in FILES:
        walk(_file(name))
    return out


def series(name: str) -> dict[str, Any] | None:
    found = _file("calibration.yaml").get("series", {}).get(name)
    return found if isinstance(found, dict) else None


def value(figure: str | None, field: str, series_name: str | None, path: tuple[str, ...]) -> Any:
    """The published value a target names, or None if it is not in the data."""
    if figure is not None:
        rec = records().get(figure)
        return None if rec is None else rec.get(field)
    node: Any = series(series_name or "")
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def source(figure: str | None, series_name: str | None) -> str:
    if figure is not None:
        return str(records().get(figure, {}).get("source", ""))
    return str((series(series_name or "") or {}).get("source", ""))

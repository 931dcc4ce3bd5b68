"""YAML reading that remembers line numbers and refuses duplicate keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from asylum_pathways.errors import ParameterError


class LineDict(dict[Any, Any]):
    """A mapping that knows the line (1-based) of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class _Loader(yaml.SafeLoader):
    source: str = "<yaml>"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ParameterError(
                f"{loader.source} line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                f"(first at line {mapping.key_lines[key]}); each key may appear once"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file; syntax errors and duplicate keys name the file and line."""
    try:
        content = path.read_text(encoding="utf-8") if text is None else text
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read file ({exc.strerror})") from None
    loader = _Loader(content)
    loader.source = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{path}{where}: invalid YAML ({exc.problem})") from None
    finally:
        loader.dispose()


def line_of(mapping: Any, key: Any) -> int | None:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None

"""YAML reading that remembers line numbers and refuses duplicate keys."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from asylum_pathways.errors import ParameterError, shown


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
        if not isinstance(key, Hashable):
            raise ParameterError(
                f"{loader.source} line {key_node.start_mark.line + 1}: a {type(key).__name__} "
                "as a mapping key (expected a name or a date)"
            )
        if key in mapping:
            raise ParameterError(
                f"{loader.source} line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                f"(first at line {mapping.key_lines[key]}); each key may appear once"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _checked(tag: str, what: str) -> None:
    """Scalars YAML recognises but Python cannot build (2020-02-30, month 13, a 5,000-digit
    integer) are errors naming the file and line, not a bare ValueError."""
    build = _Loader.yaml_constructors[tag]

    def construct(loader: _Loader, node: yaml.Node) -> Any:
        try:
            return build(loader, node)
        except (ValueError, OverflowError) as exc:
            raise ParameterError(
                f"{loader.source} line {node.start_mark.line + 1}: {shown(node.value)} is not a valid "
                f"{what} ({exc})"
            ) from None

    _Loader.add_constructor(tag, construct)


_checked("tag:yaml.org,2002:timestamp", "date (expected YYYY-MM-DD)")
_checked("tag:yaml.org,2002:int", "integer")
_checked("tag:yaml.org,2002:float", "number")


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file; syntax errors and duplicate keys name the file and line."""
    try:
        content = path.read_text(encoding="utf-8") if text is None else text
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read file ({exc.strerror})") from None
    loader = None
    try:
        loader = _Loader(content)
        loader.source = str(path)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{path}{where}: invalid YAML ({exc.problem})") from None
    except yaml.reader.ReaderError as exc:  # a control character or invalid text
        line = content.count("\n", 0, exc.position) + 1
        raise ParameterError(
            f"{path} line {line}: invalid YAML (character U+{int(exc.character):04X} is not "
            "allowed in YAML text: no control characters but tab and newline)"
        ) from None
    except RecursionError:
        raise ParameterError(f"{path}: invalid YAML (nested too deeply)") from None
    finally:
        if loader is not None:
            loader.dispose()


def line_of(mapping: Any, key: Any) -> int | None:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None

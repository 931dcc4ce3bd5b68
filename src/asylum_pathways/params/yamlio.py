"""YAML reading that remembers line numbers and refuses duplicate keys and aliases.

Files are parsed by libyaml's C parser (`yaml.CSafeLoader`, about five times faster than
PyYAML's pure-Python one) when PyYAML was built with it, else by the pure-Python parser; both
give the same values. Anchors and aliases (`&name`, `*name`, `<<: *name`) are refused on the
composed node graph, before any value is constructed: an alias is a reference, so nine lines
of them can stand for a billion values ("billion laughs"), and nothing in a parameter or
scenario file needs them.

PyYAML is imported when a file is parsed, not with this module: `read_yaml` keeps what it
parsed in the on-disk cache, keyed by the file's bytes, so a command that reads an unchanged
scenario file (every `determine`) neither imports nor runs a parser.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asylum_pathways import cache
from asylum_pathways.errors import ParameterError

if TYPE_CHECKING:
    import yaml


def has_libyaml() -> bool:
    """Whether this PyYAML was built with libyaml's parser."""
    import yaml

    return hasattr(yaml, "CSafeLoader")


class LineDict(dict[Any, Any]):
    """A mapping that knows the line (1-based) of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise ParameterError(
                f"{getattr(loader, 'source', '<yaml>')} line {key_node.start_mark.line + 1}: "
                f"a {type(key).__name__} as a mapping key (expected a name or a date)"
            )
        if key in mapping:
            raise ParameterError(
                f"{getattr(loader, 'source', '<yaml>')} line {key_node.start_mark.line + 1}: "
                f"duplicate key {key!r} (first at line {mapping.key_lines[key]}); "
                "each key may appear once"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _checked(build: Any, what: str) -> Any:
    """A scalar constructor whose failures (2020-02-30, month 13, a 5,000-digit integer) are
    errors naming the file and line, not a bare ValueError."""

    def construct(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return build(loader, node)
        except (ValueError, OverflowError) as exc:
            shown = repr(node.value) if len(node.value) <= 40 else repr(node.value[:40]) + "..."
            raise ParameterError(
                f"{getattr(loader, 'source', '<yaml>')} line {node.start_mark.line + 1}: "
                f"{shown} is not a valid {what} ({exc})"
            ) from None

    return construct


_SCALARS = {
    "tag:yaml.org,2002:timestamp": "date (expected YYYY-MM-DD)",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
}


@functools.cache
def _loaders() -> dict[bool, type[Any]]:
    """The pure-Python loader (False) and libyaml's (True, when built), each customised."""
    import yaml

    found: dict[bool, type[Any]] = {False: yaml.SafeLoader}
    if has_libyaml():
        found[True] = yaml.CSafeLoader
    out: dict[bool, type[Any]] = {}
    for fast, base in found.items():
        loader: Any = type(f"_Loader{'C' if fast else 'Py'}", (base,), {"source": "<yaml>"})
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        for tag, what in _SCALARS.items():
            loader.add_constructor(tag, _checked(loader.yaml_constructors[tag], what))
        out[fast] = loader
    return out


def read_yaml(path: Path) -> Any:
    """`load_yaml(path)`, from the on-disk cache when the file's bytes were parsed before
    (problems are raised, never cached: a file with one is parsed again each time)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return load_yaml(path)  # says why it cannot be read
    digest = cache.key(["yaml", str(path), text, Path(__file__).read_bytes()])
    return cache.cached("yaml", digest, lambda: load_yaml(path, text), pickle.dumps, pickle.loads)


def load_yaml(path: Path, text: str | None = None, *, libyaml: bool = True) -> Any:
    """Parse a YAML file; syntax errors, duplicate keys and aliases name the file and line.

    `libyaml=False` forces the pure-Python parser (the benchmark's baseline)."""
    import yaml

    try:
        content = path.read_text(encoding="utf-8") if text is None else text
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read file ({exc.strerror})") from None
    fast = libyaml and has_libyaml()
    loader = None
    try:
        loader = _loaders()[fast](content)
        loader.source = str(path)
        node = loader.get_single_node()
        if node is None:
            return None
        refuse_aliases(node, str(path))
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{path}{where}: invalid YAML ({exc.problem})") from None
    except yaml.reader.ReaderError as exc:  # a control character or invalid text
        # libyaml reports a position in UTF-8 bytes, the pure-Python reader in characters
        if fast:
            line = content.encode("utf-8")[: exc.position].count(b"\n") + 1
        else:
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


def refuse_aliases(root: yaml.Node, source: str) -> None:
    """Raise if any node of the composed graph is reached twice, i.e. through an alias.

    Each node is visited once (the walk stops at the first repeat), so the cost is linear in
    the size of the text however many values the aliases would expand to."""
    import yaml

    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, str(root.start_mark.line + 1))]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            raise ParameterError(
                f"{source} line {where}: YAML aliases are not allowed (this reuses the value "
                f"anchored at line {node.start_mark.line + 1}); write the value out in full"
            )
        seen.add(id(node))
        # Children are pushed in reverse so that nodes are visited in document order: an
        # anchor comes before its aliases, so the repeat found is the alias, not the anchor.
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                line = str(key_node.start_mark.line + 1)
                stack.append((value_node, line))
                stack.append((key_node, line))
        elif isinstance(node, yaml.SequenceNode):
            start = node.start_mark.line + 1
            for k in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[k], f"{start} (item {k + 1} of the list)"))


def line_of(mapping: Any, key: Any) -> int | None:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None

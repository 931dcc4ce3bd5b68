"""Load and validate the parameter tree: every file, key, date, unit and reference.

A loaded tree is cached on disk (`asylum_pathways.cache`) under the hash of every parameter
file (name and contents), of the source of the code that builds the tree and of the package
version: a change to any of them rebuilds it, and a cached tree is the tree a fresh load gives.
"""

from __future__ import annotations

import datetime as dt
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

from asylum_pathways import cache
from asylum_pathways.errors import ParameterError
from asylum_pathways.params.model import DatedValue, Parameter, Reference
from asylum_pathways.params.tree import ParameterTree
from asylum_pathways.params.units import UNITS, check_value, item_kinds
from asylum_pathways.params.yamlio import line_of, load_yaml

SECTIONS = ("law", "assumptions")
FILE_KEYS = {"description", "metadata", "values"}
METADATA_KEYS = {
    "label",
    "unit",
    "items",
    "keys",
    "reference",
    "last_reviewed",
    "note",
    "names",
}
VALUE_KEYS = {"value", "metadata"}
VALUE_METADATA_KEYS = {"reference", "note"}
INDEX_KEYS = {"description", "metadata"}
PORT_MAP = "law.geo.port_sector"


def default_root() -> Path:
    return Path(str(resources.files("asylum_pathways") / "parameters"))


def load_tree(root: Path | None = None, *, use_cache: bool = True) -> ParameterTree:
    """Read every parameter file under `root` (default: the bundled tree) and validate it.

    All problems are collected and reported together, each naming its file, line and key.
    `use_cache=False` reads and validates every file even when a cached tree exists.
    """
    root = root or default_root()
    if not use_cache:
        return _load(root)
    return cache.cached("tree", tree_key(root), lambda: _load(root), pickle.dumps, pickle.loads)


def tree_key(root: Path) -> str:
    """The cache key of the tree under `root`: every .yaml file below it, by relative name and
    contents, the tree's folder (as given and resolved), and the code that reads it (this package and `codes`)."""
    code = Path(__file__).parent
    here = [*sorted(code.glob("*.py")), code.parent / "codes.py"]
    parts: list[bytes | str] = [str(root), str(root.resolve()), *cache.sources(*here)]
    for path in sorted(root.rglob("*.yaml")):
        parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return cache.key(parts)


def _load(root: Path) -> ParameterTree:
    problems: list[str] = []
    folder_refs: dict[str, tuple[Reference, ...]] = {}
    for index in sorted(root.rglob("index.yaml")):
        rel = index.parent.relative_to(root)
        prefix = ".".join(rel.parts)
        folder_refs[prefix] = _read_index(index, problems)

    raw: dict[str, tuple[Path, Any]] = {}
    for path in sorted(root.rglob("*.yaml")):
        if path.name == "index.yaml":
            continue
        rel = path.relative_to(root).with_suffix("")
        name = ".".join(rel.parts)
        if rel.parts[0] not in SECTIONS:
            problems.append(f"{path}: parameters live under {' or '.join(SECTIONS)}/")
            continue
        try:
            raw[name] = (path, load_yaml(path))
        except ParameterError as exc:
            problems.append(str(exc))

    ports = _ports(raw)
    kinds = item_kinds(ports)
    params: dict[str, Parameter] = {}
    for name, (path, data) in raw.items():
        param = _build(name, path, data, kinds, folder_refs, problems)
        if param is not None:
            params[name] = param
    tree = ParameterTree(params, ports=ports, root=root)
    problems.extend(tree.missing_agreement_files())
    if problems:
        raise ParameterError(
            f"the parameter tree has {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    return tree


def _ports(raw: dict[str, tuple[Path, Any]]) -> tuple[str, ...]:
    """The vocabulary of port codes is the set of keys of the port -> sector map."""
    entry = raw.get(PORT_MAP)
    found: set[str] = set()
    if entry and isinstance(entry[1], dict):
        for v in (entry[1].get("values") or {}).values():
            if isinstance(v, dict) and isinstance(v.get("value"), dict):
                found.update(str(k) for k in v["value"])
    return tuple(sorted(found))


def _read_index(path: Path, problems: list[str]) -> tuple[Reference, ...]:
    try:
        data = load_yaml(path)
    except ParameterError as exc:
        problems.append(str(exc))
        return ()
    if not isinstance(data, dict):
        problems.append(f"{path}: expected a mapping with description and metadata")
        return ()
    for key in set(data) - INDEX_KEYS:
        problems.append(f"{path} line {line_of(data, key)}: unknown key {key!r}")
    meta = data.get("metadata") or {}
    return _references(meta.get("reference"), f"{path}", problems)


def _references(raw: Any, where: str, problems: list[str]) -> tuple[Reference, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: reference must be a list of {{title, href}}, got {raw!r}")
        return ()
    refs = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != {"title", "href"}
            or not str(item.get("href", "")).startswith(("http://", "https://"))
            or not str(item.get("title", "")).strip()
        ):
            problems.append(
                f"{where}: each reference needs exactly a title and an http(s) href, got {item!r}"
            )
            continue
        refs.append(Reference(str(item["title"]), str(item["href"])))
    return tuple(refs)


def _inherited(name: str, folder_refs: dict[str, tuple[Reference, ...]]) -> tuple[Reference, ...]:
    parts = name.split(".")[:-1]
    while parts:
        refs = folder_refs.get(".".join(parts))
        if refs:
            return refs
        parts.pop()
    return ()


def _build(
    name: str,
    path: Path,
    data: Any,
    kinds: dict[str, tuple[str, ...]],
    folder_refs: dict[str, tuple[Reference, ...]],
    problems: list[str],
) -> Parameter | None:
    """One parameter file as a `Parameter` (None: its problems are added to `problems`)."""
    if not isinstance(data, dict):
        problems.append(f"{path}: expected a mapping with description, metadata and values")
        return None
    before = len(problems)
    for key in set(data) - FILE_KEYS:
        problems.append(
            f"{path} line {line_of(data, key)}: unknown key {key!r} "
            f"(expected {', '.join(sorted(FILE_KEYS))})"
        )
    for key in sorted(FILE_KEYS - set(data)):
        problems.append(f"{path}: missing key {key!r}")
    meta = _metadata(data, path, kinds, problems)
    unit = meta.get("unit")
    file_refs = _references(meta.get("reference"), f"{path} metadata.reference", problems)
    inherited = file_refs or _inherited(name, folder_refs)
    last_reviewed = meta.get("last_reviewed")
    if last_reviewed is not None and not isinstance(last_reviewed, dt.date):
        problems.append(f"{path}: metadata.last_reviewed {last_reviewed!r} is not a date")
        last_reviewed = None

    names = _names(meta.get("names"), meta.get("keys") or meta.get("items"), kinds, path, problems)
    values = _values(data, path, meta, kinds, inherited, problems)
    if len(problems) > before:
        return None
    return Parameter(
        name=name,
        section=name.split(".")[0],
        description=str(data.get("description", "")).strip(),
        label=str(meta["label"]),
        unit=str(unit),
        values=tuple(values),
        references=inherited,
        items=meta.get("items"),
        keys=meta.get("keys"),
        note=meta.get("note"),
        last_reviewed=last_reviewed,
        source=str(path),
        names=names,
    )


def _metadata(
    data: dict[str, Any], path: Path, kinds: dict[str, tuple[str, ...]], problems: list[str]
) -> dict[str, Any]:
    """The file's `metadata` (empty if it is not a mapping): its keys, unit, item kinds and
    label checked."""
    meta = data.get("metadata") or {}
    if not isinstance(meta, dict):
        problems.append(f"{path}: metadata must be a mapping")
        meta = {}
    for key in set(meta) - METADATA_KEYS:
        problems.append(
            f"{path} line {line_of(meta, key)}: unknown metadata key {key!r} "
            f"(expected {', '.join(sorted(METADATA_KEYS))})"
        )
    unit = meta.get("unit")
    if unit not in UNITS:
        problems.append(
            f"{path} line {line_of(meta, 'unit')}: metadata.unit {unit!r} is not a known unit "
            f"(expected one of {', '.join(sorted(UNITS))})"
        )
    if unit in ("list", "map") and meta.get("items") not in kinds:
        problems.append(
            f"{path}: metadata.items {meta.get('items')!r} must name an item kind "
            f"({', '.join(sorted(kinds))})"
        )
    if unit == "map" and meta.get("keys") not in kinds:
        problems.append(f"{path}: metadata.keys {meta.get('keys')!r} must name an item kind")
    if not meta.get("label"):
        problems.append(f"{path}: metadata.label is missing")
    return meta


def _values(
    data: dict[str, Any],
    path: Path,
    meta: dict[str, Any],
    kinds: dict[str, tuple[str, ...]],
    inherited: tuple[Reference, ...],
    problems: list[str],
) -> list[DatedValue]:
    """The file's dated `values`, in increasing date order, each checked against the unit
    and cited (on the value, or by the file or a folder's index.yaml: `inherited`)."""
    unit = meta.get("unit")
    values_raw = data.get("values") or {}
    if not isinstance(values_raw, dict) or not values_raw:
        problems.append(f"{path}: values must be a non-empty mapping of dates to entries")
        values_raw = {}
    values: list[DatedValue] = []
    previous: dt.date | None = None
    for key, entry in values_raw.items():
        line = line_of(values_raw, key)
        where = f"{path} line {line}"
        if not isinstance(key, dt.date) or isinstance(key, dt.datetime):
            problems.append(f"{where}: {key!r} is not a date (expected YYYY-MM-DD)")
            continue
        if previous is not None and key <= previous:
            problems.append(f"{where}: date {key} is not after the previous date {previous}")
        previous = key
        if not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"{where}: expected {{value: ..., metadata: ...}}, got {entry!r}")
            continue
        for k in set(entry) - VALUE_KEYS:
            problems.append(f"{where}: unknown key {k!r} in the value of {key}")
        vmeta = entry.get("metadata") or {}
        for k in set(vmeta) - VALUE_METADATA_KEYS:
            problems.append(f"{where}: unknown key {k!r} in the metadata of {key}")
        refs = _references(vmeta.get("reference"), where, problems)
        if not refs and not inherited:
            problems.append(
                f"{where}: the value of {key} has no reference (none on the value, the file "
                f"or any folder index.yaml above it)"
            )
        problem = (
            check_value(entry["value"], unit, meta.get("items"), meta.get("keys"), kinds)
            if unit in UNITS
            else None
        )
        if problem:
            problems.append(f"{where}: value of {key}: {problem}")
        values.append(
            DatedValue(key, entry["value"], refs, vmeta.get("note"), origin=f"{path.name}:{line}")
        )
    return values


def _names(
    raw: Any, kind: Any, kinds: dict[str, tuple[str, ...]], path: Path, problems: list[str]
) -> dict[str, str]:
    """`metadata.names`: the name readers see for each code of the parameter's keys (or
    items), e.g. port ELP -> El Paso; cited by the file's references."""
    if raw is None:
        return {}
    vocabulary = kinds.get(str(kind))
    if not isinstance(raw, dict) or vocabulary is None:
        problems.append(
            f"{path}: metadata.names must map the codes of the parameter's keys or items to names"
        )
        return {}
    out = {}
    for code, name in raw.items():
        if str(code) not in vocabulary or not isinstance(name, str) or not name.strip():
            problems.append(
                f"{path} line {line_of(raw, code)}: metadata.names: {code!r} -> {name!r} "
                f"(expected a {kind} code and a name)"
            )
            continue
        out[str(code)] = name.strip()
    return out

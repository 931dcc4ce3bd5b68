"""Parameter uncertainty: each replication's assumptions drawn from a calibration posterior.

A posterior is a sample of particles written by `asylum-pathways calibrate` (Parquet, one
column per fitted assumption, provenance in the file's metadata). `simulate` draws one
particle per replication from that replication's own SeedSequence stream (a child key no
other stream uses), so the draw does not depend on the worker count, and applies it to
every scenario of the replication, so differences between scenarios stay paired.

A fitted assumption names a parameter of the tree, optionally a key (or a glob of keys) of
its map value and the dated values it applies to, and whether the draw sets the value or
scales it. A draw never touches a value a scenario set (a scenario's explicit assumption
wins over the posterior), and every value it sets names the calibration run in its note.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.errors import UserError
from asylum_pathways.params import DatedValue, Parameter, ParameterTree

#: Child key of a replication's SeedSequence reserved for its posterior draw; spawn() would
#: reach it only after 2**31 children, so it never collides with the replication's streams.
POSTERIOR_STREAM = 2**31
#: Key of the provenance JSON in the Parquet file's metadata.
METADATA_KEY = b"asylum_pathways.calibration"
TRANSFORMS = ("set", "scale")


@dataclass(frozen=True)
class Fitted:
    """How one fitted assumption enters the parameter tree."""

    id: str
    parameter: str  # dotted name, e.g. assumptions.mpp.hearing_process
    key: str | None = None  # a key (or glob of keys) of a map value; None for a number
    dates: tuple[str, ...] = ()  # ISO start dates of the dated values it sets; () = all
    transform: str = "set"  # set: the value is the draw; scale: the value times the draw
    integer: bool = False  # round the result to a whole number

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parameter": self.parameter,
            "key": self.key,
            "dates": list(self.dates),
            "transform": self.transform,
            "integer": self.integer,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Fitted:
        return Fitted(
            str(d["id"]),
            str(d["parameter"]),
            d.get("key"),
            tuple(d.get("dates") or ()),
            str(d.get("transform", "set")),
            bool(d.get("integer", False)),
        )


def problems_applying(tree: ParameterTree, fitted: Fitted) -> list[str]:
    """Why a fitted assumption cannot be applied to this tree (empty: it can)."""
    if fitted.parameter not in tree:
        return [f"no parameter named {fitted.parameter!r}"]
    param = tree.get(fitted.parameter)
    if param.section != "assumptions":
        return [f"{fitted.parameter} is law, not an assumption; calibrate fits assumptions only"]
    if fitted.transform not in TRANSFORMS:
        return [f"transform {fitted.transform!r}: expected one of {', '.join(TRANSFORMS)}"]
    targets = [v for v in param.values if _selected(fitted, v)]
    if not targets:
        where = (
            f"starts on {', '.join(fitted.dates)}"
            if fitted.dates
            else "of the tree's own files is left (a scenario replaced them)"
        )
        return [f"{fitted.parameter}: no dated value {where}"]
    for v in targets:
        if v.value is None:
            continue
        if fitted.key is None:
            if not _number(v.value):
                return [f"{fitted.parameter} on {v.start}: value {v.value!r} is not a number"]
            continue
        if not isinstance(v.value, dict):
            return [f"{fitted.parameter} on {v.start}: not a map, so key {fitted.key!r} is wrong"]
        keys = [k for k in v.value if fnmatch.fnmatchcase(str(k), fitted.key)]
        if not keys:
            return [
                f"{fitted.parameter} on {v.start}: no key matches {fitted.key!r} "
                f"(keys: {', '.join(map(str, v.value))})"
            ]
        bad = [k for k in keys if not _number(v.value[k])]
        if bad:
            return [f"{fitted.parameter} on {v.start}: key {bad[0]!r} is not a number"]
    return []


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _selected(fitted: Fitted, v: DatedValue) -> bool:
    if v.origin.startswith("scenario"):
        return False
    return not fitted.dates or v.start.isoformat() in fitted.dates


def apply(
    tree: ParameterTree,
    fitted: tuple[Fitted, ...],
    draw: dict[str, float],
    run_id: str,
    note: str = "calibrated: {id} from calibration run {run}",
) -> ParameterTree:
    """The tree with one draw of the fitted assumptions (unchanged where the draw is empty);
    each value set says where it came from (`note`, with {id} and {run})."""
    if not draw:
        return tree
    changed: dict[str, Parameter] = {}
    for f in fitted:
        if f.id not in draw:
            continue
        x = float(draw[f.id])
        param = changed.get(f.parameter) or tree.get(f.parameter)
        values = []
        for v in param.values:
            if not _selected(f, v) or v.value is None:
                values.append(v)
                continue
            said = note.format(id=f.id, run=run_id)
            new = _set(v.value, f, x)
            values.append(DatedValue(v.start, new, v.references, said, v.origin))
        changed[f.parameter] = param.with_values(tuple(values))
    return tree.replaced(changed)


def _set(value: Any, f: Fitted, x: float) -> Any:
    def one(old: Any) -> float | int:
        y = x * float(old) if f.transform == "scale" else x
        return round(y) if f.integer else y

    if f.key is None:
        return one(value)
    return {k: one(v) if fnmatch.fnmatchcase(str(k), f.key) else v for k, v in value.items()}


@dataclass(frozen=True)
class Posterior:
    """A calibration posterior: particles [n, k] over the fitted assumptions."""

    fitted: tuple[Fitted, ...]
    particles: np.ndarray  # float64 [n_particles, n_fitted]
    run_id: str
    source: str  # the file it was read from
    provenance: dict[str, Any]

    def draw(self, index: int, seed: np.random.SeedSequence) -> dict[str, float]:
        """Replication `index`'s draw: one particle, chosen from the replication's own stream."""
        stream = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, POSTERIOR_STREAM))
        row = int(np.random.Generator(np.random.PCG64(stream)).integers(self.particles.shape[0]))
        return {f.id: float(self.particles[row, j]) for j, f in enumerate(self.fitted)}

    def apply(self, tree: ParameterTree, draw: dict[str, float]) -> ParameterTree:
        return apply(tree, self.fitted, draw, self.run_id)

    def problems(self, tree: ParameterTree) -> list[str]:
        return [f"{f.id}: {p}" for f in self.fitted for p in problems_applying(tree, f)]


@dataclass(frozen=True)
class Proposals:
    """Calibration's particles to simulate: replication i runs particle i (no random draw)."""

    fitted: tuple[Fitted, ...]
    particles: np.ndarray
    run_id: str = "proposal"

    def draw(self, index: int, seed: np.random.SeedSequence) -> dict[str, float]:
        return {f.id: float(self.particles[index, j]) for j, f in enumerate(self.fitted)}

    def apply(self, tree: ParameterTree, draw: dict[str, float]) -> ParameterTree:
        return apply(tree, self.fitted, draw, self.run_id)


def default_path() -> Path:
    """The posterior shipped with the package (the calibration run of this release)."""
    return Path(str(resources.files("asylum_pathways") / "sim" / "calibrate" / "posterior"))


def read(path: Path) -> Posterior:
    """A posterior file (or a calibrate --out folder holding posterior.parquet)."""
    import polars as pl  # not pyarrow: a tenth of a second less on every `simulate`

    file = path / "posterior.parquet" if path.is_dir() else path
    if not file.exists():
        raise UserError(
            f"{file}: no such posterior file (write one with `asylum-pathways calibrate`)"
        )
    try:
        meta = json.loads(pl.read_parquet_metadata(file)[METADATA_KEY.decode()])
        table = pl.read_parquet(file)
    except (OSError, KeyError, ValueError, pl.exceptions.PolarsError) as exc:
        raise UserError(
            f"{file}: not a posterior written by `asylum-pathways calibrate` ({exc})"
        ) from None
    fitted = tuple(Fitted.from_dict(d) for d in meta["fitted"])
    missing = [f.id for f in fitted if f.id not in table.columns]
    if missing:
        raise UserError(
            f"{file}: columns {', '.join(missing)} missing (expected one per fitted assumption)"
        )
    particles = np.column_stack([table.get_column(f.id).to_numpy() for f in fitted]).astype(
        np.float64
    )
    if particles.shape[0] == 0 or not np.isfinite(particles).all():
        raise UserError(f"{file}: expected at least one particle and finite values")
    return Posterior(fitted, particles, str(meta["run_id"]), str(file), meta)


def for_simulate(path: Path | None, fixed: bool, tree: ParameterTree) -> Posterior | None:
    """The posterior `simulate` draws from (None: parameters held fixed).

    An explicit `path` that does not fit the tree is an error (exit 2); the shipped default
    that does not fit (after a change of the model's assumptions) is reported on stderr and
    the run holds parameters fixed, saying so in the uncertainty text.
    """
    if fixed:
        return None
    explicit = path is not None
    try:
        post = read(path if path is not None else default_path())
    except UserError as exc:
        if explicit:
            raise
        print(f"warning: no shipped posterior ({exc}); parameters are held fixed.", file=sys.stderr)
        return None
    problems = post.problems(tree)
    if problems and explicit:
        raise UserError(
            f"{post.source}: the posterior does not fit the parameter tree: " + "; ".join(problems)
        )
    if problems:
        print(
            f"warning: the shipped posterior ({post.source}, run {post.run_id}) does not fit "
            f"the current parameter tree ({'; '.join(problems)}); parameters are held fixed. "
            "Re-run `asylum-pathways calibrate` and pass --posterior.",
            file=sys.stderr,
        )
        return None
    reads = post.provenance.get("reads")
    fitted_to = (
        post.provenance.get("reads_fingerprint") == tree.fingerprint(reads)
        if reads is not None
        else post.provenance.get("tree_fingerprint") == tree.fingerprint()
    )
    if not fitted_to:
        print(
            f"warning: posterior run {post.run_id} was fitted to a different parameter tree "
            "(law or assumptions the simulation reads changed since); its draws are applied as "
            "they are.",
            file=sys.stderr,
        )
    return post


def summary(values: np.ndarray) -> dict[str, float]:
    """Median and 5th/95th percentiles (for tables of a posterior)."""
    v = np.asarray(values, dtype=np.float64)
    return {
        "median": float(np.median(v)),
        "p5": float(np.percentile(v, 5)),
        "p95": float(np.percentile(v, 95)),
    }

"""Which drawn assumption a finding's spread follows, above the noise of a finite study.

When a study draws assumptions (the calibration posterior's fitted ones and the capacity
priors), each replication has its own draw, so the study itself is a sample of (draws,
results) and needs no extra simulation. For each headline finding (a headline metric of a
scenario, or the paired difference of two scenarios) and each drawn assumption, the index
is the squared Spearman rank correlation between the replications' draws and results: a
first-order, variance-based share for monotone effects.

With few replications such an index is noisy: an assumption with no effect at all scores
about 1/(reps - 1) on average and much more by chance. So every study also draws `DUMMIES`
random inputs that act on nothing (from their own seed stream) and scores them the same way,
for every finding: their indices are a sample of what no effect scores. The noise floor is
the quantile of that sample a family of k drawn assumptions needs (1 - 0.05/k, Bonferroni):
an assumption with no effect clears it in about one finding in twenty at most. Only effects
above the floor are reported (at most `TOP` per finding, largest first), each with a
bootstrap 5-95% interval over the replications. An assumption below the floor is not shown
as "sensitive", however large its raw index, because a dummy does as well.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from asylum_pathways.sim.runs.montecarlo import Study

#: Headline metrics the report's findings quote (sim.model.flows); `aca_transfers_<CC>` is
#: expanded to every receiving country of the tree.
FINDINGS = (
    "mpp_enrolled_2020_03_12_to_2020_12_31",
    "mpp_enrolled_ca_az_2020_03_12_to_2020_12_31",
    "aca_transfers_<CC>",
    "title42_expulsions",
    "mpp_pending_end",
    "mpp_in_absentia",
    "mpp_completed",
)
DUMMIES = 40
TOP = 3
BOOTSTRAP = 200
#: Child seed of the study's seed for the dummies and the bootstrap (no replication uses it).
STREAM = 0x5E75
METHOD = (
    "squared Spearman rank correlation between each replication's draw of an assumption and "
    "its result (first-order share of variance for monotone effects), over {reps} "
    "replications; shown only above the noise floor, the {quantile:.1f}th percentile of the "
    "same index for {dummies} random inputs that act on nothing (5% family-wise over the "
    "drawn assumptions); intervals are 5-95% over {boot} bootstrap resamples of the "
    "replications"
)


def ranks(x: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged."""
    order = np.argsort(x, kind="stable")
    r = np.empty(x.shape[0], dtype=np.float64)
    r[order] = np.arange(x.shape[0], dtype=np.float64)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=r)
    return (sums / counts)[inverse]


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho; NaN when either side does not vary."""
    rx, ry = ranks(np.asarray(x, float)), ranks(np.asarray(y, float))
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return float("nan")
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def _index_matrix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Squared rank correlation of each column of x [reps, k] with y [reps] (NaN where a
    column or y does not vary)."""
    rx = np.column_stack([ranks(x[:, j]) for j in range(x.shape[1])])
    ry = ranks(y)
    rx = rx - rx.mean(axis=0)
    ry = ry - ry.mean()
    denom = np.sqrt((rx**2).sum(axis=0) * (ry**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rx * ry[:, None]).sum(axis=0) / denom
    return np.where(denom > 0, rho**2, np.nan)


def findings(study: Study) -> list[tuple[str, str, np.ndarray]]:
    """(scenario or "a - b" comparison, headline metric, per-replication values)."""
    names = [s.name for s in study.scenarios]
    countries = study.scenarios[0].tree.receiving_countries()
    metrics = [
        m2
        for m in FINDINGS
        for m2 in ([m.replace("<CC>", cc) for cc in countries] if "<CC>" in m else [m])
    ]
    have = set(study.headline_metrics())
    out = [(n, m, study.headline(n, m)) for n in names for m in metrics if m in have]
    base = names[0]
    pairs = [(o, base) for o in names[1:]] + [(o, names[1]) for o in names[2:]]
    for other, ref in pairs:
        for m in metrics:
            if m in have:
                out.append(
                    (f"{other} - {ref}", m, study.headline(other, m) - study.headline(ref, m))
                )
    return out


class Analysis:
    """The drawn assumptions of a study, its dummies and the noise floor."""

    def __init__(self, study: Study, labels: dict[str, str]) -> None:
        draws = study.draws
        self.names = list(draws[0])
        self.labels = labels
        self.x = np.array([[d[a] for a in self.names] for d in draws], dtype=np.float64)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([study.seed, STREAM])))
        self.dummies = rng.uniform(size=(self.x.shape[0], DUMMIES))
        self.rng = rng
        self.reps = self.x.shape[0]
        self._null: list[np.ndarray] = []

    def effects(self, y: np.ndarray) -> list[dict[str, Any]]:
        """Every assumption's index on finding `y` (also scores the dummies)."""
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            return []
        idx = _index_matrix(self.x, y)
        self._null.append(_index_matrix(self.dummies, y))
        return [
            {"parameter": a, "index": float(idx[j])}
            for j, a in enumerate(self.names)
            if np.isfinite(idx[j])
        ]

    @property
    def quantile(self) -> float:
        """The percentile of the dummies' indices that is the floor (Bonferroni over the
        drawn assumptions)."""
        return 100.0 * (1.0 - 0.05 / max(1, len(self.names)))

    @property
    def floor(self) -> float:
        null = np.concatenate(self._null) if self._null else np.zeros(1)
        null = null[np.isfinite(null)]
        return float(np.percentile(null, self.quantile)) if null.shape[0] else 1.0

    def interval(self, parameter: str, y: np.ndarray) -> tuple[float, float]:
        j = self.names.index(parameter)
        picks = self.rng.integers(0, self.reps, size=(BOOTSTRAP, self.reps))
        values = [_index_matrix(self.x[p][:, [j]], y[p])[0] for p in picks]
        v = np.array([x for x in values if np.isfinite(x)])
        if not v.shape[0]:
            return float("nan"), float("nan")
        return float(np.percentile(v, 5)), float(np.percentile(v, 95))

    def label(self, parameter: str) -> str:
        return self.labels.get(parameter) or parameter.replace("_", " ")


def labels_of(study: Study) -> dict[str, str]:
    """Each drawn assumption's words: the calibration spec's and the priors' labels."""
    from asylum_pathways.sim.fitting import spec
    from asylum_pathways.sim.fitting.draws import of

    draws = of(study.posterior)
    out: dict[str, str] = {}
    if draws is None:
        return out
    if draws.posterior is not None:
        # the packaged spec's words, for a posterior written before labels
        out.update({p.fitted.id: p.label for p in spec.load(None, None).parameters})
        for pid, p in (draws.posterior.provenance.get("priors") or {}).items():
            if p.get("label"):
                out[pid] = str(p["label"])
    if draws.priors is not None:
        out.update({p.fitted.id: p.label for p in draws.priors.parameters})
    return out


def of_study(study: Study) -> dict[str, Any] | None:
    """summary.json's `sensitivity`, or None when the study drew nothing (parameters held
    fixed) or has fewer than 3 replications."""
    if not study.draws or not study.draws[0] or study.reps < 3:
        return None
    an = Analysis(study, labels_of(study))
    raw = [(where, metric, y, an.effects(y)) for where, metric, y in findings(study)]
    floor = an.floor
    results = []
    shown = []
    for where, metric, y, effects in raw:
        for e in effects:
            rho = rank_correlation(an.x[:, an.names.index(e["parameter"])], y)
            results.append(
                {
                    "scenario": where,
                    "metric": metric,
                    "assumption": e["parameter"],
                    "index": round(e["index"], 4),
                    "rank_correlation": round(rho, 4),
                    "above_noise": e["index"] > floor,
                }
            )
        above = sorted((e for e in effects if e["index"] > floor), key=lambda e: -e["index"])
        if not above:
            continue
        top = []
        for e in above[:TOP]:
            lo, hi = an.interval(e["parameter"], y)
            top.append(
                {
                    "parameter": e["parameter"],
                    "label": an.label(e["parameter"]),
                    "index": round(e["index"], 4),
                    "lo": round(lo, 4),
                    "hi": round(hi, 4),
                }
            )
        key = "comparison" if " - " in where else "scenario"
        shown.append({"finding": metric, "metric": metric, key: where, "effects": top})
    return {
        "method": METHOD.format(
            reps=study.reps, dummies=DUMMIES, boot=BOOTSTRAP, quantile=an.quantile
        ),
        "noise_floor": {
            "index": round(floor, 4),
            "dummies": DUMMIES,
            "percentile": round(an.quantile, 2),
        },
        "results": results,
        "findings": shown,
    }


def deciding(study: Study, y: np.ndarray) -> dict[str, Any] | None:
    """The drawn assumption finding `y` (per replication) follows most, above the noise
    floor of the same dummies; None when nothing is drawn or nothing clears the floor."""
    if not study.draws or not study.draws[0] or study.reps < 3:
        return None
    an = Analysis(study, labels_of(study))
    effects = an.effects(np.asarray(y, dtype=np.float64))
    # the floor of one finding: this finding's dummies alone
    floor = an.floor
    above = sorted((e for e in effects if e["index"] > floor), key=lambda e: -e["index"])
    if not above:
        return None
    best = above[0]
    return {
        "parameter": best["parameter"],
        "label": an.label(best["parameter"]),
        "index": round(best["index"], 4),
        "noise_floor": round(floor, 4),
    }

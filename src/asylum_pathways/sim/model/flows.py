"""One scenario and one replication: the rules, then the capacity-limited stages.

1. the rules assign each person a pathway (`rules.engine`, vectorized);
2. Title 42 case-by-case exceptions (`stages.title42`);
3. ACA intake, threshold screening and transfer flights (`stages.aca`);
4. MPP enrolment through return ports, with routing between them (`stages.mpp_enrolment`);
5. MPP court cases: hearings, absences and outcomes (`stages.mpp_court`);
6. daily metrics and headline figures (`metrics`).
UAC referral, Title 42 expulsion, expedited removal, credible fear and release with a
notice to appear are exits on the day of the encounter. Every person ends in exactly one
exit or is still in the system (an ACA queue, or an MPP case while returned to Mexico).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import Determinations, determine
from asylum_pathways.sim.model import metrics
from asylum_pathways.sim.model.fate import Fate
from asylum_pathways.sim.model.population import Population
from asylum_pathways.sim.model.stages import aca, mpp_court, mpp_enrolment, title42
from asylum_pathways.sim.model.stages.mpp_court import OUTCOMES
from asylum_pathways.sim.model.stages.state import FlowState
from asylum_pathways.sim.model.windows import Window

__all__ = ["OUTCOMES", "STAGES", "Fate", "Result", "simulate"]

#: The stages in the order they run; each is `run(state) -> its record` (stages.state).
STAGES: tuple[Callable[[FlowState], object], ...] = (
    title42.run,
    aca.run,
    mpp_enrolment.run,
    mpp_court.run,
)


@dataclass
class Result:
    daily: dict[str, np.ndarray]
    headline: dict[str, float]
    fate: Fate | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def simulate(
    tree: ParameterTree,
    pop: Population,
    keep_fate: bool = False,
    windows: Sequence[Window] = (),
    det: Determinations | None = None,
) -> Result:
    """Run every stage for one scenario and replication; `windows` are the study's named
    headline windows (sim.runs.study.Window); `det`, the rules' answers for `pop` under `tree`
    when already known (`determine_like`)."""
    det = determine(tree, pop.enc, groups=pop.groups) if det is None else det
    s = FlowState.start(tree, pop, det)
    assigned = det.pathway.copy()
    for stage in STAGES:
        s.keep(stage(s))
    fate = Fate.of(assigned, s)
    daily = metrics.daily(tree, pop, fate)
    headline = metrics.headline(tree, pop, fate, daily, windows)
    return Result(daily, headline, fate if keep_fate else None)

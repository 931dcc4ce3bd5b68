"""Title 42: a share of the people the order covers is excepted case by case.

The rules assign Title 42 expulsion to everyone the order covers on their encounter day;
CBP excepted some people case by case (humanitarian exceptions, capacity of the receiving
side), at a rate by component (`assumptions.title42.exception_rate`, USBP and OFO), read on
each person's day. The excepted take their next pathway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asylum_pathways.sim.model.stages.state import FlowState

EXCEPTION = "assumptions.title42.exception_rate"


@dataclass
class Exceptions:
    """The people the order covered whom CBP excepted (indexes into the population)."""

    excepted: np.ndarray


def run(s: FlowState) -> Exceptions:
    covered = s.rows("TITLE42_EXPULSION")
    day = s.dayidx[covered]
    usbp = s.horizon.key(EXCEPTION, "USBP")[day]
    ofo = s.horizon.key(EXCEPTION, "OFO")[day]
    rate = np.where(s.pop.ofo[covered], ofo, usbp)
    excepted = covered[s.pop.draws["title42_exception"][covered] < rate]
    s.unavailable(excepted, "TITLE42_EXPULSION")
    return Exceptions(excepted)

"""Title 42: a share of the people the order covers is excepted case by case.

The rules assign Title 42 expulsion to everyone the order covers on their encounter day;
CBP excepted some people case by case (humanitarian exceptions, capacity of the receiving
side), at a rate by component (`assumptions.title42.exception_rate`, USBP and OFO), read on
each person's day. The excepted take their next pathway.
"""

from __future__ import annotations

import numpy as np

from asylum_pathways.sim.model.stages.state import FlowState

EXCEPTION = "assumptions.title42.exception_rate"


def run(s: FlowState) -> None:
    covered = s.rows("TITLE42_EXPULSION")
    day = s.dayidx[covered]
    usbp = s.horizon.key(EXCEPTION, "USBP")[day]
    ofo = s.horizon.key(EXCEPTION, "OFO")[day]
    rate = np.where(s.pop.ofo[covered], ofo, usbp)
    s.unavailable(covered[s.pop.draws["title42_exception"][covered] < rate], "TITLE42_EXPULSION")

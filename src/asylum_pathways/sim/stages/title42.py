"""Title 42: a share of the people the order covers is excepted case by case.

The rules assign Title 42 expulsion to everyone the order covers on their encounter day;
CBP excepted some people case by case (humanitarian exceptions, capacity of the receiving
side), at a rate by component (`assumptions.title42.exception_rate`, USBP and OFO), read on
each person's day. The excepted take their next pathway.
"""

from __future__ import annotations

import numpy as np

from asylum_pathways.sim.stages.state import FlowState, P

EXCEPTION = "assumptions.title42.exception_rate"


def run(s: FlowState) -> None:
    usbp = s.horizon.key(EXCEPTION, "USBP")[s.dayidx]
    ofo = s.horizon.key(EXCEPTION, "OFO")[s.dayidx]
    rate = np.where(s.pop.ofo, ofo, usbp)
    covered = s.pathway == P["TITLE42_EXPULSION"]
    s.unavailable(
        np.flatnonzero(covered & (s.pop.draws["title42_exception"] < rate)), "TITLE42_EXPULSION"
    )

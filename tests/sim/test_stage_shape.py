"""Every stage has one shape: it takes the flow state and returns its own record, which the
stages after it read from the state (not from extra arguments) and the fate puts together."""

from __future__ import annotations

import inspect
import typing

import numpy as np
import pytest

from asylum_pathways.sim.model.flows import STAGES
from asylum_pathways.sim.model.stages.mpp_enrolment import Enrolment
from asylum_pathways.sim.model.stages.state import FlowState


@pytest.mark.parametrize("stage", STAGES, ids=lambda f: f.__module__.rsplit(".", 1)[-1])
def test_a_stage_takes_the_state_and_returns_a_record(stage) -> None:  # type: ignore[no-untyped-def]
    hints = typing.get_type_hints(stage)
    params = list(inspect.signature(stage).parameters)
    assert len(params) == 1 and hints[params[0]] is FlowState
    record = hints["return"]
    assert isinstance(record, type) and record is not type(None)


def test_each_stage_returns_a_record_of_its_own_kind() -> None:
    kinds = [typing.get_type_hints(stage)["return"] for stage in STAGES]
    assert len(set(kinds)) == len(kinds)


def test_a_record_not_yet_returned_is_named() -> None:
    s = FlowState(None, None, None, None, np.zeros(0), np.zeros(0), np.zeros(0))  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="Enrolment"):
        s.record(Enrolment)
    e = Enrolment(*(np.zeros(1, dtype=bool) for _ in range(2)), np.zeros(1), np.zeros(1, bool))
    s.keep(e)
    assert s.record(Enrolment) is e

"""Every person's fate in one scenario and replication (day indexes on the horizon; -1 =
none): the stages' records put together, which is what the metrics read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asylum_pathways.sim.model.stages.aca import Outcome
from asylum_pathways.sim.model.stages.mpp_court import Court
from asylum_pathways.sim.model.stages.mpp_enrolment import Enrolment
from asylum_pathways.sim.model.stages.state import FlowState


@dataclass
class Fate:
    assigned: np.ndarray  # pathway the rules assigned
    pathway: np.ndarray  # final pathway after capacity, exceptions and screening
    receiving: np.ndarray  # receiving country (index into codes.countries()), -1
    transfer: np.ndarray  # day of the ACA transfer flight
    mpp_port: np.ndarray  # return port (index into tree.ports), -1
    enrolled: np.ndarray  # bool: returned to Mexico under MPP (CBP's count)
    first_hearing: np.ndarray
    completion: np.ndarray  # day the case ended (as of the end of the horizon)
    outcome: np.ndarray  # index into OUTCOMES for MPP court cases, -1 otherwise
    left_mexico: np.ndarray  # day an absent respondent stopped waiting in Mexico
    aca_admitted: np.ndarray  # bool: taken into an ACA transfer queue
    aca_left: np.ndarray  # day a waiting person left the queue when transfers stopped
    mpp_case: np.ndarray  # bool: an MPP court case (TRAC's count)
    mpp_inland: np.ndarray  # bool: processed inland after a fear-of-Mexico screening
    mpp_routed: np.ndarray  # bool: returned through another port than their own
    case_rows: np.ndarray  # the people with an MPP court case (the columns below)
    hearing_day: np.ndarray  # [hearing, case] day of each hearing held
    hearing_absent: np.ndarray  # [hearing, case] absent at it
    reopened_termination: np.ndarray  # day of a termination later reopened
    reopened: np.ndarray  # day a terminated case returned to pending
    mpp_court: np.ndarray  # [case] index into mpp_court_names, -1 = none
    mpp_court_names: tuple[str, ...]
    #: receiving country -> daily demand (people amenable) and capacity (seats), stages.aca
    aca_demand: dict[str, np.ndarray] = field(default_factory=dict)
    aca_capacity: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, assigned: np.ndarray, s: FlowState) -> Fate:
        """The fate after every stage has run on `s` (`assigned`: the rules' pathways)."""
        transfers, enrolment, court = s.record(Outcome), s.record(Enrolment), s.record(Court)
        return cls(
            assigned=assigned,
            pathway=s.pathway,
            receiving=s.receiving,
            transfer=transfers.transfer,
            mpp_port=enrolment.port,
            enrolled=enrolment.returned,
            first_hearing=court.first_hearing,
            completion=court.completion,
            outcome=court.outcome,
            left_mexico=court.left_mexico,
            aca_admitted=transfers.admitted,
            aca_left=transfers.left,
            mpp_case=enrolment.case,
            mpp_inland=enrolment.inland,
            mpp_routed=enrolment.routed,
            case_rows=court.rows,
            hearing_day=court.hearing_day,
            hearing_absent=court.hearing_absent,
            reopened_termination=court.reopened_termination,
            reopened=court.reopened,
            mpp_court=court.court,
            mpp_court_names=court.court_names,
            aca_demand=transfers.demand,
            aca_capacity=transfers.capacity,
        )

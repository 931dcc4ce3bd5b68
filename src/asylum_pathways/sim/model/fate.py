"""Every person's fate in one scenario and replication (day indexes on the horizon; -1 =
none)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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
    #: receiving country -> daily demand (people amenable) and capacity (seats), stages.aca
    aca_demand: dict[str, np.ndarray] = field(default_factory=dict)
    aca_capacity: dict[str, np.ndarray] = field(default_factory=dict)

"""The encounter record: one row per person, as columnar NumPy arrays of codes.

The schema (`FIELDS`) is the single description used by input validation, the JSON
reader and the documentation (docs/encounter-schema.md is generated from it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asylum_pathways import codes


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string, date, sector, port, country, demographic, int, language, bool, fear_map
    required: bool
    doc: str


FIELDS: tuple[Field, ...] = (
    Field(
        "person_id",
        "string",
        True,
        "Identifier of the person (generated people only), unique in the file, at most 200 "
        "characters.",
    ),
    Field(
        "group_id",
        "string",
        False,
        "Family unit: members share it and get one pathway, and were encountered on one day, "
        "in one sector, at one port. Absent: the person is alone.",
    ),
    Field("encounter_date", "date", True, "Day of the encounter (arrival), YYYY-MM-DD."),
    Field(
        "sector", "sector", True, "USBP southwest sector code: " + ", ".join(codes.SECTORS) + "."
    ),
    Field(
        "port",
        "port",
        False,
        "Port of entry code, for encounters at a port (see law.geo.port_sector). Absent: "
        "apprehended between ports in `sector`.",
    ),
    Field("citizenship", "country", True, "ISO 3166-1 alpha-2 code; XX for a stateless person."),
    Field(
        "habitual_residence",
        "country",
        False,
        "ISO 3166-1 alpha-2 country of habitual residence (read for stateless persons).",
    ),
    Field(
        "demographic",
        "demographic",
        True,
        "UAC (never in a family unit), FMUA (member of a family unit) or SA.",
    ),
    Field(
        "age",
        "int",
        False,
        "Age in years (0-120); a UAC is younger than law.records.uac_age_below, an SA at least "
        "law.records.adult_age_from.",
    ),
    Field("language", "language", False, "ISO 639-1 code of the person's language, e.g. es."),
    Field("claims_fear", "bool", False, "Claims fear of return or seeks asylum."),
    Field(
        "valid_travel_documents",
        "bool",
        False,
        "Holds valid travel documents (Title 42 exception).",
    ),
    Field("criminal_history", "bool", False, "Known criminal history or history of violence."),
    Field("known_health_issue", "bool", False, "Known physical or mental health issue."),
    Field("returning_lpr", "bool", False, "Lawful permanent resident seeking admission."),
    Field("advance_parole", "bool", False, "Holds advance parole or is in parole status."),
    Field(
        "cbp_one_appointment",
        "bool",
        False,
        "Presented at a port of entry at a time scheduled through CBP One (lawful-pathways and "
        "Proclamation 10773 exception, while appointments were offered).",
    ),
    Field(
        "compelling_circumstances_established",
        "bool",
        False,
        "Outcome of the screening for exceptionally compelling circumstances (medical emergency, "
        "imminent threat, trafficking; 8 CFR 208.33(a)(3), 208.35(a)(2)). Absent means not (yet) "
        "established.",
    ),
    Field(
        "aca_fear_established",
        "fear_map",
        False,
        'Outcome of ACA threshold screenings, by receiving country, e.g. {"GT": false}; in CSV '
        "and Parquet one column per country, aca_fear_established_<CC>. A country absent "
        "means not (yet) established: the person must establish it.",
    ),
    Field(
        "mexico_fear_established",
        "bool",
        False,
        "Outcome of the MPP non-refoulement interview. Absent means not (yet) established.",
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: In CSV and Parquet, `aca_fear_established` is one column per receiving country:
#: `aca_fear_established_<CC>` (e.g. aca_fear_established_GT); JSON gives it as an object.
FEAR_PREFIX = "aca_fear_established_"
#: Longest person_id or group_id accepted (an identifier, not a document).
MAX_ID_LENGTH = 200
FLAG_FIELDS = tuple(f.name for f in FIELDS if f.kind == "bool")


@dataclass
class Encounters:
    """Engine columns. Codes index the vocabularies in `codes` (ports: the tree's ports).

    Missing categorical values are -1; missing booleans are tri.U; missing age is -1.
    """

    group: np.ndarray  # int64, equal for members of one family unit
    arrival: np.ndarray  # int32 day number of the encounter
    sector: np.ndarray  # int8
    port: np.ndarray  # int16, -1 = none
    citizenship: np.ndarray  # int16
    habitual_residence: np.ndarray  # int16, -1 = unknown
    demographic: np.ndarray  # int8
    age: np.ndarray  # int16, -1 = unknown
    language: np.ndarray  # int16, -1 = unknown
    flags: dict[str, np.ndarray]  # tri int8 per FLAG_FIELDS name
    aca_fear: dict[str, np.ndarray] = field(default_factory=dict)  # tri per receiving country

    @property
    def n(self) -> int:
        return int(self.arrival.shape[0])

    def take(self, index: np.ndarray | slice) -> Encounters:
        """The rows at `index` (a slice gives views of a run of rows)."""
        return Encounters(
            group=self.group[index],
            arrival=self.arrival[index],
            sector=self.sector[index],
            port=self.port[index],
            citizenship=self.citizenship[index],
            habitual_residence=self.habitual_residence[index],
            demographic=self.demographic[index],
            age=self.age[index],
            language=self.language[index],
            flags={k: v[index] for k, v in self.flags.items()},
            aca_fear={k: v[index] for k, v in self.aca_fear.items()},
        )


def code_of(vocabulary: tuple[str, ...], value: str | None) -> int:
    """Position of `value` in `vocabulary`, or -1 for None. Raises KeyError if unknown."""
    if value is None:
        return -1
    return vocabulary.index(value)

"""The API's typed shapes. `Determination` is the versioned answer of `determine --json`
(schema `asylum-pathways/determination/v2`: v1's keys, plus `branches`, `last_reviewed` and
each parameter's `set_by`), the same content for the CLI and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from asylum_pathways.rules.explain import SCHEMA
from asylum_pathways.sim.runs.study import MAX_SEED

Scalar = str | int | float | bool | None


class Reference(BaseModel):
    title: str
    href: str


class ParameterUsed(BaseModel):
    name: str
    value: Any
    in_force_from: str | None
    note: str | None
    set_by: str | None = Field(
        None, description="The scenario that set this value (null: the parameter tree's own)."
    )


class Step(BaseModel):
    """One program's deciding rule (or the assignment), with what it read and why."""

    program: str
    rule: str
    outcome: bool | str | None
    because: str
    authority: str
    inputs: dict[str, Any]
    parameters: list[ParameterUsed]
    references: list[Reference]


class Branch(BaseModel):
    """What would change the answer: with the facts in `if` (one or two facts of the person
    `person_id`, a member of the family unit), the pathway would be `pathway`."""

    if_: dict[str, bool | str] = Field(
        alias="if",
        description="Facts set: a record field, `aca_fear_established.<CC>` or `language`.",
    )
    person_id: str
    pathway: str
    receiving_country: str | None
    conditions: list[str] = Field(description="Each fact set, in words.")
    sentence: str


class Determination(BaseModel):
    """The answer for one person: `schema` names its version."""

    model_config = ConfigDict(json_schema_extra={"title": SCHEMA})

    schema_: Literal["asylum-pathways/determination/v2"] = Field(alias="schema")
    person_id: str
    date: str
    encounter_date: str
    scenario: str
    pathway: str
    receiving_country: str | None
    amenable: dict[str, bool | None]
    missing_facts: list[str]
    family_size: int
    explanation: list[Step]
    branches: list[Branch] = Field(
        description="What would change the answer: one or two facts at a time "
        "(determination.branches)."
    )
    last_reviewed: str | None = Field(
        description="The earliest review date of the law parameters the answer read."
    )


class DeterminationRequest(BaseModel):
    """One encounter record (an object) or a list of them, as `determine` reads a .json file;
    `date` determines every record as of that day (default: each one's encounter_date);
    `scenario` is a built-in scenario's name or an inline overlay (a scenario file's content)."""

    model_config = ConfigDict(extra="forbid")

    records: dict[str, Any] | list[dict[str, Any]] = Field(
        description="An encounter record or a list of up to 10,000 (docs/encounter-schema.md)."
    )
    date: dt.date | None = None
    scenario: str | dict[str, Any] | None = Field(
        None, description="Built-in scenario name or inline overlay; default: history."
    )
    explain: bool = Field(
        True,
        description="false: one table row per record (the columns of `determine --out`) "
        "instead of the explained answer; for large batches.",
    )


class DeterminationRow(BaseModel):
    """One record's determination as a row of `determine --out FILE.csv`."""

    model_config = ConfigDict(extra="allow")

    person_id: str
    date: str
    scenario: str
    pathway: str
    receiving_country: str | None
    decided_by: str
    family_size: int


class ProblemOut(BaseModel):
    loc: list[str | int]
    msg: str
    value: Any = None


class ErrorBody(BaseModel):
    code: str
    message: str
    errors: list[ProblemOut]


class ErrorEnvelope(BaseModel):
    ok: Literal[False]
    error: ErrorBody


class ParameterSummary(BaseModel):
    name: str
    section: str
    label: str
    unit: str
    description: str
    values: int


class DatedValueOut(BaseModel):
    from_: str = Field(alias="from")
    value: Any
    note: str | None
    references: list[Reference]
    origin: str
    in_force_on_date: bool


class ParameterOut(BaseModel):
    name: str
    section: str
    label: str
    unit: str
    description: str
    note: str | None
    date: str | None
    value_on_date: Any
    references: list[Reference]
    history: list[DatedValueOut]


class ScenarioSummary(BaseModel):
    name: str
    description: str
    changed_parameters: list[str]


class ScenarioOut(ScenarioSummary):
    sha256: str
    source: str | None = Field(description="The scenario file (YAML), for a built-in one.")


class OverlayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overlay: dict[str, Any] | str = Field(
        description="A scenario file's content: a mapping, or its YAML text."
    )


class StudyRequest(BaseModel):
    """A study spec with the keys of `simulate`'s flags; absent keys are the built-in study's."""

    model_config = ConfigDict(extra="forbid")

    scenarios: list[str | dict[str, Any]] | None = Field(
        None, description="Built-in scenario names or inline overlays."
    )
    start: dt.date | None = None
    end: dt.date | None = None
    reps: int | None = Field(None, ge=1)
    # The seed's bounds are the study spec's (the same problem as on the command line); the
    # schema only documents them.
    seed: int | None = Field(
        None,
        description="Seed of the whole study: a whole number from 0 to 2^63-1.",
        json_schema_extra={"minimum": 0, "maximum": MAX_SEED},
    )
    parameters: str | None = Field(
        None,
        description="What each replication draws its fitted assumptions from: `posterior` "
        "(the shipped calibration posterior, the default) or `fixed` (every assumption at its "
        "tree value). A calibration folder is read only on the command line.",
    )


class Progress(BaseModel):
    done: int
    total: int


class StudyOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: Progress
    spec: dict[str, Any]
    created: str
    finished: str | None = None
    error: str | None = None
    links: dict[str, str]


class Health(BaseModel):
    ok: Literal[True]
    version: str
    parameters: int
    studies: dict[str, int]


class Validated(BaseModel):
    ok: Literal[True]
    name: str
    changed_parameters: list[str]

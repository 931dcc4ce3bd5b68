"""The study a results folder carries (study.json), as the report reads it: its title and
question, the roles its findings give the scenarios, its windows, its rows and notes, and
which parameters its replications drew."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asylum_pathways.errors import InputError, Problem


@dataclass(frozen=True)
class Window:
    """A headline figure summing a daily metric over days (the spec's window), with its days
    in each scenario (None: it never starts under that scenario's law)."""

    name: str
    metric: str
    description: str
    circuit: str | None
    days: Mapping[str, Mapping[str, str] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyView:
    spec: Mapping[str, Any]
    describes_run: bool
    windows: tuple[Window, ...] = ()
    drawn: Mapping[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.spec.get("title") or "")

    @property
    def question(self) -> str:
        return str(self.spec.get("question") or "")

    @property
    def roles(self) -> dict[str, str]:
        return dict(self.spec.get("roles") or {})

    @property
    def scenario_notes(self) -> dict[str, str]:
        return dict(self.spec.get("scenario_notes") or {})

    @property
    def headline_rows(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(m), str(lab)) for m, lab in self.spec.get("headline_rows") or ())

    def describes(self, summary: Mapping[str, Any]) -> bool:
        """Whether the spec's title, question and notes were written for this run: the study
        said so when it ran, and the run's horizon and scenarios are the spec's."""
        names = [s for s in self.spec.get("scenarios") or () if isinstance(s, str)]
        return self.describes_run and (
            summary["start"],
            summary["end"],
            list(summary["scenarios"]),
        ) == (self.spec.get("start"), self.spec.get("end"), names)

    @classmethod
    def read(cls, data: Any, where: Path | str = "study.json") -> StudyView:
        """The view of study.json's content; a malformed file is refused naming the field."""
        problems = []
        if not isinstance(data, Mapping):
            problems.append(Problem((), "expected a JSON object", type(data).__name__))
            data = {}
        spec = data.get("spec")
        if not isinstance(spec, Mapping):
            problems.append(Problem(("spec",), "expected the study spec as an object", spec))
            spec = {}
        for key, kind in (("roles", Mapping), ("scenario_notes", Mapping)):
            if spec.get(key) is not None and not isinstance(spec[key], kind):
                problems.append(Problem(("spec", key), "expected an object", spec[key]))
        rows = spec.get("headline_rows") or []
        if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 2 for r in rows):
            problems.append(
                Problem(("spec", "headline_rows"), "expected [metric, label] pairs", rows)
            )
        if problems:
            p = problems[0]
            raise InputError(
                f"{where}: {'.'.join(map(str, p.loc)) or 'file'}: {p.msg} (got {p.value!r})",
                problems,
            )
        days = data.get("windows") or {}
        windows = tuple(
            Window(
                str(w.get("name")),
                str(w.get("metric")),
                str(w.get("description") or ""),
                None if w.get("circuit") is None else str(w["circuit"]),
                dict(days.get(w.get("name")) or {}),
            )
            for w in spec.get("windows") or ()
            if isinstance(w, Mapping)
        )
        return cls(
            spec, bool(data.get("describes_run", True)), windows, data.get("parameters") or {}
        )

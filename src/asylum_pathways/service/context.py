"""What the app holds for its lifetime: the settings, the parameter tree, the built-in
scenarios and the study runner. Made by the app factory; no module-level state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import Scenario, builtin_names, load_overlay, load_scenario
from asylum_pathways.service.batcher import Batcher
from asylum_pathways.service.problems import ApiError, with_loc
from asylum_pathways.service.settings import Settings

if TYPE_CHECKING:
    from asylum_pathways.service.runner import StudyRunner


@dataclass
class Context:
    settings: Settings
    tree: ParameterTree
    builtins: dict[str, Scenario] = field(default_factory=dict)
    runner: StudyRunner | None = None
    batcher: Batcher = field(default_factory=Batcher)

    @classmethod
    def create(cls, settings: Settings, tree: ParameterTree) -> Context:
        return cls(settings, tree, {n: load_scenario(n, tree) for n in builtin_names()})

    def scenario(self, ref: str | dict[str, Any] | None, where: str = "scenario") -> Scenario:
        """A built-in scenario by name (default: history) or an inline overlay."""
        if ref is None:
            return self.builtins["history"]
        if isinstance(ref, str):
            if ref not in self.builtins:
                raise ApiError(
                    422,
                    "invalid_parameters",
                    f"{where}: {ref!r} is not a built-in scenario "
                    f"(expected one of {', '.join(self.builtins)}, or an inline overlay)",
                    [_problem(("body", where), "not a built-in scenario", ref)],
                )
            return self.builtins[ref]
        return self.overlay(ref, where)

    def overlay(self, ref: str | dict[str, Any], where: str) -> Scenario:
        """An inline overlay: a scenario file's content as a mapping or as YAML text."""
        from asylum_pathways.errors import UserError

        try:
            return load_overlay(ref, self.tree, where)
        except UserError as exc:
            raise with_loc(exc, "body", where) from None


def _problem(loc: tuple[str | int, ...], msg: str, value: Any) -> Any:
    from asylum_pathways.errors import Problem

    return Problem(loc, msg, value)

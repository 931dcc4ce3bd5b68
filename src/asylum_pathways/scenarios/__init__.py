"""Scenarios: YAML overlays on the parameter tree (law and assumptions in separate sections)."""

from asylum_pathways.scenarios.overlay import Scenario, builtin_names, load_overlay, load_scenario

__all__ = ["Scenario", "builtin_names", "load_overlay", "load_scenario"]

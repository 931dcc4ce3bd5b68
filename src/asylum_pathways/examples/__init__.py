"""Bundled example cases (generated people)."""

"""The service's settings: one value made at start-up and passed to the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def default_data_dir() -> Path:
    """The user data directory (e.g. ~/.local/share/asylum-pathways)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("asylum-pathways", appauthor=False))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    #: Largest request body accepted (bytes); 10,000 records fit in about 5 MB.
    max_body_bytes: int = 16 * 1024 * 1024
    #: Most records in one POST /api/v1/determinations.
    max_records: int = 10_000
    #: Studies run at the same time, and studies waiting (more answer 429).
    concurrent_studies: int = 1
    queued_studies: int = 4
    #: Worker processes shared by the running studies (0: one per CPU).
    study_workers: int = 0
    #: Most replications and days of a study submitted over HTTP.
    max_reps: int = 200
    max_days: int = 800
    #: The lab's study size (default: levers.yaml's): replications and last day.
    lab_reps: int | None = None
    lab_end: str | None = None
    #: Origins allowed by CORS; empty: no CORS headers at all.
    cors_origins: tuple[str, ...] = ()
    #: The case registry's database URL (`serve --db`); None: no registry routes.
    registry_db: str | None = None
    #: Its key file (default: $ASYLUM_PATHWAYS_KEYS or the user config directory) and the
    #: scenario its cases are determined under (default: history).
    registry_keys: Path | None = None
    registry_scenario: str | None = None
    #: Re-determine the open cases whose answer may differ when the service starts.
    redetermine_on_start: bool = True

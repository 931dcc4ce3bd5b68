"""The progress bar of long commands: on stderr, opt-out with --no-progress."""

from __future__ import annotations

from typing import Any


def progress_bar(label: str, console: Any, enabled: bool) -> Any:
    """A rich Progress bar: `label`, a bar, done/total and the time elapsed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )

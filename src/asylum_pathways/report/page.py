"""The page: the report template's environment, its rendering, and data: URLs for downloads."""

from __future__ import annotations

import base64
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from asylum_pathways import cache
from asylum_pathways.report.bundle import vega_bundle


def data_url(frame: pl.DataFrame, path: Path) -> str:
    """Writes the CSV next to the report and returns it as a data: URL for the one-file report."""
    text = frame.write_csv()
    path.write_text(text, encoding="utf-8")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()


def environment() -> jinja2.Environment:
    """The report template's environment; its compiled code is kept in the on-disk cache
    (Jinja checks the template's checksum), which saves compiling it on every run. Only a
    private folder of this user's is used: its files are loaded as code."""
    where = cache.folder()
    bytecode = None
    if where is not None:
        folder = where / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if folder.stat().st_uid == os.getuid() and os.access(folder, os.W_OK):
                bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:  # a cache folder that cannot be written costs speed, never a result
            bytecode = None
    folder = Path(str(resources.files("asylum_pathways") / "report"))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, bytecode_cache=bytecode
    )


def render(specs: dict[str, Any], **context: Any) -> str:
    """report.html: the template with `context`, the charts' specs and the Vega bundle."""
    template = environment().get_template("template.html.j2")
    return template.render(
        **context,
        specs_json=jinja2.utils.markupsafe.Markup(json.dumps(specs).replace("</", "<\\/")),
        vega_bundle=jinja2.utils.markupsafe.Markup(vega_bundle()),
    )

"""The Vega, Vega-Lite and vega-embed JavaScript bundle that makes report.html work offline.

vl-convert builds it (about 2 s, and the same every time), so it is built once per installed
vl-convert version and Vega-Lite version and kept in the cache (`asylum_pathways.cache`);
a missing or corrupt entry is rebuilt.
"""

from __future__ import annotations

from importlib.metadata import version

import altair as alt
import vl_convert as vlc

from asylum_pathways import cache


def vega_lite_version() -> str:
    """The Vega-Lite major.minor that Altair writes, if vl-convert has it, else its newest."""
    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    available = vlc.get_vegalite_versions()
    return wanted if wanted in available else available[-1]


def vega_bundle() -> str:
    """The minified JavaScript bundle (Vega, Vega-Lite, vega-embed) for the report page."""
    chosen = vega_lite_version()
    digest = cache.key(["vega-bundle", version("vl-convert-python"), chosen])
    return cache.cached(
        "vega-bundle",
        digest,
        lambda: str(vlc.javascript_bundle(vl_version=chosen)),  # type: ignore[call-arg]
        lambda text: text.encode("utf-8"),
        lambda payload: payload.decode("utf-8"),
    )

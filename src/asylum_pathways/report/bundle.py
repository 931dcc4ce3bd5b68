"""The Vega, Vega-Lite and vega-embed JavaScript bundle that makes report.html work offline.

vl-convert builds it (about 2 s, and the same every time), so it is built once per installed
vl-convert and Altair (the Vega-Lite version Altair writes) and kept in the cache
(`asylum_pathways.cache`); a missing or corrupt entry is rebuilt. The key names the installed
packages by their distribution folders, found without importing either (Altair alone takes
half a second to import).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from asylum_pathways import cache


def vega_lite_version() -> str:
    """The Vega-Lite major.minor that Altair writes, if vl-convert has it, else its newest."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    available = vlc.get_vegalite_versions()
    return wanted if wanted in available else available[-1]


def _installed(module: str, distribution: str) -> str:
    """`distribution-version.dist-info` of the installed `module` (or its path if unknown)."""
    spec = find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} is not installed")
    site = Path(spec.origin).parent.parent
    found = sorted(p.name for p in site.glob(f"{distribution}-*.dist-info"))
    return found[-1] if len(found) == 1 else spec.origin


def vega_bundle() -> str:
    """The minified JavaScript bundle (Vega, Vega-Lite, vega-embed) for the report page."""
    digest = cache.key(
        [
            "vega-bundle",
            _installed("vl_convert", "vl_convert_python"),
            _installed("altair", "altair"),
        ]
    )

    def build() -> str:
        import vl_convert as vlc

        return str(vlc.javascript_bundle(vl_version=vega_lite_version()))  # type: ignore[call-arg]

    return cache.cached(
        "vega-bundle",
        digest,
        build,
        lambda text: text.encode("utf-8"),
        lambda payload: payload.decode("utf-8"),
    )

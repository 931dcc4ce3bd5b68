"""asylum-pathways: the US southern-border asylum pathways of 2019-2020 as software."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asylum-pathways")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

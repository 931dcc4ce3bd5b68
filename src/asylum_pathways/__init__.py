"""asylum-pathways: the US southern-border asylum pathways of 2019-2020 as software."""

#: The release; pyproject.toml reads it from here (`[tool.hatch.version]`). A literal, not
#: importlib.metadata, which costs 0.06 s of every command's start.
__version__ = "0.1.0"

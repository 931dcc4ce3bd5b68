"""Finding parameters: by words (name, label or description) and by a unique name prefix."""

from __future__ import annotations

from asylum_pathways.errors import Problem, UsageError
from asylum_pathways.params.model import Parameter
from asylum_pathways.params.tree import ParameterTree

#: Most candidates an ambiguous prefix names in its message.
SHOWN = 12


def matches(param: Parameter, query: str | None) -> bool:
    """Does every word of `query` occur in the parameter's name, label or description
    (ignoring case)? An empty query matches everything."""
    text = f"{param.name} {param.label} {param.description}".lower()
    return all(word in text for word in (query or "").lower().split())


def resolve(tree: ParameterTree, name: str, where: str = "name") -> Parameter:
    """The parameter named `name`, or the only one whose name starts with it. An ambiguous
    prefix is refused (exit 2) naming the candidates; an unknown name as `tree.get` refuses it."""
    if name in tree:
        return tree.get(name)
    candidates = [n for n in tree.params if n.startswith(name)] if name else []
    if len(candidates) == 1:
        return tree.get(candidates[0])
    if not candidates:
        return tree.get(name)
    more = f" and {len(candidates) - SHOWN} more" if len(candidates) > SHOWN else ""
    msg = (
        f"{name!r} is the start of {len(candidates)} parameter names "
        f"({', '.join(candidates[:SHOWN])}{more}); give more of the name"
    )
    raise UsageError(f"{where}: {msg}", [Problem((where,), msg, candidates)])

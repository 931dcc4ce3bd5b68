"""The law as data: dated, cited parameters, and the tree that holds them."""

from asylum_pathways.params.loader import load_tree
from asylum_pathways.params.model import ALL, DatedValue, Parameter, Reference
from asylum_pathways.params.tree import ParameterTree

__all__ = [
    "ALL",
    "DatedValue",
    "Parameter",
    "ParameterTree",
    "Reference",
    "load_tree",
]

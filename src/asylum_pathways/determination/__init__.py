"""Determine: the one entry point for "which pathway, and why" that every face calls.

The CLI's `determine`, the API's `POST /api/v1/determinations`, the screener, the API's
batcher and the case registry all call `determine_records`; each keeps only its own
presentation (flags and printing, HTTP limits, forms).
"""

from asylum_pathways.determination.entry import Determined, determine_records

__all__ = ["Determined", "determine_records"]

"""The structure of a CSV file, checked before Polars reads it: one vectorized pass over the
bytes finds every record (a newline inside a quoted field does not end one), the file line
each record starts on, ragged records, an unterminated quote and a bad header.

Polars reads a row with too few fields as nulls and names no line for most structural
errors; this pass makes every later message name the right file line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from asylum_pathways.errors import InputError, Problem, shown
from asylum_pathways.io.findings import MAX_SHOWN

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvLayout:
    data: bytes  # the file without a byte-order mark
    header: list[str]
    lines: np.ndarray  # file line on which each data record starts (1-based)
    blank: np.ndarray  # data records that are blank lines (skipped)


def layout(data: bytes, source: str) -> CsvLayout:
    """Check the structure of CSV bytes; raise an InputError naming every bad line."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        raise InputError(f"{source}: empty file (expected a header line of field names)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        msg = f"not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})"
        problem = Problem((source, f"line {line}"), msg)
        raise InputError(f"{source} line {line}: {msg}", [problem]) from None
    b = np.frombuffer(data, dtype=np.uint8)
    quote = b == ord('"')
    # inside a quoted field after this byte: quote parity ("" escapes toggle twice)
    inside = (np.cumsum(quote, dtype=np.uint8) & 1).astype(bool)
    newline = b == ord("\n")
    all_newlines = np.flatnonzero(newline)

    def line_at(pos: np.ndarray) -> np.ndarray:
        return np.searchsorted(all_newlines, pos, side="left") + 1

    if inside[-1]:
        opened = int(np.flatnonzero(quote)[-1])
        line = int(line_at(np.array([opened]))[0])
        msg = 'a quoted field opens here and is never closed (expected a closing ")'
        problem = Problem((source, f"line {line}"), msg)
        raise InputError(f"{source} line {line}: {msg}", [problem]) from None
    ends = np.flatnonzero(newline & ~inside)
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [b.shape[0]]])
    if starts[-1] >= b.shape[0]:  # the file ends with a newline
        starts, stops = starts[:-1], stops[:-1]
    length = stops - starts
    blank = (length == 0) | ((length == 1) & (b[np.minimum(starts, b.shape[0] - 1)] == 13))
    commas = np.flatnonzero((b == ord(",")) & ~inside)
    fields = np.bincount(np.searchsorted(ends, commas), minlength=starts.shape[0]) + 1
    lines = line_at(starts)

    header_text = data[int(starts[0]) : int(stops[0])].decode("utf-8", errors="replace")
    header = next(csv.reader([header_text.rstrip("\r")]), [])
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if not name.strip():
            problems.append(Problem((source, "line 1"), "a blank column name in the header"))
        elif name in seen:
            problems.append(
                Problem((source, "line 1", name), f"column {shown(name)} appears twice", name)
            )
        seen.add(name)
    width = int(fields[0])
    ragged = np.flatnonzero((fields != width) & ~blank)[:MAX_SHOWN]
    for k in ragged:
        problems.append(
            Problem(
                (source, f"line {int(lines[k])}"),
                f"{int(fields[k])} fields, expected {width} as in the header (line 1)",
            )
        )
    if problems:
        text = "\n  ".join(": ".join([" ".join(map(str, p.loc[:2])), p.msg]) for p in problems)
        raise InputError(f"invalid CSV structure:\n  {text}", problems)
    return CsvLayout(data, header, lines[1:], blank[1:])

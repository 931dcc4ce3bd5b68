"""The access log never holds a calendar feed's secret: the server's access log (uvicorn's
`uvicorn.access`) writes each request's path, and a calendar application can authenticate only
by a secret in its address (`/api/v1/calendar/{token}.ics`), so the token in such a path is
replaced by `[redacted]` before a line is written.

>>> redact("/api/v1/calendar/cal_abc-DEF_123.ics?x=1")
'/api/v1/calendar/[redacted].ics?x=1'
>>> redact("/api/v1/calendar.ics")
'/api/v1/calendar.ics'
"""

from __future__ import annotations

import logging
import re

#: The logger the server writes one line a request to.
ACCESS_LOGGER = "uvicorn.access"
#: A secret path segment: whatever comes between /calendar/ and .ics (not only well-formed tokens).
FEED_PATH = re.compile(r"(/calendar/)[^/?#\s\"]*(\.ics)")
MARK = "[redacted]"


def redact(text: str) -> str:
    return FEED_PATH.sub(rf"\g<1>{MARK}\g<2>", text)


class RedactFeedTokens(logging.Filter):
    """Rewrites a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def install(name: str = ACCESS_LOGGER) -> None:
    """Put the filter on the access logger once (a logger's filters survive the server's own
    logging configuration, which replaces handlers only)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactFeedTokens) for f in logger.filters):
        logger.addFilter(RedactFeedTokens())

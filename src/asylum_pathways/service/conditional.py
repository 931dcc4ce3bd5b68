"""Conditional GET (RFC 9110 8.8.3 ETag, 13.1.2 If-None-Match): a strong entity tag from a
body's bytes, and whether a request's If-None-Match names it, so a client that holds the body
gets `304 Not Modified` and no body.

>>> tag = etag(b"BEGIN:VCALENDAR")
>>> tag.startswith('"') and tag.endswith('"') and len(tag) == 34
True
>>> none_match(f'"other", W/{tag}', tag), none_match("*", tag), none_match('"other"', tag)
(True, True, False)
>>> none_match(None, tag)
False
"""

from __future__ import annotations

import hashlib


def etag(body: bytes) -> str:
    """A strong entity tag: the first 128 bits of the body's SHA-256, quoted."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def none_match(header: str | None, tag: str) -> bool:
    """Whether If-None-Match `header` matches `tag`: `*`, or one of its listed tags by the weak
    comparison (a `W/` prefix ignored on either side), as RFC 9110 13.1.2 asks."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    mine = tag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == mine for part in header.split(","))

"""Days as integers: the time axis of every columnar table (days since 1970-01-01).

>>> day_number(dt.date(2020, 3, 12))
18333
>>> from_day_number(18333)
datetime.date(2020, 3, 12)
"""

from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def from_day_number(n: int) -> dt.date:
    """The day `n` days after 1970-01-01."""
    return EPOCH + dt.timedelta(days=int(n))

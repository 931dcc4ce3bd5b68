"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1 as authenticator apps
expect), one step of clock drift either way, and a code used once is refused again (NIST SP
800-63B rev. 4, 3.1.4.1: replay)."""

from __future__ import annotations

import time

import pyotp

STEP = 30
DRIFT = 1
ISSUER = "asylum-pathways registry"


def new_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def code(secret: str, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(at if at is not None else time.time())


def matching_step(
    secret: str, given: str, last_step: int | None, at: float | None = None
) -> int | None:
    """The time step `given` is valid for (within the drift), if it is later than the last step
    used; None otherwise."""
    now = at if at is not None else time.time()
    given = given.strip().replace(" ", "")
    if not given.isdigit() or len(given) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if (last_step is None or step > last_step) and totp.at(step * STEP) == given:
            return step
    return None

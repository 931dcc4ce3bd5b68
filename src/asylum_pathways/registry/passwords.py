"""Passwords as NIST SP 800-63B rev. 4 (section 3.1.1.2) asks, hashed with argon2id.

- At least 15 characters when the password is the only factor, at least 8 with a second factor;
  at least 64 accepted (we accept up to 256); every printable character and space, counted as
  Unicode code points after NFKC normalisation.
- No composition rules (no "one digit, one symbol"), no forced rotation.
- Refused when on the blocklist of common and breached passwords (`data/README.md`) or made of a
  context word (the product's name, the user's e-mail name, the organisation's name).
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from asylum_pathways.errors import Problem, UserError

SINGLE_FACTOR_MIN = 15
MULTI_FACTOR_MIN = 8
MAX_LENGTH = 256
CONTEXT_WORDS = ("asylum-pathways", "asylumpathways", "asylum pathways", "registry")


class PasswordRejected(UserError):
    code = "weak_password"


@cache
def blocklist() -> frozenset[str]:
    data = (
        resources.files("asylum_pathways.registry") / "data" / "common-passwords.txt.gz"
    ).read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check(password: str, *, second_factor: bool, context: tuple[str, ...] = ()) -> None:
    """Raise `PasswordRejected` saying why (never echoing the password)."""
    pw = normalise(password)
    least = MULTI_FACTOR_MIN if second_factor else SINGLE_FACTOR_MIN
    why = None
    if len(pw) < least:
        factor = "with a second factor" if second_factor else "when it is the only factor"
        why = f"at least {least} characters {factor} (NIST SP 800-63B rev. 4)"
    elif len(pw) > MAX_LENGTH:
        why = f"at most {MAX_LENGTH} characters"
    elif any(unicodedata.category(c) == "Cc" for c in pw):
        why = "no control characters"
    elif pw.lower() in blocklist() or pw.lower().strip() in blocklist():
        why = "not a commonly used or breached password (it is on the blocklist)"
    elif _derived_from_context(pw.lower(), context):
        why = "not made of the product's, your or your organisation's name"
    if why:
        raise PasswordRejected(f"password: expected {why}", [Problem(("password",), why)])


def _derived_from_context(lowered: str, context: tuple[str, ...]) -> bool:
    """The password is a context word with a few characters around it (or a listed one)."""
    rest = lowered
    for word in (*CONTEXT_WORDS, *context):
        word = word.lower()
        if len(word) >= 4 and word in rest:
            rest = rest.replace(word, "")
    if rest == lowered:
        return False
    core = "".join(c for c in rest if c.isalnum())
    return len(core) < 6 or core in blocklist()


#: argon2id cost: time (passes), memory (KiB), parallelism; the library's defaults, RFC 9106's
#: second recommended option. Tests pass a cheaper cost through `core.Policy`.
COST = (3, 65536, 4)


def hasher(cost: tuple[int, int, int] = COST) -> PasswordHasher:
    time_cost, memory, lanes = cost
    return PasswordHasher(time_cost=time_cost, memory_cost=memory, parallelism=lanes)


def hash_password(password: str, cost: tuple[int, int, int] = COST) -> str:
    return hasher(cost).hash(normalise(password))


def verify(stored: str, password: str, cost: tuple[int, int, int] = COST) -> bool:
    try:
        return hasher(cost).verify(stored, normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, cost: tuple[int, int, int] = COST) -> bool:
    return hasher(cost).check_needs_rehash(stored)

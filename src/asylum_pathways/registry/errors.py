"""The registry's refusals: user errors with the HTTP status the API answers them with.

Messages name the field and what was expected, never a personal value (a name, an A-number, a
date of birth, an address): `Problem.value` is left empty for those."""

from __future__ import annotations

from asylum_pathways.errors import Problem, UserError


class RegistryError(UserError):
    status = 422

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, problems or [Problem((), message)])


class Unauthenticated(RegistryError):
    status = 401
    code = "unauthenticated"


class Forbidden(RegistryError):
    status = 403
    code = "forbidden"


class NotFound(RegistryError):
    status = 404
    code = "not_found"


class Conflict(RegistryError):
    status = 409
    code = "conflict"


class Throttled(RegistryError):
    status = 429
    code = "throttled"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Invalid(RegistryError):
    status = 422
    code = "invalid_input"


def invalid(loc: tuple[str | int, ...], msg: str, value: object = None) -> Invalid:
    where = ".".join(str(x) for x in loc)
    return Invalid(f"{where}: {msg}", [Problem(loc, msg, value)])

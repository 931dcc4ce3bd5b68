"""Every 4xx body is the one error envelope of `asylum_pathways.errors`, naming the field."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from asylum_pathways.errors import Problem, UserError, envelope


class ApiError(UserError):
    """A user error with an HTTP status (404, 409, 413, 429, ...)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, problems)
        self.status = status
        self.code = code
        self.headers = headers or {}


def with_loc(exc: UserError, *prefix: str | int) -> UserError:
    """`exc` with each problem's location under `prefix` (e.g. body, records). A message of
    several lines ("N problem(s):" then one a line) without `problems` gives one problem a line."""
    if exc.problems:
        exc.problems = [Problem((*prefix, *p.loc), p.msg, p.value) for p in exc.problems]
        return exc
    lines = [line.strip() for line in str(exc).splitlines()[1:] if line.strip()]
    exc.problems = [Problem(prefix, line) for line in lines] or [Problem(prefix, str(exc))]
    return exc


def _response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _response(exc.status, envelope(exc), exc.headers)

    @app.exception_handler(UserError)
    async def user_error(_: Request, exc: UserError) -> JSONResponse:
        return _response(422, envelope(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                tuple(e.get("loc", ())),
                str(e.get("msg", "invalid")),
                e.get("input") if e.get("type") != "missing" else None,
            )
            for e in exc.errors()
        ]
        first = problems[0] if problems else Problem((), "invalid request")
        where = ".".join(str(x) for x in first.loc) or "request"
        err = UserError(f"{where}: {first.msg}", problems)
        err.code = "invalid_request"
        return _response(422, envelope(err))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        # A bug, never the user's input: log its kind only (a body may hold personal facts).
        logging.getLogger("asylum_pathways.service").error("internal error: %s", type(exc).__name__)
        err = UserError("internal error; the server logged its kind", [Problem((), "internal")])
        err.code = "internal_error"
        return _response(500, envelope(err))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        err = UserError(str(exc.detail), [Problem(("request",), str(exc.detail))])
        err.code = codes.get(exc.status_code, "http_error")
        return _response(exc.status_code, envelope(err), dict(exc.headers or {}))

"""Errors: under /api, every 4xx and 5xx body is the one error envelope of
`asylum_pathways.errors`, naming the field; a page (any other address) answers an HTML page
in the site's layout that says what happened and where to go."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
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
    return JSONResponse(_finite(body), status_code=status, headers=headers)


def _finite(x: Any) -> Any:
    """`x` with every NaN or infinity (a value sent back in a problem: Python's JSON reader
    takes them, strict JSON has none) as its text, so the envelope can always be written."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


#: What a page says for each status (the API's envelope says it for scripts).
PAGE_WORDS = {
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This page does not take that kind of request."),
    413: ("Too large", "What was sent is larger than this server accepts."),
    422: ("Not understood", "What was sent could not be read."),
    500: (
        "Something went wrong",
        "Something went wrong on our side. The server logged the kind of error, and nothing "
        "you entered.",
    ),
}


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


def page(request: Request, status: int, detail: str = "") -> HTMLResponse:
    """An error page in the site's layout."""
    title, message = PAGE_WORDS.get(status, ("Error", "The request could not be answered."))
    html = request.app.state.templates.get_template("error.html.j2").render(
        path=request.url.path,
        title=title,
        message=message,
        detail=detail,
        status=status,
    )
    return HTMLResponse(html, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse | HTMLResponse:
        if not is_api(request):
            return page(request, exc.status, str(exc))
        return _response(exc.status, envelope(exc), exc.headers)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> JSONResponse | HTMLResponse:
        if not is_api(request):
            return page(request, 422, str(exc))
        return _response(422, envelope(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(
        request: Request, exc: RequestValidationError
    ) -> JSONResponse | HTMLResponse:
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
        if not is_api(request):
            return page(request, 422, f"{where}: {first.msg}")
        return _response(422, envelope(err))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse | HTMLResponse:
        # A bug, never the user's input: log its kind only (a body may hold personal facts).
        logging.getLogger("asylum_pathways.service").error("internal error: %s", type(exc).__name__)
        if not is_api(request):
            return page(request, 500)
        err = UserError("internal error; the server logged its kind", [Problem((), "internal")])
        err.code = "internal_error"
        return _response(500, envelope(err))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(
        request: Request, exc: StarletteHTTPException
    ) -> JSONResponse | HTMLResponse:
        if not is_api(request):
            response = page(request, exc.status_code)
            response.headers.update(dict(exc.headers or {}))
            return response
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        err = UserError(str(exc.detail), [Problem(("request",), str(exc.detail))])
        err.code = codes.get(exc.status_code, "http_error")
        return _response(exc.status_code, envelope(err), dict(exc.headers or {}))

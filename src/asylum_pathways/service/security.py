"""Security headers on every response, and a limit on request bodies (413 in the envelope)."""

from __future__ import annotations

import json
from typing import Any

from asylum_pathways.errors import Problem, UserError, envelope

#: Pages load only their own scripts, styles and images; nothing is framed or sniffed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "object-src 'none'"
)
#: The study report is one self-contained file with inline scripts and styles (Vega).
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; frame-ancestors 'self'; base-uri 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityMiddleware:
    """Pure ASGI (no buffering of bodies): adds headers; refuses bodies over `max_body`."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._too_large(send)
            return
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # No length given (chunked): read the body up to the limit, then replay it.
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > self.max_body:
                    await self._too_large(send)
                    return
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            replayed = False

            async def replay() -> dict[str, Any]:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            receive = replay

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in HEADERS.items():
                    if k.encode() not in names:
                        headers.append((k.encode(), v.encode()))
                if b"content-security-policy" not in names:
                    csp = REPORT_CSP if path.endswith("/report.html") else PAGE_CSP
                    headers.append((b"content-security-policy", csp.encode()))
                if path.startswith("/api/") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _too_large(self, send: Any) -> None:
        err = UserError(
            f"the request body is larger than {self.max_body:,} bytes, the limit",
            [Problem(("body",), f"at most {self.max_body} bytes")],
        )
        err.code = "too_large"
        body = json.dumps(envelope(err)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

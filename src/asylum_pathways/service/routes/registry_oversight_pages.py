"""The registry's pages beyond one case: the hearings ahead (calendar), the changes found when
the law changed, the audit log (auditors) and the organisation's users (admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from asylum_pathways.errors import UserError
from asylum_pathways.registry import accounts, audit_view, changes, upcoming
from asylum_pathways.registry.roles import Principal, Role
from asylum_pathways.service import case_page, page_session
from asylum_pathways.service.routes.registry_pages import (
    answerable,
    catalogue,
    problems_of,
    read_page,
    render,
    see_other,
    write_page,
)

router = APIRouter(include_in_schema=False)


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request) -> Response:
    def build(who: Principal, lang: str) -> Response:
        reg = page_session.registry(request)
        t = catalogue(request).translator(lang)
        rows = [
            {
                **h,
                "when": str(h["starts_at"]).replace("T", " "),
                "type_label": t(f"hearing.type.{h['type']}"),
                "medium_label": t(f"hearing.medium.{h['medium']}"),
            }
            for h in upcoming.hearings(reg, who, reg.today())
        ]
        feed = any(getattr(r, "path", "") == "/api/v1/calendar.ics" for r in request.app.routes)
        return render(
            request, "calendar.html.j2", lang, who, title=t("calendar.title"), rows=rows, feed=feed
        )

    return read_page(request, build)


@router.get("/changes", response_class=HTMLResponse)
def changes_page(request: Request) -> Response:
    def build(who: Principal, lang: str) -> Response:
        t = catalogue(request).translator(lang)
        found = changes.listing(page_session.registry(request), who)
        rows = [
            {
                **c,
                "before": case_page.pathway_title(
                    t, c["from"]["pathway"], c["from"]["receiving_country"]
                ),
                "after": case_page.pathway_title(
                    t, c["to"]["pathway"], c["to"]["receiving_country"]
                ),
            }
            for c in found["changes"]
        ]
        return render(
            request,
            "changes.html.j2",
            lang,
            who,
            title=t("changes.title"),
            summary=found["summary"],
            rows=rows,
            runs=found["runs"],
        )

    return read_page(request, build)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> Response:
    after_text = request.query_params.get("after", "0")
    after = int(after_text) if after_text.isdigit() and len(after_text) < 19 else 0

    def build(who: Principal, lang: str) -> Response:
        t = catalogue(request).translator(lang)
        found = audit_view.rows(page_session.registry(request), who, after, 200)
        last = found["rows"][-1]["id"] if len(found["rows"]) == 200 else None
        return render(
            request,
            "audit.html.j2",
            lang,
            who,
            title=t("audit.title"),
            found=found,
            next_after=last,
        )

    return read_page(request, build)


def _users_page(
    request: Request,
    who: Principal,
    lang: str,
    status: int = 200,
    made: Any = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    t = catalogue(request).translator(lang)
    return render(
        request,
        "users.html.j2",
        lang,
        who,
        status=status,
        title=t("users.title"),
        users=accounts.users(page_session.registry(request), who),
        roles=[r.value for r in Role],
        made=made,
        problems=problems or [],
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    return read_page(request, lambda who, lang: _users_page(request, who, lang))


@router.post("/users", response_class=HTMLResponse)
async def add_user(request: Request) -> Response:
    """An admin adds a user; the page shows the new user's TOTP secret once (never stored)."""

    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        reg = page_session.registry(request)
        try:
            made = accounts.add_user(
                reg, who, form.get("email"), form.get("role", ""), form.get("password", "")
            )
        except UserError as exc:
            if not answerable(exc):
                raise
            return _users_page(request, who, lang, 422, problems=problems_of(exc))
        return _users_page(request, who, lang, 201, made=made)

    return await write_page(request, act)


@router.post("/users/{user_id}", response_class=HTMLResponse)
async def change_user(request: Request, user_id: str) -> Response:
    """Change a role, disable or enable, end the sessions of, or reset a user."""

    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        action = form.get("action", "")
        actions: dict[str, dict[str, Any]] = {
            "role": {"role": form.get("role", "")},
            "disable": {"disabled": True},
            "enable": {"disabled": False},
            "end_sessions": {"revoke_sessions": True},
            "reset": {"reset_failures": True},
        }
        body = actions.get(action, {})
        try:
            accounts.change_user(page_session.registry(request), who, user_id, body)
        except UserError as exc:
            if not answerable(exc):
                raise
            return _users_page(request, who, lang, 422, problems=problems_of(exc))
        return see_other("/users")

    return await write_page(request, act)

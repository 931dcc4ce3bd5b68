"""The case registry's pages: sign in and out, the language, cases (list, search by A-number in
the form body), a case, a new case (one person or a family) and a new hearing.

Every page is a thin shell around the registry's own functions (`accounts`, `cases`,
`case_hearings`, ...): the same roles, the same validation, the same audit rows as the API.
Every answer is `Cache-Control: no-store`; a refusal is a page that names the field, never a
personal value; another organisation's case is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from asylum_pathways.errors import UserError
from asylum_pathways.params.loader import PORT_MAP
from asylum_pathways.registry import (
    accounts,
    case_determinations,
    case_hearings,
    cases,
    hearings,
)
from asylum_pathways.registry.errors import (
    Forbidden,
    Invalid,
    NotFound,
    RegistryError,
    Throttled,
    Unauthenticated,
)
from asylum_pathways.registry.roles import Permission, Principal, Role
from asylum_pathways.service import case_form, case_page, messages, page_session

router = APIRouter(include_in_schema=False)
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
#: Where each role lands after signing in.
HOME = {
    Role.CASEWORKER: "/cases",
    Role.ADMIN: "/users",
    Role.AUDITOR: "/audit",
    Role.ANALYST: "/account",
}


def language(request: Request) -> str:
    return messages.choose(
        request.query_params.get("lang"),
        page_session.chosen_language(request),
        request.headers.get("accept-language"),
    )


def catalogue(request: Request) -> messages.Catalogue:
    found: messages.Catalogue = request.app.state.messages
    return found


def render(
    request: Request,
    name: str,
    lang: str,
    who: Principal | None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    env = request.app.state.templates
    t = catalogue(request).translator(lang)
    html = env.get_template(name).render(
        path=request.url.path,
        lang=lang,
        t=t,
        who=who,
        nav=navigation(who, t) if who else [],
        csrf=page_session.csrf(request) if who else "",
        may=(lambda p: who.may(Permission(p))) if who else (lambda p: False),
        **values,
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def navigation(who: Principal, t: Callable[..., str]) -> list[tuple[str, str]]:
    items = []
    if who.may(Permission.CASES_READ):
        items += [
            ("/cases", t("nav.cases")),
            ("/calendar", t("nav.calendar")),
            ("/changes", t("nav.changes")),
        ]
    if who.may(Permission.AUDIT_READ):
        items.append(("/audit", t("nav.audit")))
    if who.may(Permission.USERS_MANAGE):
        items.append(("/users", t("nav.users")))
    items.append(("/account", t("nav.account")))
    return items


def refusal(request: Request, lang: str, exc: UserError, who: Principal | None = None) -> Response:
    """A refused request as a page: sign in again, forbidden, not found, or what was wrong."""
    if isinstance(exc, Unauthenticated):
        out = RedirectResponse("/login", status_code=303, headers=NO_STORE)
        page_session.end(out)
        return out
    t = catalogue(request).translator(lang)
    if isinstance(exc, Forbidden):
        status, title, message = 403, t("error.forbidden_title"), t("error.forbidden")
    elif isinstance(exc, NotFound):
        status, title, message = 404, t("error.not_found_title"), t("error.not_found")
    else:
        status, title, message = 422, t("error.invalid_title"), t("error.invalid")
    return render(
        request,
        "registry_error.html.j2",
        lang,
        who,
        status=status,
        title=title,
        message=message,
        problems=problems_of(exc) if status == 422 else [],
    )


def answerable(exc: UserError) -> bool:
    """A refusal the form answers itself (a bad field, a conflict), not one of who may do what."""
    return not isinstance(exc, Forbidden | NotFound | Unauthenticated)


def problems_of(exc: UserError) -> list[dict[str, str]]:
    """Where and what, never the value found (the registry's messages name fields only)."""
    out = []
    for p in exc.problems or []:
        where = ".".join(str(x) for x in p.loc if x not in ("body",))
        out.append({"where": where, "msg": p.msg})
    return out


async def form_of(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def read_page(request: Request, build: Callable[[Principal, str], Response]) -> Response:
    """A page that reads: the signed-in user, then `build`; a refusal is a page."""
    lang = language(request)
    who = None
    try:
        who = page_session.viewer(request)
        return build(who, lang)
    except RegistryError as exc:
        return refusal(request, lang, exc, who)


async def write_page(
    request: Request, act: Callable[[Principal, dict[str, str], str], Response]
) -> Response:
    """A form that changes state: the signed-in user and the session's CSRF token, then `act`
    (in a worker thread: it reaches the database)."""
    lang = language(request)
    form = await form_of(request)

    def run() -> Response:
        who = None
        try:
            who = page_session.writer(request, form)
            return act(who, form, lang)
        except RegistryError as exc:
            return refusal(request, lang, exc, who)

    return await run_in_threadpool(run)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


# -- signing in and out ----------------------------------------------------------------------------
def _login_page(
    request: Request, lang: str, problem: str = "", email: str = "", status: int = 200
) -> Response:
    """The sign-in form, with the login token its post must carry (kept in a cookie if new)."""
    token, new = page_session.login_token(request)
    out = render(
        request,
        "login.html.j2",
        lang,
        None,
        status=status,
        title=catalogue(request).text(lang, "login.title"),
        login_token=token,
        problem=problem,
        email=email,
    )
    if new:
        page_session.keep_login_token(out, token)
    return out


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _login_page(request, language(request))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    lang = language(request)
    form = await form_of(request)
    reg = page_session.registry(request)
    t = catalogue(request).translator(lang)

    def run() -> Response:
        try:
            page_session.check_login_token(request, form)
            signed = accounts.login(reg, form.get("email"), form.get("password"), form.get("totp"))
        except Throttled as exc:
            return again(t("login.throttled", seconds=exc.retry_after), 429)
        except Forbidden:
            return again(t("login.reload"), 403)
        except Unauthenticated:
            return again(t("login.failed"), 401)
        out = see_other(HOME[signed.principal.role])
        page_session.start(out, signed, reg.policy.session_absolute)
        return out

    def again(problem: str, status: int) -> Response:
        return _login_page(request, lang, problem, form.get("email", "")[:300], status)

    return await run_in_threadpool(run)


@router.post("/logout")
async def logout(request: Request) -> Response:
    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        accounts.logout(page_session.registry(request), who)
        out = see_other("/login")
        page_session.end(out)
        return out

    return await write_page(request, act)


@router.post("/language")
async def choose_language(request: Request) -> Response:
    """Keep the user's choice of language for the browser session, then go back."""

    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        chosen = form.get("lang", "")
        if chosen not in messages.LANGUAGES:
            raise Invalid("lang: expected en or es")
        back = form.get("back", "")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = HOME[who.role]
        out = see_other(back.split("?")[0])
        page_session.keep_language(out, chosen)
        return out

    return await write_page(request, act)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> Response:
    def build(who: Principal, lang: str) -> Response:
        t = catalogue(request).translator(lang)
        return render(request, "account.html.j2", lang, who, title=t("account.title"))

    return read_page(request, build)


# -- cases -----------------------------------------------------------------------------------------
def _cases_page(
    request: Request, who: Principal, lang: str, found: dict[str, Any], searched: bool
) -> Response:
    t = catalogue(request).translator(lang)
    items = [
        {**c, "title": case_page.pathway_title(t, c["pathway"], c["receiving_country"])}
        for c in found["items"]
    ]
    return render(
        request,
        "cases.html.j2",
        lang,
        who,
        title=t("cases.title"),
        items=items,
        total=found["total"],
        searched=searched,
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_list(request: Request) -> Response:
    status = request.query_params.get("status")

    def build(who: Principal, lang: str) -> Response:
        found = cases.listing(
            page_session.registry(request),
            who,
            status=status if status in ("open", "closed") else None,
            limit=200,
        )
        return _cases_page(request, who, lang, found, False)

    return read_page(request, build)


@router.post("/cases/search", response_class=HTMLResponse)
async def cases_search(request: Request) -> Response:
    """Find cases by A-number: the number travels in the form's body, never in a URL."""

    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        found = cases.listing(
            page_session.registry(request), who, a_number=form.get("a_number", ""), limit=200
        )
        return _cases_page(request, who, lang, found, True)

    return await write_page(request, act)


def _new_case_page(
    request: Request,
    who: Principal,
    lang: str,
    form: dict[str, str],
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    t = catalogue(request).translator(lang)
    return render(
        request,
        "case_new.html.j2",
        lang,
        who,
        status=status,
        title=t("new.title"),
        form=form,
        count=case_form.people_count(form.get("people")),
        max_people=case_form.MAX_PEOPLE,
        sectors=case_form.sectors(),
        countries=case_form.countries(),
        languages=case_form.languages(),
        yes_no=case_form.YES_NO,
        problems=problems or [],
    )


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(request: Request) -> Response:
    people = request.query_params.get("people", "1")

    def build(who: Principal, lang: str) -> Response:
        from asylum_pathways.registry.access import require

        require(who, Permission.CASES_WRITE)
        return _new_case_page(request, who, lang, {"people": people})

    return read_page(request, build)


@router.post("/cases/new", response_class=HTMLResponse)
async def new_case(request: Request) -> Response:
    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        if form.get("action") == "add":
            more = dict(
                form,
                people=str(
                    min(case_form.people_count(form.get("people")) + 1, case_form.MAX_PEOPLE)
                ),
            )
            return _new_case_page(request, who, lang, more)
        try:
            case_id = cases.create(page_session.registry(request), who, case_form.case_body(form))
        except UserError as exc:
            if not answerable(exc):
                raise
            return _new_case_page(
                request, who, lang, case_form.kept_facts(form), 422, problems_of(exc)
            )
        return see_other(f"/cases/{case_id}")

    return await write_page(request, act)


def _case_page(
    request: Request,
    who: Principal,
    lang: str,
    case_id: str,
    status: int = 200,
    hearing_form: dict[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    reg = page_session.registry(request)
    t = catalogue(request).translator(lang)
    case = cases.read(reg, who, case_id)
    history = case_determinations.history(reg, who, case_id)
    shown = case_page.view(t, case, history, reg.scenario.tree.get(PORT_MAP).names)
    return render(
        request,
        "case.html.j2",
        lang,
        who,
        status=status,
        title=t("case.title"),
        case=shown,
        hearing_form=hearing_form or {},
        problems=problems or [],
        time_zones=case_form.TIME_ZONES,
        types=hearings.TYPES,
        mediums=hearings.MEDIUMS,
        sources=hearings.SOURCES,
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(request: Request, case_id: str) -> Response:
    return read_page(request, lambda who, lang: _case_page(request, who, lang, case_id))


@router.post("/cases/{case_id}/hearings", response_class=HTMLResponse)
async def add_hearing(request: Request, case_id: str) -> Response:
    def act(who: Principal, form: dict[str, str], lang: str) -> Response:
        try:
            case_hearings.add(
                page_session.registry(request), who, case_id, case_form.hearing_body(form)
            )
        except UserError as exc:
            if not answerable(exc):
                raise
            return _case_page(request, who, lang, case_id, 422, form, problems_of(exc))
        return see_other(f"/cases/{case_id}#hearings")

    return await write_page(request, act)

"""The pages in a real browser (Debian's Chromium via Playwright): the screener as a
caseworker uses it (a plain answer, what would change it, only the programs in force, the
law's review date, a family of three, a counterfactual labelled), the lab, the studies list,
error pages, accessibility (axe-core: no critical or serious violation at 1440 and 390 px)
and no horizontal scroll at 390 px. Screenshots at 1440 and 390 px go to results/pages/
(git-ignored) for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from server import Server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "pages"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE = json.loads(
    (ROOT / "src/asylum_pathways/examples/honduran-adult-el-paso.json").read_text()
)
#: Facts unlikely to appear anywhere by chance: the log must not hold them.
SECRET_ID, SECRET_GROUP = "ZQX-PERSON-48151623", "ZQX-FAMILY-42424242"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=server.url)
    pg = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None,
    )
    yield pg
    context.close()
    assert not errors, errors
    assert not outside, outside  # every asset is local


WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}


def fill_screener(pg: Any, record: dict[str, Any], submit: bool = True) -> None:
    """Fill the screener with one record's facts (a page already at /screen keeps its
    family members) and screen it."""
    if "/screen" not in pg.url:
        pg.goto("/screen")
    for key, value in record.items():
        if key == "person_id":
            pg.locator("#f-person_id").fill(str(value))
            continue
        if key == "group_id":
            continue
        if key == "aca_fear_established":
            for cc, established in value.items():
                pg.locator(f"#f-aca_fear_established_{cc}").select_option(
                    "yes" if established else ""
                )
            continue
        field = pg.locator(f"#f-{key}")
        if isinstance(value, bool):
            field.select_option("yes" if value else "no")
        elif pg.locator(f"select#f-{key}").count():
            field.select_option(str(value))
        else:
            field.fill(str(value))
    if submit:
        screen(pg)


def screen(pg: Any) -> None:
    pg.get_by_role("button", name="Screen", exact=True).click()
    pg.wait_for_load_state()


def answer(pg: Any) -> Any:
    return pg.get_by_test_id("answer")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_screener_answers_in_words_with_what_would_change_it(
    browser: Any, server: Server, width: str
) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, base_url=server.url)
    pg = context.new_page()
    fill_screener(pg, {**EXAMPLE, "person_id": SECRET_ID})
    headline = pg.get_by_test_id("headline").inner_text()
    assert headline == "Transfer to Guatemala under the Asylum Cooperative Agreement"
    assert "`" not in answer(pg).inner_text() and "ACA_TRANSFER" not in headline
    assert answer(pg).get_attribute("data-pathway") == "ACA_TRANSFER"
    branches = pg.get_by_test_id("branches").locator("li.branch")
    assert branches.count() >= 1
    text = pg.get_by_test_id("branches").inner_text()
    assert "If a fear of Guatemala is established → Remain in Mexico" in text
    assert "a fear of Mexico is established" in text  # and then: credible fear
    # only the programs in force on 2020-01-15 are listed; the rest are folded
    listed = pg.locator("ol.reasons > li.reason[data-program]")
    assert sorted(listed.evaluate_all("l => l.map(x => x.dataset.program)")) == ["ACA_GT", "MPP"]
    folded = pg.locator("details.folded")
    assert "Not in force on this date (11 programs)" in folded.locator("> summary").inner_text()
    assert not folded.evaluate("d => d.open")
    assert (
        "last reviewed against its sources on 2026-11-27"
        in pg.get_by_test_id("reviewed").inner_text()
    )
    # each reason cites, primary source first; rule ids only inside the codes' details
    first = listed.first.locator(".cites a").first
    assert first.get_attribute("href").startswith(
        ("https://www.govinfo.gov", "https://www.federalregister.gov")
    )
    assert pg.locator("details.codes code", has_text="aca_gt.amenable").count() == 1
    visible = pg.locator("main").inner_text()
    assert "aca_gt.amenable" not in visible and "law.geo" not in visible
    assert SECRET_ID not in pg.url and "citizenship" not in pg.url  # facts went by POST
    assert pg.evaluate("document.documentElement.scrollWidth") <= w
    shoot(pg, f"screen-answer-{w}", full=True)
    height = pg.evaluate("document.documentElement.scrollHeight")
    (SHOTS / f"screen-answer-{w}.height").write_text(str(height))
    context.close()
    log = server.log.read_text()
    assert SECRET_ID not in log


def test_the_form_names_ports_and_speaks_plainly(page: Any) -> None:
    page.goto("/screen")
    form = page.locator("form.facts")
    labels = form.locator("label").all_inner_texts()
    assert labels[:4] == [
        "Date of the encounter (required)",
        "Border Patrol sector (required)",
        "Citizenship (required)",
        "Who was encountered (required)",
    ]
    text = form.inner_text()
    for code in ("law.geo", "Cbp one", "Person id", "claims_fear", "{"):
        assert code not in text, code
    assert page.locator("#f-port option[value='ELP']").text_content() == "El Paso"
    assert page.locator("#f-port optgroup[label='El Paso sector']").count() == 1
    # the scenario picker: each scenario's description, the law as it was by default
    history = page.locator("#scenario-history")
    assert history.is_checked()
    assert "Everything as it happened" in page.locator("#scenario-history-help").text_content()
    # one screening control per agreement in force on the day typed
    page.locator("#f-encounter_date").fill("2020-01-15")
    page.locator("#f-encounter_date").dispatch_event("change")
    shown = page.locator(".field.fear:not([hidden]) label").all_inner_texts()
    assert shown == ["Fear of Guatemala established"], shown


def test_an_undetermined_case_names_the_fact_that_decides_it(page: Any) -> None:
    record = {k: EXAMPLE[k] for k in ("encounter_date", "sector", "citizenship", "demographic")}
    fill_screener(page, record)
    assert answer(page).get_attribute("data-pathway") == "UNDETERMINED"
    needs = page.get_by_test_id("missing-facts").locator("li").all_inner_texts()
    assert needs[0] == "Says they fear return or want asylum (decides the answer alone)"
    assert len(needs) == 6 and sum("alone" in n for n in needs) == 1
    first = page.get_by_test_id("branches").locator("li.branch").first.inner_text()
    assert first.startswith("If the person claims fear or asks for asylum → Transfer to Guatemala")


def test_a_family_of_three_is_screened_together(page: Any) -> None:
    fill_screener(page, {**EXAMPLE, "demographic": "FMUA"}, submit=False)
    for member in (2, 3):
        page.get_by_role("button", name="Add a family member").click()
        page.wait_for_load_state()
        pre = f"#f-m{member}-"
        page.locator(pre + "language").select_option("es")
        page.locator(pre + "claims_fear").select_option("yes")
        for flag in ("criminal_history", "known_health_issue", "returning_lpr", "advance_parole"):
            page.locator(pre + flag).select_option("no")
    page.locator("#f-m3-aca_fear_established_GT").select_option("yes")
    screen(page)
    assert "For the family of 3" in answer(page).inner_text()
    assert answer(page).get_attribute("data-pathway") == "MPP_RETURN"
    assert page.locator("details.person").count() == 3
    assert "If no fear of Guatemala is established for Person 3 → Transfer to Guatemala" in (
        page.get_by_test_id("branches").inner_text()
    )
    shoot(page, "screen-family-1440", full=True)


def test_a_counterfactual_answer_says_so_on_the_page_and_in_print(page: Any) -> None:
    fill_screener(page, {**EXAMPLE, "encounter_date": "2020-04-01"}, submit=False)
    page.locator("details.law summary").click()
    page.locator("#scenario-outlook-2020-03-10").check()
    screen(page)
    label = page.get_by_test_id("counterfactual")
    assert "Counterfactual answer" in label.inner_text()
    page.emulate_media(media="print")
    assert label.is_visible()
    assert "set by the scenario" in answer(page).inner_text()
    page.emulate_media(media="screen")


def test_a_bad_fact_is_named_on_the_page(page: Any) -> None:
    fill_screener(page, {**EXAMPLE, "encounter_date": "2001-01-01"})
    alert = page.get_by_role("alert").inner_text()
    assert "outside the range" in alert and "Date of the encounter" in alert


def test_unknown_pages_answer_a_page_in_the_sites_layout(browser: Any, server: Server) -> None:
    context = browser.new_context(base_url=server.url)
    pg = context.new_page()
    response = pg.goto("/no-such-page")
    assert response.status == 404
    assert pg.locator("h1").inner_text() == "Page not found"
    assert pg.locator("nav a[href='/screen']").count() == 1
    assert pg.locator("main a[href='/help']").count() == 1
    context.close()
    api = httpx.get(f"{server.url}/api/v1/no-such")
    assert api.status_code == 404 and api.json()["ok"] is False


def sv_difference(pg: Any) -> str:
    cell = pg.locator('#diff tr[data-metric="aca_transfers_SV"] td.difference')
    cell.wait_for(timeout=240_000)
    return str(cell.inner_text())


def test_in_the_lab_changing_the_el_salvador_cap_changes_the_difference(page: Any) -> None:
    page.set_default_timeout(240_000)
    page.goto("/lab?sv_cap=5000")
    page.get_by_role("button", name="Run").click()
    page.locator("#results[data-study]").wait_for()
    first = sv_difference(page)
    assert "sv_cap=5000" in page.url and "run=1" in page.url  # the levers are in the URL
    page.locator("#sv_cap").fill("20")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**sv_cap=20**")
    page.locator("#results[data-study]").wait_for()
    second = sv_difference(page)
    assert first != second, (first, second)
    assert second.startswith("-")
    assert page.locator("#charts svg").count() == 2
    shoot(page, "lab-results", full=True)
    yaml_link = page.get_by_role("link", name="Download the overlay (YAML)")
    text = httpx.get(page.url.split("/lab")[0] + yaml_link.get_attribute("href")).text
    assert "aca.agreements.sv.annual_cap" in text and "value: 20" in text and "&id" not in text


def pages_to_check(server: Server) -> list[str]:
    study = httpx.post(
        f"{server.url}/api/v1/studies",
        json={"scenarios": ["history"], "start": "2020-01-01", "end": "2020-01-10", "reps": 1},
    )
    server.wait_study(study.headers["location"])
    return [
        "/",
        "/screen",
        "/lab",
        "/studies",
        "/help",
        "/parameters",
        "/parameters?q=aca",
        "/parameters/law.aca.agreements.gt.amenable_nationalities",
        f"/studies/{study.json()['id']}",
        "/api/docs",
        "/no-such-page",
    ]


def screener_states(pg: Any) -> Iterator[str]:
    """The screener's answers: one person, an open case, a counterfactual, a family."""
    pg.goto("/screen")
    fill_screener(pg, EXAMPLE)
    yield "screen-answer"
    pg.goto("/screen")
    fill_screener(
        pg,
        {k: EXAMPLE[k] for k in ("encounter_date", "sector", "citizenship")}
        | {"demographic": "SA"},
    )
    yield "screen-undetermined"
    pg.goto("/screen")
    fill_screener(pg, {**EXAMPLE, "encounter_date": "2020-04-01"}, submit=False)
    pg.locator("details.law summary").click()
    pg.locator("#scenario-outlook-2020-03-10").check()
    screen(pg)
    yield "screen-counterfactual"
    pg.goto("/screen")
    fill_screener(pg, {**EXAMPLE, "demographic": "FMUA"}, submit=False)
    for _ in (2, 3):
        pg.get_by_role("button", name="Add a family member").click()
        pg.wait_for_load_state()
    screen(pg)
    yield "screen-family"


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_has_a_critical_or_serious_accessibility_violation(
    browser: Any, server: Server, width: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, base_url=server.url)
    pg = context.new_page()
    axe = Axe()
    found = {}

    def check(name: str) -> None:
        pg.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        result = axe.run(pg)
        bad = [
            v["id"]
            for v in result.response["violations"]
            if v.get("impact") in ("critical", "serious")
        ]
        if bad:
            found[name] = bad

    for path in pages_to_check(server):
        pg.goto(path)
        pg.wait_for_load_state("networkidle")
        check(path)
    for state in screener_states(pg):
        check(state)
    context.close()
    assert not found, found


def test_no_page_scrolls_sideways_at_390_px(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url)
    pg = context.new_page()
    wide = {}
    for path in pages_to_check(server):
        pg.goto(path)
        pg.wait_for_load_state("networkidle")
        width = pg.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
        name = path.strip("/").split("?")[0].replace("/", "-") or "home"
        if "studies-" not in name:
            shoot(pg, f"{name}-390", full=True)
    for state in screener_states(pg):
        if pg.evaluate("document.documentElement.scrollWidth") > 390:
            wide[state] = pg.evaluate("document.documentElement.scrollWidth")
        shoot(pg, f"{state}-390", full=True)
    context.close()
    assert not wide, wide


def shoot(pg: Any, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

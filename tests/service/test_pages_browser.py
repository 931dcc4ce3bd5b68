"""The pages in a real browser (Debian's Chromium via Playwright): the screener, the lab,
accessibility (axe-core: no critical or serious violation) and no horizontal scroll at 390 px.
Screenshots at 1440 and 390 px go to results/pages/ for a person to look at."""

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


def fill_screener(pg: Any, record: dict[str, Any]) -> None:
    pg.goto("/screen")
    for key, value in record.items():
        field = pg.locator(f"#f-{key}")
        if isinstance(value, bool):
            field.select_option("yes" if value else "no")
        elif pg.locator(f"select#f-{key}").count():
            field.select_option(str(value))
        else:
            field.fill(str(value))
    pg.get_by_role("button", name="Screen").click()
    pg.wait_for_load_state()


def test_the_screener_shows_an_aca_transfer_to_guatemala_with_citations(
    page: Any, server: Server
) -> None:
    fill_screener(page, {**EXAMPLE, "person_id": SECRET_ID, "group_id": SECRET_GROUP})
    assert page.get_by_test_id("pathway").inner_text() == "ACA_TRANSFER"
    assert page.get_by_test_id("receiving-country").inner_text() == "Guatemala"
    sources = page.get_by_test_id("sources").locator("a")
    assert sources.count() >= 3
    assert all(h.startswith("http") for h in sources.evaluate_all("l => l.map(a => a.href)"))
    assert page.locator("a.cite").count() >= 3
    assert SECRET_ID not in page.url and "citizenship" not in page.url  # facts went by POST
    shoot(page, "screen-answer")
    log = server.log.read_text()
    assert SECRET_ID not in log and SECRET_GROUP not in log


def test_an_undetermined_case_lists_its_missing_facts(page: Any) -> None:
    fill_screener(page, {k: v for k, v in EXAMPLE.items() if k != "claims_fear"})
    assert page.get_by_test_id("pathway").inner_text() == "UNDETERMINED"
    assert "claims_fear" in page.get_by_test_id("missing-facts").inner_text()


def test_a_bad_fact_is_named_on_the_page(page: Any) -> None:
    fill_screener(page, {**EXAMPLE, "encounter_date": "2001-01-01"})
    assert "outside the range" in page.get_by_role("alert").inner_text()


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
        "/parameters",
        "/parameters?q=aca",
        "/parameters/law.aca.agreements.gt.amenable_nationalities",
        f"/studies/{study.json()['id']}",
        "/api/docs",
    ]


def test_no_page_has_a_critical_or_serious_accessibility_violation(
    page: Any, server: Server
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for path in [*pages_to_check(server), "screen-answer"]:
        if path == "screen-answer":
            fill_screener(page, EXAMPLE)
        else:
            page.goto(path)
            page.wait_for_load_state("networkidle")
        result = axe.run(page)
        bad = [
            v["id"]
            for v in result.response["violations"]
            if v.get("impact") in ("critical", "serious")
        ]
        if bad:
            found[path] = bad
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
        if "studies" not in name:
            shoot(pg, f"{name}-390", full=True)
    fill_screener(pg, EXAMPLE)
    if pg.evaluate("document.documentElement.scrollWidth") > 390:
        wide["screen-answer"] = pg.evaluate("document.documentElement.scrollWidth")
    shoot(pg, "screen-answer-390", full=True)
    context.close()
    assert not wide, wide


def shoot(pg: Any, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

"""The registry in real Chromium against `asylum-pathways serve --db` (issue 21, done when): sign in
with a second factor, open a family case, add a hearing, find it in the calendar feed, change a
law parameter in an overlay, re-determine, and see the case's difference on /changes; axe finds
no critical or serious violation at 390 and 1440 px. Screenshots go to results/registry/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from registry_helpers import PASSWORD, Bench, canary
from registry_server import RegistryServer

from asylum_pathways.registry import totp

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "registry"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
#: The Guatemala agreement implemented in every sector from 2020-02-03 (it was in El Paso and the
#: Rio Grande Valley only): a Salvadoran family met in San Diego becomes amenable that day.
GT_EVERYWHERE = {
    "name": "guatemala-everywhere",
    "law": {
        "aca.agreements.gt.implementing_sectors": [
            {
                "from": "2020-02-03",
                "value": ["SDC", "ELC", "YUM", "TCA", "EPT", "BBT", "DRT", "LRT", "RGV"],
            }
        ]
    },
}


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']})"
        for v in result.response["violations"]
        if v.get("impact") in ("critical", "serious")
    ]


def test_a_caseworker_follows_a_family_case_through_a_change_of_law(
    bench: Bench, chromium: Any, tmp_path: Path
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    reg.db.dispose()
    server = RegistryServer(bench.url, bench.keys, tmp_path)
    try:
        context = chromium.new_context(base_url=server.url, viewport={"width": 1440, "height": 900})
        page = context.new_page()
        # Sign in: password, then the second factor.
        page.goto("/login")
        page.fill("#email", org.emails["caseworker"])
        page.fill("#password", PASSWORD)
        page.fill("#totp", totp.code(org.secrets["caseworker"]))
        page.click("form[data-testid=login] button[type=submit]")
        page.wait_for_url("**/cases")
        # A family of three: the lead and two riders.
        lead = canary(7)
        page.goto("/cases/new")
        page.click("[data-testid=add-rider]")
        page.click("[data-testid=add-rider]")
        page.fill("#encounter_date", "2020-01-15")
        page.select_option("#sector", "SDC")
        page.fill("#p1\\.name", lead)
        page.select_option("#p1\\.citizenship", "SV")
        for k, age in ((1, "29"), (2, "7"), (3, "5")):
            if k > 1:
                page.fill(f"#p{k}\\.name", f"{lead} child {k}")
            page.select_option(f"#p{k}\\.demographic", "FMUA")
            page.fill(f"#p{k}\\.age", age)
            page.select_option(f"#p{k}\\.language", "es")
            page.select_option(f"#p{k}\\.claims_fear", "yes")
            for fact in ("criminal_history", "known_health_issue", "returning_lpr"):
                page.select_option(f"#p{k}\\.{fact}", "no")
            page.select_option(f"#p{k}\\.advance_parole", "no")
        page.click("[data-testid=create-case]")
        page.wait_for_url("**/cases/*")
        case_url = page.url
        assert lead not in case_url
        assert "For the family of 3" in page.content()
        # A hearing, then the calendar feed holds it (and not the family's names).
        page.click("details.add > summary")
        page.fill("#h-court", "San Diego Immigration Court")
        page.select_option("#h-time_zone", "America/Los_Angeles")
        page.fill("#h-starts_at", "2020-03-16T09:00")
        page.select_option("#h-type", index=1)
        page.select_option("#h-medium", index=1)
        page.select_option("#h-source", index=1)
        page.click("[data-testid=add-hearing]")
        page.wait_for_selector("[data-testid=hearings]")
        assert "San Diego Immigration Court" in page.inner_text("[data-testid=hearings]")
        feed = context.request.get("/api/v1/calendar.ics")
        assert feed.status == 200, feed.text()
        ics = feed.text()
        assert "BEGIN:VEVENT" in ics and "San Diego Immigration Court" in ics
        assert "DTSTART:20200316T160000Z" in ics  # 09:00 in Los Angeles, daylight time
        assert lead not in ics
        page.goto("/changes")
        assert page.locator("[data-testid=no-changes]").count() == 1
        # The law changes in an overlay; the registry re-determines its open cases.
        overlay = tmp_path / "guatemala-everywhere.yaml"
        overlay.write_text(yaml.safe_dump(GT_EVERYWHERE).replace("'2020-02-03'", "2020-02-03"))
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "asylum_pathways",
                "registry",
                "redetermine",
                "--db",
                bench.url,
                "--keys",
                str(bench.keys),
                "--scenario",
                str(overlay),
                "--as-of",
                "2020-02-20",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        page.goto("/changes")
        text = page.content()
        assert "Guatemala" in text and case_url.split("/cases/")[1] in text, text[:3000]
        SHOTS.mkdir(parents=True, exist_ok=True)
        found = {}
        for width, height in ((1440, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for name, url in (("changes", "/changes"), ("case", case_url), ("cases", "/cases")):
                page.goto(url)
                bad = _axe(page)
                if bad:
                    found[f"{name}@{width}"] = bad
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert not found, found
        context.close()
    finally:
        server.stop()
    assert lead not in server.log.read_text()

"""The default study's report, opened in a real browser (Debian's Chromium via Playwright).

The test fails on any console error, on any request that leaves the file (the report must
work offline), or on a chart without rendered marks, and saves a full-page screenshot to
results/report-screenshot.png for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip(
            "Debian's chromium is not installed: `apt-get install chromium` to run the browser test"
        )
    out = tmp_path_factory.mktemp("default-study")
    result = subprocess.run(
        [sys.executable, "-m", "asylum_pathways", "simulate", "--out", str(out), "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out / "report.html"


def test_the_default_study_report_is_one_file_of_reasonable_size(report: Path) -> None:
    assert report.exists()
    assert report.stat().st_size < 5 * 2**20
    text = report.read_text()
    assert "http://cdn" not in text and "<script src=" not in text
    for name in (
        "headline.csv",
        "validation.csv",
        "pathways.csv",
        "aca.csv",
        "mpp.csv",
        "parameters_differing.csv",
        "assumptions.csv",
    ):
        assert (report.parent / "report_data" / name).exists(), name


def test_the_report_renders_offline_in_chromium_without_errors(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"failed request {r.url}"))

        def guard(route):  # type: ignore[no-untyped-def]
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(report.as_uri())
        charts = page.locator("[data-chart]")
        n = charts.count()
        assert n >= 5
        page.wait_for_function(
            f"window.chartsRendered + window.chartErrors.length >= {n}", timeout=60_000
        )
        assert page.evaluate("window.chartErrors") == []
        for i in range(n):
            chart = charts.nth(i)
            marks = chart.locator(
                "svg .mark-area path, svg .mark-line path, svg .mark-rect path, "
                "svg .mark-symbol path, svg .mark-rule line, svg .mark-tick line"
            )
            assert marks.count() > 0, f"chart {chart.get_attribute('data-chart')} has no marks"
        first_screen = page.locator(".cards").bounding_box()
        assert first_screen is not None and first_screen["y"] < 900
        shot = ROOT / "results" / "report-screenshot.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert errors == []
    assert outside == []

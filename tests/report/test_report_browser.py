"""The default study's report, opened in a real browser (Debian's Chromium via Playwright).

The tests fail on any console error, on any request that leaves the file (the report must
work offline), on a chart without rendered marks or without its own accessible name, on
sideways scrolling at phone, tablet, laptop and desktop widths, on any critical or serious
axe-core violation, and on a printed PDF without the assumptions. They save screenshots
at 1440 and 390 px to results/ for a person to look at.

ASYLUM_PATHWAYS_REPORT_STUDY=<results folder> reuses a folder written by `simulate`
(its report is rebuilt) instead of running the default study: for quick iteration only.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
WIDTHS = (390, 768, 1024, 1440)
MARKS = (
    "svg .mark-area path, svg .mark-line path, svg .mark-rect path, "
    "svg .mark-symbol path, svg .mark-rule line, svg .mark-tick line"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip(
            "Debian's chromium is not installed: `apt-get install chromium` to run the browser test"
        )
    reuse = os.environ.get("ASYLUM_PATHWAYS_REPORT_STUDY")
    if reuse:
        command = [sys.executable, "-m", "asylum_pathways", "report", reuse]
        out = Path(reuse)
    else:
        out = tmp_path_factory.mktemp("default-study")
        command = [sys.executable, "-m", "asylum_pathways", "simulate", "--out", str(out)]
        command.append("--no-progress")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out / "report.html"


@pytest.fixture(scope="module")
def browser(report: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Opened:
    """A page on the report with every chart rendered, recording errors and outside requests."""

    def __init__(self, browser: Any, report: Path, width: int, height: int = 900) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed request {r.url}"))

        def guard(route: Any) -> None:
            if route.request.url.startswith(("file://", "blob:", "data:")):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.page.route("**/*", guard)
        self.page.goto(report.as_uri())
        self.charts = self.page.locator("[data-chart]")
        n = self.charts.count()
        self.page.wait_for_function(
            f"window.chartsRendered + window.chartErrors.length >= {n}", timeout=90_000
        )
        # a resize re-render is debounced by 200 ms; let any pending one finish
        self.page.wait_for_timeout(400)

    def close(self) -> None:
        self.page.close()


def test_the_default_study_report_is_one_file_of_reasonable_size(report: Path) -> None:
    assert report.exists()
    assert report.stat().st_size < 5 * 2**20
    text = report.read_text()
    assert "http://cdn" not in text and "<script src=" not in text
    for name in (
        "headline.csv",
        "headline_differences.csv",
        "validation.csv",
        "pathways.csv",
        "differences.csv",
        "aca.csv",
        "mpp.csv",
        "times.csv",
        "parameters_differing.csv",
        "assumptions.csv",
    ):
        assert (report.parent / "report_data" / name).exists(), name


def test_the_fit_counts_in_the_text_are_those_of_the_validation_table(report: Path) -> None:
    import html

    import polars as pl

    table = pl.read_csv(report.parent / "report_data" / "validation.csv")
    independent = table.filter(
        (pl.col("kind") == "validation")
        & pl.col("published").is_not_null()
        & pl.col("model_mean").is_not_null()
    )
    figures, close = independent.height, int(independent["close"].sum())
    text = html.unescape(report.read_text())
    assert f"Against the {figures} published figures not used to set any assumption" in text
    assert f"inside its 5–95% range) for {close}." in text  # the findings
    chart = f"Of the {figures} published figures not used to set any assumption, the model is"
    assert f"{chart} close for {close} " in text  # the validation chart's finding


def test_the_report_renders_offline_with_named_charts_and_marks(browser: Any, report: Path) -> None:
    opened = Opened(browser, report, 1440)
    page = opened.page
    n = opened.charts.count()
    assert n >= 6
    assert page.evaluate("window.chartErrors") == []
    names = []
    for i in range(n):
        chart = opened.charts.nth(i)
        key = chart.get_attribute("data-chart")
        assert chart.locator(MARKS).count() > 0, f"chart {key} has no marks"
        svg = chart.locator("svg.marks").first
        name = svg.get_attribute("aria-label") or ""
        assert name and name != "Vega visualization", f"chart {key} has no accessible name"
        names.append(name)
        described = (chart.get_attribute("aria-describedby") or "").split()
        assert described, f"chart {key} has no text alternative"
        for ref in described:
            assert page.locator(f"#{ref}").inner_text().strip(), f"chart {key}: empty #{ref}"
    assert len(set(names)) == len(names), names
    answer = page.locator("#h-answer").bounding_box()
    assert answer is not None and answer["y"] < 900, "the answer is not on the first screen"
    assert "modelled" in page.locator("section[aria-labelledby=h-answer]").inner_text()
    opened.close()
    assert opened.errors == []
    assert opened.outside == []


def test_each_chart_downloads_its_own_csv_from_inside_the_file(browser: Any, report: Path) -> None:
    opened = Opened(browser, report, 1024)
    links = opened.page.locator("a[data-csv]")
    assert links.count() == opened.charts.count()
    for i in range(links.count()):
        link = links.nth(i)
        with opened.page.expect_download() as info:
            link.click()
        body = Path(info.value.path()).read_text()
        header, *rows = body.splitlines()
        key = link.get_attribute("data-csv")
        assert "," in header and rows, f"{key}: empty CSV"
        written = (report.parent / "report_data" / f"{key}.csv").read_text().splitlines()
        assert header == written[0], f"{key}: columns differ from report_data/{key}.csv"
        assert len(rows) == len(written) - 1, f"{key}: rows differ from report_data/{key}.csv"
    opened.close()
    assert opened.errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_does_not_scroll_sideways(browser: Any, report: Path, width: int) -> None:
    opened = Opened(browser, report, width)
    page = opened.page
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll} px wide at a {width} px viewport"
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('main *')]
             .filter(e => e.getBoundingClientRect().right > w + 1)
             .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
             .slice(0, 5)""",
        width,
    )
    assert wide == [], wide
    if width in (390, 1440):
        shot = ROOT / "results" / f"report-{width}px.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    opened.close()
    assert opened.errors == []


def test_axe_core_finds_no_critical_or_serious_violation(browser: Any, report: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for width in (1440, 390):
        opened = Opened(browser, report, width)
        results = Axe().run(opened.page)
        bad = [
            f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("critical", "serious")
        ]
        opened.close()
        assert bad == [], f"at {width} px: {bad}"


def test_the_printed_pdf_includes_the_assumptions(browser: Any, report: Path) -> None:
    from pypdf import PdfReader

    opened = Opened(browser, report, 1024)
    opened.page.emulate_media(media="print")
    pdf = opened.page.pdf(format="A4", print_background=True)
    opened.close()
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Assumptions (not law)" in text
    assert "operational assumptions" in text
    # every assumption's name is printed (a PDF may break a long name across lines)
    squeezed = "".join(text.split())
    assert "assumptions.mpp.hearing_process" in squeezed
    assert "assumptions.aca.agreements.gt.seats_per_week" in squeezed
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "report.pdf").write_bytes(pdf)

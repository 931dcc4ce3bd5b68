"""The default study's report, opened in a real browser (Debian's Chromium via Playwright).

The tests fail on any console error, on any request that leaves the file (the report must
work offline), on a chart without rendered marks or without its own accessible name, on
sideways scrolling at phone, tablet, laptop and desktop widths, on any critical or serious
axe-core violation, and on a printed PDF without the assumptions. They measure the report a
reader navigates: at most 15,000 px tall at 1440 px and 30,000 px at 390 px with every
<details> folded, at most 20 A4 pages in print, and nothing folded away missing from the page;
a table of contents beside the report on a desktop and folded above it on a phone; and, for
a run whose summary.json asks the seed's questions (tests/report/fixtures/issue18.json), the
answer on the first screen. They save screenshots at 1440 and 390 px to results/ for a
person to look at.

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
def questions_report(report: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default study's results with the seed's questions and issue 18's other keys in its
    summary.json (the large files linked), and their report."""
    from test_questions import with_issue18

    out = tmp_path_factory.mktemp("questions") / "results"
    out.mkdir()
    for entry in report.parent.iterdir():
        if entry.suffix == ".json" or entry.name == "validation.csv":
            shutil.copy(entry, out / entry.name)
        elif entry.suffix == ".parquet":
            (out / entry.name).symlink_to(entry)
    with_issue18(out)
    result = subprocess.run(
        [sys.executable, "-m", "asylum_pathways", "report", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
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


def test_axe_core_finds_no_critical_or_serious_violation(
    browser: Any, report: Path, questions_report: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for page in (report, questions_report):
        for width in (1440, 390):
            opened = Opened(browser, page, width)
            results = Axe().run(opened.page)
            bad = [
                f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
                for v in results.response["violations"]
                if v["impact"] in ("critical", "serious")
            ]
            opened.close()
            assert bad == [], f"{page.parent.name}, at {width} px: {bad}"


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
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"report.pdf: {pages} A4 pages")
    assert pages <= 20, f"{pages} A4 pages in print"


FOLD = "for (const d of document.querySelectorAll('details')) { d.open = false; }"


@pytest.mark.parametrize(("width", "most"), [(1440, 15_000), (390, 30_000)])
def test_the_report_folded_is_short_enough_to_navigate(
    browser: Any, report: Path, width: int, most: int
) -> None:
    opened = Opened(browser, report, width)
    page = opened.page
    opened_height = page.evaluate("document.documentElement.scrollHeight")
    page.evaluate(FOLD)
    page.wait_for_timeout(300)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"at {width} px: {opened_height} px as opened, {height} px folded")
    opened.close()
    assert height <= most, f"{height} px tall at {width} px with everything folded"


def test_nothing_folded_away_is_missing_from_the_page(browser: Any, report: Path) -> None:
    import json

    import polars as pl

    opened = Opened(browser, report, 1440)
    page = opened.page
    page.evaluate(FOLD)
    whole = page.evaluate("document.querySelector('main').textContent")
    shown = page.evaluate("document.querySelector('main').innerText")
    opened.close()
    params = json.loads((report.parent / "parameters.json").read_text())["parameters"]
    names = [p["name"] for p in params]
    assert all(n in whole.replace("\u200b", "") for n in names)
    hidden = [n for n in names if n not in shown]
    assert hidden, "nothing is folded"
    compared = pl.read_csv(report.parent / "report_data" / "validation.csv")
    for source in compared["source"].unique().to_list():
        assert page_has_link(report, source), source


def page_has_link(report: Path, href: str) -> bool:
    import html

    return f'href="{html.escape(href)}"' in report.read_text()


def test_the_contents_stay_beside_the_report_on_a_desktop_and_fold_on_a_phone(
    browser: Any, report: Path
) -> None:
    opened = Opened(browser, report, 1440)
    page = opened.page
    links = page.locator("nav.toc a")
    assert links.count() >= 15
    for i in range(links.count()):
        target = (links.nth(i).get_attribute("href") or "").lstrip("#")
        assert page.locator(f"[id='{target}']").count() == 1, target
    assert page.locator("nav.toc details").get_attribute("open") is not None
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(200)
    box = page.locator("nav.toc").bounding_box()
    assert box is not None and -1 <= box["y"] <= 40, "the contents scrolled away"
    opened.close()
    phone = Opened(browser, report, 390)
    toc = phone.page.locator("nav.toc details")
    assert toc.get_attribute("open") is None
    assert not phone.page.locator("nav.toc a").first.is_visible()
    phone.page.locator("nav.toc summary").click()
    assert phone.page.locator("nav.toc a").first.is_visible()
    phone.close()


def test_the_first_screen_answers_the_seeds_question(browser: Any, questions_report: Path) -> None:
    opened = Opened(browser, questions_report, 1440)
    page = opened.page
    card = page.locator("section.q").first
    assert "Will El Salvador take more than 2,000 in 2020?" in card.inner_text()
    for part in ("h3", ".q-number .big", ".q-facts dd >> nth=0", ".q-facts dd >> nth=1"):
        box = card.locator(part).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, f"{part} below the first screen"
    text = card.inner_text()
    assert "1,624" in text and "27%" in text and "El Salvador's weekly seats" in text
    assert "capacity priors" in text
    shot = ROOT / "results" / "report-questions-1440px.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot))
    opened.close()
    phone = Opened(browser, questions_report, 390)
    phone.page.screenshot(path=str(ROOT / "results" / "report-questions-390px.png"))
    phone.close()

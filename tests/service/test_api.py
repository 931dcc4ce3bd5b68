"""The API over real HTTP: every route, and every error path answers the one envelope."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from server import Server

EXAMPLE = Path(__file__).parents[2] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"
TINY = {"scenarios": ["history"], "start": "2020-01-01", "end": "2020-01-20", "reps": 1, "seed": 3}


def record(**changes: Any) -> dict[str, Any]:
    return {**json.loads(EXAMPLE.read_text()), **changes}


def assert_envelope(response: httpx.Response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and set(body) == {"ok", "error"}
    assert set(body["error"]) == {"code", "message", "errors"} and body["error"]["errors"]
    for e in body["error"]["errors"]:
        assert set(e) == {"loc", "msg", "value"} and isinstance(e["loc"], list)
    if field is not None:
        locs = [".".join(map(str, e["loc"])) for e in body["error"]["errors"]]
        assert any(field in loc for loc in locs), locs
    return body


def test_a_determination_answers_exactly_what_determine_json_answers(server: Server) -> None:
    answer = httpx.post(f"{server.url}/api/v1/determinations", json={"records": record()})
    assert answer.status_code == 200
    cli = subprocess.run(
        [sys.executable, "-m", "asylum_pathways", "determine", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.json() == json.loads(cli.stdout)
    assert answer.json()["pathway"] == "ACA_TRANSFER" and answer.json()["receiving_country"] == "GT"


def test_a_list_gets_a_list_and_a_date_and_scenario_apply(server: Server) -> None:
    body = {
        "records": [record(person_id="A"), record(person_id="B", citizenship="MX")],
        "date": "2020-04-01",
        "scenario": "outlook-2020-03-10",
    }
    answers = httpx.post(f"{server.url}/api/v1/determinations", json=body).json()
    assert [a["person_id"] for a in answers] == ["A", "B"]
    assert {a["date"] for a in answers} == {"2020-04-01"}
    assert {a["scenario"] for a in answers} == {"outlook-2020-03-10"}


def test_an_inline_overlay_scenario_is_applied(server: Server) -> None:
    overlay = {
        "name": "no-gt",
        "law": {"aca.agreements.gt.transfers_operating": [{"from": "2019-11-21", "value": False}]},
    }
    answer = httpx.post(
        f"{server.url}/api/v1/determinations", json={"records": record(), "scenario": overlay}
    ).json()
    assert answer["scenario"] == "no-gt" and answer["pathway"] != "ACA_TRANSFER"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"records": record(citizenship="Guatemala")}, 422, "records"),
        ({"records": []}, 422, "records"),
        ({"records": "x"}, 422, "records"),
        ({"records": record(), "date": "2020-13-01"}, 422, "date"),
        ({"records": record(), "date": "2001-01-01"}, 422, "date"),
        ({"records": record(), "scenario": "no-such"}, 422, "scenario"),
        ({"records": record(), "scenario": {"law": {"no.such": []}}}, 422, "scenario"),
        ({"records": record(), "extra": 1}, 422, "extra"),
        ({}, 422, "records"),
    ],
)
def test_bad_determination_bodies_get_the_envelope_naming_the_field(
    server: Server, body: dict, status: int, field: str
) -> None:
    assert_envelope(httpx.post(f"{server.url}/api/v1/determinations", json=body), status, field)


def test_more_than_ten_thousand_records_is_413_saying_the_limit(server: Server) -> None:
    many = [record(person_id=str(i)) for i in range(10_001)]
    body = assert_envelope(
        httpx.post(f"{server.url}/api/v1/determinations", json={"records": many}, timeout=60),
        413,
        "records",
    )
    assert "10,000" in body["error"]["message"]


def test_a_body_over_the_size_limit_and_bad_json_get_the_envelope(server: Server) -> None:
    huge = b'{"records": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    r = httpx.post(
        f"{server.url}/api/v1/determinations",
        content=huge,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert_envelope(r, 413, "body")
    r = httpx.post(
        f"{server.url}/api/v1/determinations",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert_envelope(r, 422, "body")
    # Python's JSON reader takes NaN and Infinity; strict JSON, and so the envelope, has none
    for bad in (b'{"records": NaN}', b'{"records": [Infinity]}'):
        r = httpx.post(
            f"{server.url}/api/v1/determinations",
            content=bad,
            headers={"content-type": "application/json"},
        )
        assert_envelope(r, 422, "records")


def test_parameters_list_search_and_history_with_references(server: Server) -> None:
    every = httpx.get(f"{server.url}/api/v1/parameters").json()
    assert len(every) > 20 and {"name", "label", "unit", "section"} <= set(every[0])
    some = httpx.get(f"{server.url}/api/v1/parameters", params={"q": "title42"}).json()
    assert some and all("title42" in p["name"] or "title42" in p["label"].lower() for p in some)
    law = httpx.get(f"{server.url}/api/v1/parameters", params={"section": "law"}).json()
    assert {p["section"] for p in law} == {"law"}
    p = httpx.get(
        f"{server.url}/api/v1/parameters/law.title42.in_force", params={"date": "2020-04-01"}
    ).json()
    assert p["value_on_date"] is True and p["date"] == "2020-04-01"
    assert all(
        v["references"] and v["references"][0]["href"].startswith("http") for v in p["history"]
    )
    assert sum(v["in_force_on_date"] for v in p["history"]) == 1


def test_parameter_errors_name_the_field(server: Server) -> None:
    assert_envelope(httpx.get(f"{server.url}/api/v1/parameters/law.no.such"), 404, "name")
    assert_envelope(
        httpx.get(f"{server.url}/api/v1/parameters/law.title42.in_force", params={"date": "x"}),
        422,
        "date",
    )
    assert_envelope(
        httpx.get(f"{server.url}/api/v1/parameters", params={"section": "x"}), 422, "section"
    )


def test_scenarios_list_show_and_validate(server: Server) -> None:
    names = [s["name"] for s in httpx.get(f"{server.url}/api/v1/scenarios").json()]
    assert {"history", "outlook-2020-03-10", "ninth-circuit-injunction"} <= set(names)
    one = httpx.get(f"{server.url}/api/v1/scenarios/ninth-circuit-injunction").json()
    assert "law.courts.mpp_injunction.stayed" in one["changed_parameters"]
    assert "extends: outlook-2020-03-10" in one["source"]
    assert_envelope(httpx.get(f"{server.url}/api/v1/scenarios/no-such"), 404, "name")
    good = {"name": "t", "law": {"title42.in_force": [{"from": "2020-03-21", "value": False}]}}
    ok = httpx.post(f"{server.url}/api/v1/scenarios/validate", json={"overlay": good}).json()
    assert ok == {"ok": True, "name": "t", "changed_parameters": ["law.title42.in_force"]}
    text = "name: y\nlaw:\n  title42.in_force:\n    - {from: 2020-03-21, value: false}\n"
    assert httpx.post(f"{server.url}/api/v1/scenarios/validate", json={"overlay": text}).json()[
        "ok"
    ]


def test_validating_a_bad_overlay_lists_every_problem(server: Server) -> None:
    bad = {
        "name": "bad",
        "law": {"no.such": [{"from": "2020-01-01", "value": 1}]},
        "assumptions": {"mpp.mexico_fear_rate": [{"from": "2019-06-01", "value": 1.5}]},
    }
    body = assert_envelope(
        httpx.post(f"{server.url}/api/v1/scenarios/validate", json={"overlay": bad}), 422, "overlay"
    )
    msgs = [e["msg"] for e in body["error"]["errors"]]
    assert len(msgs) == 2 and any("no.such" in m for m in msgs) and any("1.5" in m for m in msgs)
    assert_envelope(
        httpx.post(f"{server.url}/api/v1/scenarios/validate", json={"overlay": "a: [unclosed"}),
        422,
        "overlay",
    )


def test_a_study_runs_and_gives_the_cli_outputs_byte_for_byte(
    server: Server, tmp_path: Path
) -> None:
    r = httpx.post(f"{server.url}/api/v1/studies", json=TINY)
    assert r.status_code == 202 and r.headers["location"] == f"/api/v1/studies/{r.json()['id']}"
    status = server.wait_study(r.headers["location"])
    assert status["status"] == "done" and status["progress"] == {"done": 1, "total": 1}
    base = server.url + r.headers["location"]
    summary = httpx.get(f"{base}/summary").json()
    assert summary["seed"] == 3 and list(summary["scenarios"]) == ["history"]
    daily = httpx.get(f"{base}/daily.parquet")
    assert daily.headers["content-type"] == "application/vnd.apache.parquet"
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "asylum_pathways",
            "simulate",
            "--scenario",
            "history",
            "--start",
            TINY["start"],
            "--end",
            TINY["end"],
            "--reps",
            "1",
            "--seed",
            "3",
            "--workers",
            "2",
            "--out",
            str(tmp_path),
            "--no-report",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert daily.content == (tmp_path / "daily.parquet").read_bytes()
    assert pl.read_parquet(tmp_path / "daily.parquet").height > 0
    report = httpx.get(f"{base}/report.html", timeout=120)
    assert report.status_code == 200 and "<html" in report.text[:500].lower()
    assert "unsafe-inline" in report.headers["content-security-policy"]


def test_study_errors_get_the_envelope_naming_the_field(server: Server) -> None:
    for body, field in (
        ({**TINY, "reps": 0}, "reps"),
        ({**TINY, "reps": 100_000}, "reps"),
        ({**TINY, "start": "2015-01-01"}, "start"),
        ({**TINY, "end": "2019-12-01"}, "end"),
        ({**TINY, "scenarios": ["/etc/passwd"]}, "scenarios"),
        ({**TINY, "scenarios": [{"law": {"no.such": []}}]}, "scenarios"),
        ({**TINY, "workers": 3}, "workers"),
        ({**TINY, "seed": -1}, "seed"),
    ):
        assert_envelope(httpx.post(f"{server.url}/api/v1/studies", json=body), 422, field)
    missing = "/api/v1/studies/0123456789abcdef0123456789abcdef"
    for suffix in ("", "/summary", "/daily.parquet", "/report.html"):
        assert_envelope(httpx.get(server.url + missing + suffix), 404, "study_id")
    assert_envelope(httpx.delete(server.url + missing), 404, "study_id")
    assert_envelope(httpx.get(f"{server.url}/api/v1/studies/..%2F..%2Fetc"), 404)


def test_a_cancelled_study_stops_and_results_of_an_unfinished_one_are_409(server: Server) -> None:
    long = {**TINY, "end": "2020-06-30", "reps": 8}
    r = httpx.post(f"{server.url}/api/v1/studies", json=long)
    assert r.status_code == 202
    assert_envelope(httpx.get(server.url + r.headers["location"] + "/summary"), 409, "study_id")
    cancelled = httpx.delete(server.url + r.headers["location"]).json()
    assert cancelled["status"] in ("cancelled", "running")
    assert server.wait_study(r.headers["location"])["status"] == "cancelled"


@pytest.mark.slow
def test_a_full_queue_answers_429_with_retry_after(tmp_path: Path) -> None:
    srv = Server(
        tmp_path / "data", tmp_path / "log", "--queued-studies", "1", "--study-workers", "1"
    )
    try:
        long = {**TINY, "end": "2020-03-31", "reps": 4}
        codes = [httpx.post(f"{srv.url}/api/v1/studies", json=long) for _ in range(4)]
        refused = [r for r in codes if r.status_code == 429]
        assert refused and int(refused[0].headers["retry-after"]) > 0
        assert_envelope(refused[0], 429)
        for r in codes:
            if r.status_code == 202:
                httpx.delete(srv.url + r.headers["location"])
    finally:
        srv.stop()


@pytest.mark.slow
def test_studies_survive_a_restart(tmp_path: Path) -> None:
    first = Server(tmp_path / "data", tmp_path / "log1")
    try:
        r = httpx.post(f"{first.url}/api/v1/studies", json=TINY)
        assert first.wait_study(r.headers["location"])["status"] == "done"
    finally:
        first.stop()
    second = Server(tmp_path / "data", tmp_path / "log2")
    try:
        again = httpx.get(second.url + r.headers["location"]).json()
        assert again["status"] == "done"
        assert httpx.get(second.url + r.headers["location"] + "/summary").json()["seed"] == 3
    finally:
        second.stop()


def test_health_unknown_routes_and_methods(server: Server) -> None:
    h = httpx.get(f"{server.url}/api/v1/health").json()
    assert h["ok"] is True and h["parameters"] > 20
    assert_envelope(httpx.get(f"{server.url}/api/v1/nothing"), 404)
    assert_envelope(httpx.put(f"{server.url}/api/v1/health"), 405)


def test_security_headers_no_cors_and_loopback_by_default(server: Server) -> None:
    r = httpx.get(f"{server.url}/screen", headers={"origin": "https://example.org"})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "access-control-allow-origin" not in r.headers
    log = server.log.read_text()
    assert "http://127.0.0.1:" in log and "warning" not in log.lower()


@pytest.mark.slow
def test_binding_elsewhere_warns(tmp_path: Path) -> None:
    from asylum_pathways.cli.serve_cmd import _loopback

    assert _loopback("127.0.0.1") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.168.1.4")
    result = subprocess.run(
        [sys.executable, "-m", "asylum_pathways", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "warning: binding 0.0.0.0" in result.stderr


def test_cors_headers_only_for_configured_origins(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from asylum_pathways.service.app import create_app
    from asylum_pathways.service.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, cors_origins=("https://tool.example",)))
    client = TestClient(app)
    allowed = client.get("/api/v1/parameters?q=x", headers={"origin": "https://tool.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://tool.example"
    other = client.get("/api/v1/parameters?q=x", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_concurrent_single_determinations_each_get_their_own_answer(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    variants = [
        record(citizenship=c, demographic=d)
        for c in ("HN", "SV", "MX", "GT", "CU")
        for d in ("SA", "FMUA", "UAC")
    ] + [record(citizenship="Guatemala")]  # same person_id everywhere, one invalid

    def post(r: dict) -> httpx.Response:
        return httpx.post(f"{server.url}/api/v1/determinations", json={"records": r})

    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(post, variants))
    alone = [post(r) for r in variants]
    assert [r.status_code for r in together] == [r.status_code for r in alone]
    assert [r.json() for r in together] == [r.json() for r in alone]
    assert together[-1].status_code == 422 and together[0].json()["family_size"] == 1

"""The service under load: `asylum-pathways serve` as a real process on loopback.

    .venv/bin/python benchmarks/bench_serve.py [--clients 50] [--requests 200]
        [--rate 100] [--open-seconds 30] [--batches 20] [--batch-size 10000]
        [--max-seconds 900]

1. The floor: `--clients` concurrent clients each send `--requests` GET /api/v1/health (a
   route that does nothing), then the same clients send as many single determinations (the
   bundled example, explained, as `determine --json`), closed loop: throughput, p50/p95/p99
   latency, errors, and determinations / floor throughput (target >= 0.6). Then an open
   loop: single determinations sent on a fixed schedule, `--rate` a second for
   `--open-seconds`, whether or not earlier ones were answered; latency from each request's
   scheduled send time (target p95 <= 50 ms).
2. `--batches` requests of `--batch-size` records (`explain: false`, the rows of
   `determine --out`), one at a time: seconds per batch, p50/p95, errors (target <= 1 s); and
   one batch of 1,000 records with explanations, for scale.
Baselines measured in the same run: the floor, and the same work in-process (no HTTP), so
the ratios say what HTTP, JSON and validation cost. The server's own CPU time per request
(/proc/PID/stat, its study worker process included) for the floor and for the
determinations: their ratio does not move with what else the machine runs, as throughput on
shared cores does. Server RSS (current and peak) from /proc. Bounded: every request has a
timeout and the whole run stops at --max-seconds; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = json.loads(
    (ROOT / "src/asylum_pathways/examples/honduran-adult-el-paso.json").read_text()
)


#: An open-loop connection idle longer than this is closed, not reused (seconds).
STALE = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    """User and system CPU time used so far by a process and every process below it (the
    server and its study worker), seconds (/proc/PID/stat)."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended meanwhile
    tree, grew = {pid}, True
    while grew:
        below = {p for p, f in stats.items() if int(f[1]) in tree} - tree
        tree |= below
        grew = bool(below)
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) for p in tree if p in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[int(q) - 1] if len(xs) > 1 else xs[0]


def baseline(batch: int) -> tuple[float, float]:
    """Seconds for one explained determination and for a batch of rows, in-process: what the
    API writes for them (`determinations.written`), without HTTP."""
    from asylum_pathways.params import load_tree
    from asylum_pathways.scenarios import load_scenario
    from asylum_pathways.service.determinations import written

    tree = load_tree()
    history = load_scenario("history", tree)
    written(EXAMPLE, history, None, 1)
    t0 = time.perf_counter()
    for _ in range(50):
        written(EXAMPLE, history, None, 1)
    one = (time.perf_counter() - t0) / 50
    records = [dict(EXAMPLE, person_id=f"P{i}") for i in range(batch)]
    t0 = time.perf_counter()
    written(records, history, None, batch, explain_each=False)
    return one, time.perf_counter() - t0


async def singles(
    url: str, clients: int, requests: int, deadline: float, floor: bool = False
) -> dict:
    """`clients` keep-alive connections, each sending `requests` determinations one after
    another. The client is a few lines of asyncio streams speaking HTTP/1.1, not httpx: on
    these two cores httpx's own work (about 5 ms a request) would be most of what is measured,
    and it shares the cores with the server. With `floor`, GET /api/v1/health instead: what
    the HTTP stack alone costs at the same concurrency."""
    host, port = url.removeprefix("http://").split(":")
    request = _request(host, floor)
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}

    async def one_client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(requests):
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                ok, kind = await _exchange(reader, writer, request, floor)
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1
                    kinds[kind] = kinds.get(kind, 0) + 1
                    return
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    seconds = time.perf_counter() - t0
    return {
        "n": len(latencies),
        "seconds": seconds,
        "latencies": latencies,
        "errors": errors,
        "kinds": kinds,
    }


def _request(host: str, floor: bool) -> bytes:
    body = b"" if floor else json.dumps({"records": EXAMPLE}).encode()
    line = b"GET /api/v1/health" if floor else b"POST /api/v1/determinations"
    return (
        line + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes, floor: bool
) -> tuple[bool, str]:
    """One request and its response on a keep-alive connection: (ok, kind of failure)."""
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(v)
            for k, _, v in (x.partition(":") for x in lines[1:])
            if k.lower() == "content-length"
        )
        payload = await asyncio.wait_for(reader.readexactly(length), 30)
        answer = json.loads(payload)
        ok = status == 200 and (floor or answer["pathway"] == "ACA_TRANSFER")
        return ok, f"HTTP {status}: {payload[:200]!r}"
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
        return False, type(exc).__name__


async def open_loop(url: str, rate: float, seconds: float, deadline: float) -> dict:
    """Single determinations sent on a fixed schedule, `rate` a second for `seconds`,
    whether or not earlier ones were answered (open loop): each goes out on an idle
    keep-alive connection, or a new one when all are busy. Latency is measured from the
    scheduled send time, so a server that falls behind is charged for the queue."""
    host, port = url.removeprefix("http://").split(":")
    request = _request(host, floor=False)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    opened = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.5
    count = int(rate * seconds)

    async def one(i: int) -> None:
        nonlocal opened
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        if time.monotonic() > deadline:
            return
        try:
            while idle and loop.time() - idle[-1][2] > STALE:
                idle.pop()[1].close()  # the server may close it (uvicorn keeps 5 s)
            if idle:
                conn = idle.pop()[:2]
            else:
                conn = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 30)
                opened += 1
        except (TimeoutError, OSError) as exc:
            kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
            return
        ok, kind = await _exchange(*conn, request, floor=False)
        latencies.append(loop.time() - due)
        if ok:
            idle.append((*conn, loop.time()))
        else:
            kinds[kind] = kinds.get(kind, 0) + 1
            conn[1].close()

    await asyncio.gather(*(one(i) for i in range(count)))
    for _, writer, _ in idle:
        writer.close()
    return {
        "sent": count,
        "latencies": latencies,
        "errors": sum(kinds.values()),
        "kinds": kinds,
        "connections": opened,
    }


def batches(url: str, count: int, size: int, deadline: float) -> dict:
    records = [dict(EXAMPLE, person_id=f"P{i}") for i in range(size)]
    body = json.dumps({"records": records, "explain": False}).encode()
    times: list[float] = []
    errors = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            r = client.post(
                "/api/v1/determinations", content=body, headers={"content-type": "application/json"}
            )
            times.append(time.perf_counter() - t0)
            errors += not (r.status_code == 200 and len(r.json()) == size)
        explained = [dict(EXAMPLE, person_id=f"P{i}") for i in range(1000)]
        t0 = time.perf_counter()
        r = client.post("/api/v1/determinations", json={"records": explained})
        full = time.perf_counter() - t0
        errors += not (r.status_code == 200 and len(r.json()) == 1000)
    return {"times": times, "errors": errors, "explained_1000": full, "bytes": len(body)}


def lab_study(url: str, deadline: float) -> None:
    """The lab page's default study (its levers untouched but the El Salvador cap), timed from
    submission to done."""
    import re

    page = httpx.get(f"{url}/lab", params={"sv_cap": "1000"}, timeout=30).text
    spec = json.loads(re.search(r'id="study-spec">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    t0 = time.perf_counter()
    r = httpx.post(f"{url}/api/v1/studies", json=spec, timeout=30)
    status = r.json()
    while status["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = httpx.get(url + r.headers["location"], timeout=30).json()
    print(
        f"4. the lab's study ({spec['reps']} replications, {spec['start']} to {spec['end']}, "
        f"2 scenarios): {time.perf_counter() - t0:.1f} s to {status['status']} (target ~15 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100, help="Open-loop requests a second.")
    parser.add_argument("--open-seconds", type=float, default=30, help="Open-loop duration.")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument(
        "--lab", action="store_true", help="Also time the lab's study (10 x one year, 2 workers)."
    )
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds

    one, batch_in = baseline(args.batch_size)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="bench-serve-")
    log = Path(data) / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "asylum_pathways",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                data,
                "--study-workers",
                "1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while True:
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {log.read_text()[-1000:]}")
        time.sleep(2)  # the study pool's worker finishes starting, off the measurements
        idle, _ = rss(server.pid)
        cpu0 = cpu_seconds(server.pid)
        h = asyncio.run(singles(url, args.clients, args.requests, deadline, floor=True))
        cpu1 = cpu_seconds(server.pid)
        s = asyncio.run(singles(url, args.clients, args.requests, deadline))
        cpu2 = cpu_seconds(server.pid)
        floor_cpu, single_cpu = (cpu1 - cpu0) / h["n"], (cpu2 - cpu1) / s["n"]
        floor_rate = h["n"] / h["seconds"]
        rate = s["n"] / s["seconds"]
        lat = [x * 1000 for x in s["latencies"]]
        hl = [x * 1000 for x in h["latencies"]]
        p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
        print(
            f"1. {s['n']:,} single determinations from {args.clients} concurrent clients "
            f"(closed loop) in {s['seconds']:.1f} s: {rate:.0f} requests/s; latency p50 "
            f"{p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; errors "
            f"{s['errors']}{' ' + str(s['kinds']) if s['errors'] else ''}"
        )
        print(
            f"   the floor, GET /api/v1/health (a route that does nothing) from the same "
            f"clients, same run: {floor_rate:.0f} requests/s, p50 {pct(hl, 50):.0f} ms, p95 "
            f"{pct(hl, 95):.0f} ms; determinations / floor throughput = "
            f"{rate / floor_rate:.2f} (target >= 0.6)"
        )
        print(
            f"   server CPU time per request (its processes; the machine's other load aside): "
            f"floor {floor_cpu * 1000:.2f} ms, determination {single_cpu * 1000:.2f} ms; floor / "
            f"determination = {floor_cpu / single_cpu:.2f}"
        )
        print(
            f"   in-process baseline {one * 1000:.2f} ms each ({1 / one:.0f}/s on one core): "
            f"HTTP throughput / in-process = {rate * one:.2f}"
        )
        o = asyncio.run(open_loop(url, args.rate, args.open_seconds, deadline))
        ol = [x * 1000 for x in o["latencies"]]
        if ol:
            print(
                f"   open loop: {o['sent']:,} single determinations scheduled at {args.rate:g}/s "
                f"for {args.open_seconds:g} s, {len(ol):,} answered over {o['connections']} "
                f"connections; latency from the scheduled send: p50 {pct(ol, 50):.0f} ms, "
                f"p95 {pct(ol, 95):.0f} ms, p99 {pct(ol, 99):.0f} ms, max {max(ol):.0f} ms "
                f"(target p95 <= 50 ms); errors {o['errors']}"
                f"{' ' + str(o['kinds']) if o['errors'] else ''}"
            )
        b = batches(url, args.batches, args.batch_size, deadline)
        t = b["times"]
        print(
            f"2. {len(t)} batches of {args.batch_size:,} records ({b['bytes'] / 1e6:.1f} MB each, "
            f"rows): median {statistics.median(t):.2f} s, p95 {pct(t, 95):.2f} s, max {max(t):.2f} s "
            f"(target <= 1 s: {'met' if statistics.median(t) <= 1 else 'NOT met'}); "
            f"errors {b['errors']}"
        )
        print(
            f"   in-process baseline {batch_in:.2f} s: HTTP / in-process = "
            f"{statistics.median(t) / batch_in:.2f}; 1,000 records with explanations: "
            f"{b['explained_1000']:.2f} s"
        )
        now, peak = rss(server.pid)
        print(f"3. server RSS: idle {idle:.0f} MB, after the load {now:.0f} MB, peak {peak:.0f} MB")
        if args.lab:
            lab_study(url, deadline)
        if s["errors"] or b["errors"] or o["errors"]:
            raise SystemExit("errors under load")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

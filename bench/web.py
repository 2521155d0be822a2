"""Web hub load benchmark: concurrent clients on the API over the demo hub, on loopback.

    python bench/web.py [--clients 50] [--seconds 20] [--scale 20000] [--workers 1]
                        [--client auto|wrk|python]

Builds the demo hub (``tessera demo --no-serve``) in a temporary folder, serves it with
``tessera serve`` in its own process(es), and drives it from this process with ``--clients``
concurrent clients for ``--seconds`` on each endpoint: throughput and p50/p95/p99 latency.
The clients are wrk's (Debian package ``wrk``) when it is installed: a C load generator takes
little of the two cores the server needs; otherwise they are this process's (asyncio, httpx),
whose own work then weighs on the figures. The output says which.
Then it times each dashboard page as a signed-in browser would load it (the HTML and its
stylesheet). Issue 9 asks p95 <= 100 ms for 50 clients and pages in <= 1 s.

The endpoints measured: one record by reference, a record search, the caller's identity, the
caller's agency's hits, and the network neighbourhood of one of the caller's key players (the
network is built on the first request and kept: the warm-up request builds it). The entity
view is the convener's analysts' alone; a police token measures what a member agency uses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx

P95_CEILING_MS = 100.0
PAGE_CEILING_S = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _build(folder: Path, scale: int) -> tuple[str, list[tuple[str, str]]]:
    """The demo hub; an API token of a police analyst, and refs that analyst may see."""
    from sqlalchemy import select
    from typer.testing import CliRunner

    from tessera.cli import app
    from tessera.hub import admin, records
    from tessera.hub.db import Hub
    from tessera.hub.models import User

    done = CliRunner().invoke(
        app, ["demo", "--data-dir", str(folder), "--scale", str(scale), "--no-serve"]
    )
    if done.exit_code:
        sys.exit(f"demo failed: {done.output[-2000:]}")
    hub = Hub.open(f"sqlite:///{folder / 'hub.sqlite'}")
    with hub.session() as s:
        user = s.scalars(select(User.username).where(User.username.like("%-pol"))).first()
        assert user is not None, "the demo has police users"
        token = admin.issue_token(s, "bench", user, "load benchmark")
        seen = records.list_records(s, admin.actor(s, user), limit=5000)
        refs = [(r.agency.code, r.ref) for r in seen]
    hub.engine.dispose()
    return token, refs


def _serve(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TESSERA_DATA_DIR": str(folder), "TESSERA_DEMO": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "tessera.cli", "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


async def _drive(
    base: str, token: str, clients: int, seconds: float, path_of: Callable[[random.Random], str]
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=30
    ) as client:

        async def one(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    answer = await client.get(path_of(rng))
                    errors += answer.status_code >= 400
                except httpx.TransportError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(one(n) for n in range(clients)))
    return latencies, errors


def _ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


WRK_SCRIPT = """
paths = %s
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Authorization"] = "Bearer %s"})
end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "errors": %%d, "p50": %%f, "p95": %%f, "p99": %%f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _wrk(wrk: str, base: str, token: str, clients: int, seconds: float, paths: list[str]
         ) -> tuple[float, float, float, float, int]:
    """Requests per second, p50, p95, p99 (ms) and errors, measured by wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (json.dumps(paths).replace("[", "{").replace("]", "}"), token))
    try:
        done = subprocess.run(
            [wrk, "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "-s", script.name, base],
            capture_output=True, text=True, check=True,
        )
    finally:
        Path(script.name).unlink()
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return (figures["requests"] / figures["seconds"], figures["p50"], figures["p95"],
            figures["p99"], figures["errors"])


def _python(base: str, token: str, clients: int, seconds: float, paths: list[str]
            ) -> tuple[float, float, float, float, int]:
    latencies, errors = asyncio.run(
        _drive(base, token, clients, seconds, lambda r: r.choice(paths))
    )
    return (len(latencies) / seconds, _ms(latencies, 50), _ms(latencies, 95), _ms(latencies, 99),
            errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tessera-bench-web-") as tmp:
        folder = Path(tmp) / "demo"
        print(f"building the demo hub (scale {args.scale:,})…", flush=True)
        token, refs = _build(folder, args.scale)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _serve(folder, port, args.workers)
        try:
            rng = random.Random(0)
            endpoints = {
                "record by ref": [f"/api/v1/records/{a}/{r}"
                                  for a, r in rng.sample(refs, min(2000, len(refs)))],
                "record search": [f"/api/v1/records?type=person&limit=20&offset={n}"
                                  for n in range(200)],
                "who am I": ["/api/v1/session/me"],
                "hits": [f"/api/v1/hits?limit=20&offset={n}" for n in range(20)],
                "neighbourhood": [f"/api/v1/network/neighbourhood?node={quote(n, safe='')}"
                                  for n in _key_players(base, token)],
            }
            wrk = shutil.which("wrk") if args.client in ("auto", "wrk") else None
            if args.client == "wrk" and wrk is None:
                sys.exit("wrk is not installed (apt-get install wrk)")
            print(f"{args.clients} clients ({'wrk' if wrk else 'Python asyncio'}), "
                  f"{args.seconds:.0f} s per endpoint, {args.workers} server process(es), "
                  f"{len(refs):,} refs")
            worst = 0.0
            for name, paths in endpoints.items():
                rate, p50, p95, p99, errors = (
                    _wrk(wrk, base, token, args.clients, args.seconds, paths) if wrk
                    else _python(base, token, args.clients, args.seconds, paths)
                )
                worst = max(worst, p95)
                print(f"  {name:14} {rate:7,.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                      f"p99 {p99:6.1f} ms  errors {errors}")
            print(f"worst p95 {worst:.1f} ms: "
                  f"{'within' if worst <= P95_CEILING_MS else 'OVER'} the {P95_CEILING_MS:.0f} ms "
                  "ceiling")
            _pages(base, refs)
        finally:
            server.terminate()
            server.wait(30)


def _key_players(base: str, token: str) -> list[str]:
    """The caller's fifty key players' node ids (building the caller's network, once)."""
    start = time.perf_counter()
    answer = httpx.get(f"{base}/api/v1/network/key-players?limit=50", timeout=300,
                       headers={"authorization": f"Bearer {token}"})
    answer.raise_for_status()
    print(f"the caller's network built and analysed in {time.perf_counter() - start:.1f} s")
    return [p["node"] for p in answer.json()]


def _pages(base: str, refs: list[tuple[str, str]]) -> None:
    """Each page, as a signed-in person loads it: sign in once, then the HTML and the CSS."""
    from tessera.cli.demo import DEMO_PASSWORD

    agency, ref = refs[0]
    with httpx.Client(base_url=base, timeout=30) as client:
        user = agency.lower()
        client.post("/login", data={"username": user, "password": DEMO_PASSWORD})
        worst = 0.0
        for path in ("/", "/records", f"/records/{agency}/{ref}", "/records?type=person",
                     "/submissions", "/network", "/network"):  # built, then kept
            start = time.perf_counter()
            page = client.get(path)
            client.get("/static/tessera.css")
            took = time.perf_counter() - start
            worst = max(worst, took)
            print(f"  page {path:40} {page.status_code} {took * 1000:7.1f} ms")
        print(f"slowest page {worst * 1000:.0f} ms: "
              f"{'within' if worst <= PAGE_CEILING_S else 'OVER'} the "
              f"{PAGE_CEILING_S * 1000:.0f} ms ceiling")


if __name__ == "__main__":
    main()

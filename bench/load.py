"""Load benchmark against one real uvicorn process (SQLite, the fixture scenario), started here.

(a) POST /api/v1/analyze with a realistic ~30-word Dutch sentence versus GET /healthz, with the
    same load tool and the same settings: wrk (`apt-get install -y wrk`) when it is on PATH, else
    an asyncio + httpx load generator in a separate process (the summary says which).
(b) 50 simulated users play the whole scenario at once (asyncio + httpx): start, reply until a
    choice appears, choose, until it ends; latency per reply, errors (must be 0) and the server's
    peak memory (VmHWM of the uvicorn process).

    python -m bench.load [--duration 10] [--connections 32] [--threads 2] [--users 50] [--plays 4]

Every phase is bounded in time; the server is killed at the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.config import ROOT
from api.migrate import upgrade
from tests import live_server

SCENARIO = "api-oefening"
# 32 words, the kind of thing people type: a feeling, a moment, a wish.
SENTENCE = (
    "Ik voelde me eerlijk gezegd niet gehoord toen je gisteravond tijdens het eten steeds op je "
    "telefoon keek, terwijl ik je probeerde te vertellen hoe zwaar mijn week op het werk was."
)
UNSAFE = "Je luistert ook nooit naar me, je zit altijd maar op die telefoon als ik iets vertel!"
SAFE = (
    "Ik voelde me niet gehoord toen je op je telefoon keek terwijl ik over mijn dag vertelde, "
    "en ik zou graag willen dat we even samen praten."
)
STARTUP_TIMEOUT = 60.0


# ---------------------------------------------------------------------------------------------
# The server: the one the resilience and browser tests use (scrubbed environment, fixture library)


@contextlib.contextmanager
def server(workdir: Path, app: str) -> Iterator[live_server.LiveServer]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    log = workdir / "uvicorn.log"
    with live_server.running(url, log, app=app, timeout=STARTUP_TIMEOUT) as srv:
        yield srv


# ---------------------------------------------------------------------------------------------
# (a) throughput: wrk, or the Python generator in its own process


@dataclass
class Throughput:
    tool: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors and timeouts


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run_wrk(url: str, body: str | None, args: argparse.Namespace, workdir: Path) -> Throughput:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    cmd += ["--latency", "--timeout", "10s"]
    if body is not None:
        script = workdir / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{body}]==]\n",
            encoding="utf-8",
        )
        cmd += ["-s", str(script)]
    out = subprocess.run(  # noqa: S603 (wrk from PATH, our own arguments)
        [*cmd, url], capture_output=True, text=True, timeout=args.duration + 60, check=True
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Throughput("wrk", requests, rps, _ms(latency["50"]), _ms(latency["99"]), errors)


def run_python_generator(url: str, body: str | None, args: argparse.Namespace) -> Throughput:
    cmd = [sys.executable, "-m", "bench.load", "--generate", url]
    cmd += ["--connections", str(args.connections), "--duration", str(args.duration)]
    if body is not None:
        cmd += ["--body", body]
    out = subprocess.run(  # noqa: S603 (our own interpreter and module)
        cmd, capture_output=True, text=True, timeout=args.duration + 60, check=True, cwd=ROOT
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return Throughput("python", **result)


async def _generate(url: str, body: str | None, connections: int, duration: float) -> None:
    """The fallback load generator: `connections` keep-alive loops for `duration` seconds."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    content = body.encode() if body is not None else None
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as http:
        stop = time.monotonic() + duration

        async def loop() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    if content is None:
                        r = await http.get(url)
                    else:
                        r = await http.post(url, content=content, headers=headers)
                    ok = r.is_success
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t) * 1000)
                errors += not ok

        started = time.monotonic()
        await asyncio.gather(*(loop() for _ in range(connections)))
        elapsed = time.monotonic() - started
    ms = sorted(latencies)
    print(
        json.dumps(
            {
                "requests": len(ms),
                "rps": len(ms) / elapsed,
                "p50_ms": percentile(ms, 50),
                "p99_ms": percentile(ms, 99),
                "errors": errors,
            }
        )
    )


# ---------------------------------------------------------------------------------------------
# (b) 50 users play the scenario


@dataclass
class Play:
    start_ms: list[float] = field(default_factory=list)
    reply_ms: list[float] = field(default_factory=list)
    choose_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: int = 0


async def _user(http: httpx.AsyncClient, plays: int, rng: random.Random, out: Play) -> None:
    for _ in range(plays):
        t = time.perf_counter()
        r = await http.post("/api/v1/sessions", json={"scenario_id": SCENARIO})
        out.start_ms.append((time.perf_counter() - t) * 1000)
        if r.status_code != 201:
            out.errors.append(f"start {r.status_code}")
            return
        body: dict[str, Any] = r.json()
        sid, headers = body["id"], {"X-Session-Token": body["token"]}
        for _step in range(20):  # the scenario ends in four; twenty is a runaway guard
            if body["status"] == "finished":
                out.finished += 1
                break
            t = time.perf_counter()
            if body["status"] == "awaiting_text":
                # A hot first try, then the calm one: both paths of the scenario are exercised.
                text = UNSAFE if body["prompt"]["attempt"] == 1 else SAFE
                r = await http.post(
                    f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=headers
                )
                out.reply_ms.append((time.perf_counter() - t) * 1000)
            else:
                choice = rng.choice(body["choices"]["options"])["id"]
                r = await http.post(
                    f"/api/v1/sessions/{sid}/choose", json={"choice_id": choice}, headers=headers
                )
                out.choose_ms.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                out.errors.append(f"{body['status']} {r.status_code}")
                return
            body = r.json()
        else:
            out.errors.append("the scenario did not end")


async def play_scenario(url: str, users: int, plays: int, seed: int) -> tuple[Play, float]:
    out = Play()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as http:
        started = time.monotonic()
        # Which option a simulated user picks: not security, so a seeded PRNG is right.
        rngs = [random.Random(seed + i) for i in range(users)]  # noqa: S311
        tasks = [_user(http, plays, rng, out) for rng in rngs]
        results = await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.monotonic() - started
    out.errors += [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    return out, elapsed


# ---------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--plays", type=int, default=4, help="scenarios played by each user")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--python-generator", action="store_true", help="do not use wrk")
    parser.add_argument("--app", default="api.main:app", help="the ASGI app uvicorn serves")
    parser.add_argument("--generate", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--body", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        asyncio.run(_generate(args.generate, args.body, args.connections, args.duration))
        return

    use_wrk = shutil.which("wrk") is not None and not args.python_generator
    if not use_wrk:
        why = "as asked" if args.python_generator else "wrk not found (apt-get install -y wrk)"
        print(
            f"{why}: using the asyncio + httpx generator, which saturates its own CPU long "
            "before the server (compare the two endpoints with each other, not with wrk)"
        )
    body = json.dumps({"text": SENTENCE, "role": "speaker"}, ensure_ascii=False)
    print(f"analyze sentence: {len(SENTENCE.split())} words, {len(SENTENCE)} characters")

    with tempfile.TemporaryDirectory(prefix="vg-bench-") as tmp, server(Path(tmp), args.app) as srv:
        print(f"uvicorn pid {srv.pid} on {srv.url}, SQLite, {os.cpu_count()} cores")
        rss_idle = srv.memory_kib("VmRSS")
        for _ in range(20):  # warm up: the engine loads its word lists on first use
            httpx.post(
                f"{srv.url}/api/v1/analyze",
                content=body.encode(),
                headers={"content-type": "application/json"},
                timeout=30,
            )

        def measure(path: str, payload: str | None) -> Throughput:
            if use_wrk:
                return run_wrk(f"{srv.url}{path}", payload, args, Path(tmp))
            return run_python_generator(f"{srv.url}{path}", payload, args)

        print(f"(a) {args.duration}s each, {args.connections} connections ...", flush=True)
        health = measure("/healthz", None)
        analyze = measure("/api/v1/analyze", body)
        hwm_after_a = srv.memory_kib("VmHWM")

        print(f"(b) {args.users} users x {args.plays} plays of {SCENARIO} ...", flush=True)
        played, elapsed = asyncio.run(
            asyncio.wait_for(play_scenario(srv.url, args.users, args.plays, args.seed), 300)
        )
        hwm = srv.memory_kib("VmHWM")
        server_log = srv.log()

    tool = "wrk" if use_wrk else "python asyncio+httpx (separate process)"
    if use_wrk:
        tool += f", -t{args.threads}"
    print()
    print(f"(a) throughput, {tool}, -c{args.connections}, {args.duration}s per endpoint")
    print(
        f"  {'endpoint':<22}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
    )
    for name, t in (("GET /healthz", health), ("POST /api/v1/analyze", analyze)):
        print(
            f"  {name:<22}{t.requests:>10}{t.rps:>10.0f}{t.p50_ms:>10.1f}{t.p99_ms:>10.1f}"
            f"{t.errors:>8}"
        )
    print(
        f"  analyze/healthz: throughput {analyze.rps / health.rps:.2f}x, "
        f"p50 {analyze.p50_ms / health.p50_ms:.1f}x, p99 {analyze.p99_ms / health.p99_ms:.1f}x"
    )
    print()
    replies = sorted(played.reply_ms)
    total_requests = len(played.start_ms) + len(replies) + len(played.choose_ms)
    print(f"(b) {args.users} concurrent users, {args.plays} plays each, {elapsed:.1f}s")
    print(f"  {'step':<10}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in (
        ("start", played.start_ms),
        ("reply", replies),
        ("choose", played.choose_ms),
    ):
        v = sorted(values)
        print(
            f"  {name:<10}{len(v):>8}{percentile(v, 50):>10.1f}{percentile(v, 99):>10.1f}"
            f"{(v[-1] if v else float('nan')):>10.1f}"
        )
    print(f"  scenarios finished    {played.finished} of {args.users * args.plays}")
    print(f"  requests/s            {total_requests / elapsed:.0f}")
    print(f"  errors                {len(played.errors)}  {played.errors[:3] or ''}")
    print(
        f"  server memory         idle RSS {rss_idle / 1024:.0f} MiB, peak after (a) "
        f"{hwm_after_a / 1024:.0f} MiB, peak overall (VmHWM) {hwm / 1024:.0f} MiB"
    )
    if replies:
        print(f"  reply mean            {statistics.fmean(replies):.1f} ms")
    failed = bool(played.errors) or played.finished != args.users * args.plays
    if "Traceback" in server_log:
        print("the server logged a traceback:\n" + server_log[-3000:])
        failed = True
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

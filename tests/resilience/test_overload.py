"""Overload: with MAX_IN_FLIGHT=4, a flood of slow-ish requests is partly refused with a calm 503
(JSON, Retry-After) instead of queueing or failing, and /healthz answers again at once after."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests import live_server as live

FLOOD = 60  # concurrent clients
REQUESTS_EACH = 2
# About 1000 characters of ordinary Dutch: the feedback engine has real work to do.
SENTENCE = "Ik voelde me niet gehoord toen je gisteren op je telefoon keek terwijl ik vertelde. "
LONG_TEXT = (SENTENCE * 13)[:1000]


async def flood(base: str) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=FLOOD, max_keepalive_connections=FLOOD)
    async with httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits) as http:
        start = asyncio.Event()

        async def one() -> list[httpx.Response]:
            await start.wait()
            return [
                await http.post("/api/v1/analyze", json={"text": LONG_TEXT})
                for _ in range(REQUESTS_EACH)
            ]

        tasks = [asyncio.create_task(one()) for _ in range(FLOOD)]
        await asyncio.sleep(0)
        start.set()
        return [r for batch in await asyncio.gather(*tasks) for r in batch]


@pytest.mark.timeout(120)
def test_a_flood_is_shed_with_503_and_health_stays_up(
    migrated_sqlite_url: str, tmp_path: Path
) -> None:
    assert len(LONG_TEXT) == 1000
    env = {"MAX_IN_FLIGHT": "4"}
    with live.running(migrated_sqlite_url, tmp_path / "uvicorn.log", env) as server:
        # In a worker thread: the browser tests' Playwright keeps an event loop running on the
        # main thread for the rest of the session, and asyncio.run refuses to nest in it.
        with ThreadPoolExecutor(max_workers=1) as pool:
            responses = pool.submit(asyncio.run, flood(server.url)).result()
        flood_over = time.monotonic()
        healthy_after = None
        with httpx.Client(timeout=3.0) as http:
            while time.monotonic() - flood_over < 5.0:
                try:
                    if http.get(f"{server.url}/healthz").status_code == 200:
                        healthy_after = time.monotonic() - flood_over
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        log = server.log()

    statuses = [r.status_code for r in responses]
    shed = [r for r in responses if r.status_code == 503]
    assert len(responses) == FLOOD * REQUESTS_EACH
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert shed, "nothing was shed: is MAX_IN_FLIGHT honoured?"
    assert statuses.count(200) >= 4, "the server must keep serving what it admits"
    for r in shed:
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert body["code"] == "unavailable"
        assert isinstance(body["detail"], str)
        assert body["detail"]
        assert int(r.headers["retry-after"]) >= 1
        assert r.headers["x-content-type-options"] == "nosniff"  # headers on every response
    for r in responses:
        if r.status_code == 200:
            assert r.json()["verdict"] == "safe"
    assert healthy_after is not None, "/healthz did not answer within 5 s after the flood"
    assert "Traceback" not in log
    print(
        f"\noverload: {len(responses)} requests, {statuses.count(200)} served, {len(shed)} shed "
        f"with 503, /healthz 200 after {healthy_after * 1000:.0f} ms"
    )

"""Concurrent writers against one real uvicorn on one SQLite file: every write is answered with
success (no 500, no "database is locked", in an answer or in the server's log), and the database
holds exactly what was acknowledged.

Two loads: 20 writers for 30 seconds, and 50 writers for 15 seconds. 50 is more than the 40
worker threads a sync FastAPI route runs on, which is what exposed a convoy: a request that has
written (and so holds SQLite's write lock) commits only after its response model is validated,
and that validation needs a free worker thread; when every thread sits in SQLite's busy handler
waiting for that very lock, the waiters give up after busy_timeout (10 s) with "database is
locked" and a 500.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from api.practice.models import PracticeSession, SessionEvent
from tests import live_server as live

LOCKED = "database is locked"


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def record(self, what: str, response: httpx.Response, seconds: float, expected: int) -> bool:
        with self.lock:
            self.statuses[(what, response.status_code)] += 1
            self.latencies.append(seconds)
            if response.status_code != expected or LOCKED in response.text:
                self.problems.append(f"{what}: {response.status_code} {response.text[:200]}")
                return False
            return True


def writer(base: str, n: int, tally: Tally, deadline: float) -> None:
    """Start a session and reply twice (unsafe, then safe), again and again until the deadline."""
    with httpx.Client(base_url=base, timeout=30.0) as http:
        i = 0
        while time.monotonic() < deadline:
            t = time.perf_counter()
            r = http.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
            if not tally.record("start", r, time.perf_counter() - t, 201):
                return
            sid, headers = r.json()["id"], {"X-Session-Token": r.json()["token"]}
            for text in (
                f"Je luistert ook nooit ({n}-{i})!",
                f"Ik voelde me niet gehoord ({n}-{i}).",
            ):
                t = time.perf_counter()
                r = http.post(f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=headers)
                if not tally.record("reply", r, time.perf_counter() - t, 200):
                    return
            i += 1


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("writers", "duration"),
    [
        pytest.param(20, 30.0, id="20-writers-30s"),
        pytest.param(50, 15.0, id="50-writers-15s-more-than-worker-threads"),
    ],
)
def test_concurrent_writers(
    migrated_sqlite_url: str, tmp_path: Path, writers: int, duration: float
) -> None:
    tally = Tally()
    with live.running(migrated_sqlite_url, tmp_path / "uvicorn.log") as server:
        deadline = time.monotonic() + duration
        threads = [
            threading.Thread(target=writer, args=(server.url, n, tally, deadline), daemon=True)
            for n in range(writers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=duration + 40)
        assert not any(t.is_alive() for t in threads), "a writer hung"
        log = server.log()

    assert tally.problems == [], tally.problems[:5]
    assert LOCKED not in log
    assert "Traceback" not in log
    assert "unhandled error" not in log
    starts = tally.statuses[("start", 201)]
    replies = tally.statuses[("reply", 200)]
    assert set(tally.statuses) == {("start", 201), ("reply", 200)}
    assert starts >= writers, tally.statuses
    assert replies >= writers, tally.statuses

    # Every acknowledged write is in the database, and nothing else.
    engine = create_engine(migrated_sqlite_url)
    try:
        with engine.connect() as conn:
            sessions = conn.scalar(select(func.count()).select_from(PracticeSession))
            stored = conn.scalar(
                select(func.count()).select_from(SessionEvent).where(SessionEvent.kind == "reply")
            )
    finally:
        engine.dispose()
    assert (sessions, stored) == (starts, replies)

    ms = sorted(x * 1000 for x in tally.latencies)
    print(
        f"\n{writers} writers, {duration:.0f}s: {starts} sessions started, {replies} replies, "
        f"{(starts + replies) / duration:.0f} writes/s, p50 {ms[len(ms) // 2]:.0f} ms, "
        f"p99 {ms[int(len(ms) * 0.99)]:.0f} ms, max {ms[-1]:.0f} ms, no errors"
    )

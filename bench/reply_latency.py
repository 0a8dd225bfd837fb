"""Latency of POST /api/v1/sessions/{id}/reply through the ASGI app (issue: dialogue sessions).

1,000 replies by default, half unsafe (a retry) and half safe (moves on), on a fresh SQLite file
with the production pragmas and, when it is reachable, on the local PostgreSQL.

    python -m bench.reply_latency [--replies 1000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.config import ROOT, Settings
from api.migrate import upgrade

FIXTURE = ROOT / "tests" / "fixtures" / "dialogues"
UNSAFE = "Je luistert ook nooit naar me, je zit altijd op die telefoon!"
SAFE = "Ik voelde me niet gehoord toen je op je telefoon keek. Ik wil graag dat we even praten."
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def measure(database_url: str, replies: int) -> list[float]:
    settings = Settings(environment="test", database_url=database_url, dialogues_dir=FIXTURE)
    timings: list[float] = []
    with TestClient(create_app(settings)) as client:
        while len(timings) < replies:
            r = client.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
            sid, headers = r.json()["id"], {"X-Session-Token": r.json()["token"]}
            for reply in (UNSAFE, SAFE):
                start = time.perf_counter()
                r = client.post(
                    f"/api/v1/sessions/{sid}/reply", json={"text": reply}, headers=headers
                )
                timings.append(time.perf_counter() - start)
                assert r.status_code == 200, r.text
    return timings[:replies]


def report(name: str, timings: list[float]) -> None:
    ms = sorted(t * 1000 for t in timings)
    p50 = ms[len(ms) // 2]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"{name:<11} replies={len(ms):>5}  p50={p50:6.2f} ms  p99={p99:6.2f} ms  "
        f"mean={statistics.fmean(ms):6.2f} ms  max={ms[-1]:7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=1000)
    args = parser.parse_args()
    print(f"POST /api/v1/sessions/{{id}}/reply through the ASGI app ({args.replies} replies)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        report("SQLite", measure(url, args.replies))

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except OperationalError:
        print("PostgreSQL    not reachable at 127.0.0.1:5432; skipped")
        return
    name = f"vg_bench_{uuid.uuid4().hex[:8]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        report("PostgreSQL", measure(url, args.replies))
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


if __name__ == "__main__":
    main()

"""SIGKILL the server while several clients are writing, 20 times: every answer the clients got
(a 201 for a start, a 200 for a reply) is still there after the restart, nothing they did not send
is, and SQLite's integrity check says ok after every crash.

An acknowledged write must be committed before the answer leaves (api/db.py: the session
dependency commits with scope="function"). A commit that ran after the response would be lost by
a kill that lands between the two; this test is there to catch that.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests import live_server as live

ROUNDS = 20
CLIENTS = 5
SEED = 20251123
# The kill lands this long after the clients start; each round is bounded by ROUND_LIMIT.
KILL_AFTER = (0.1, 1.2)
ROUND_LIMIT = 4.0
SCENARIO = "api-oefening"


def unsafe_text(tag: str) -> str:
    return f"Je luistert ook nooit ({tag})!"


def safe_text(tag: str) -> str:
    return f"Ik voelde me niet gehoord ({tag})."


@dataclass
class Played:
    """One practice session as one client saw it."""

    token: str
    sent: list[str] = field(default_factory=list)  # every reply we sent, answered or not
    acked: list[str] = field(default_factory=list)  # replies answered with 200


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: dict[str, Played] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # wrong answers while the server was up

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def client_loop(base: str, rnd: int, cid: int, ledger: Ledger, stop: threading.Event) -> None:
    """Start sessions and reply (unsafe, then safe) until the server dies or the round ends."""
    n = 0
    with httpx.Client(base_url=base, timeout=5.0) as http:
        while not stop.is_set():
            try:
                r = http.post("/api/v1/sessions", json={"scenario_id": SCENARIO})
            except httpx.TransportError:
                return  # the server is gone: what happened to this request is unknown
            if r.status_code != 201:
                ledger.error(f"start: {r.status_code} {r.text[:200]}")
                return
            sid, token = r.json()["id"], r.json()["token"]
            played = Played(token)
            with ledger.lock:
                ledger.sessions[sid] = played
            for text, verdict, status in (
                (unsafe_text(f"r{rnd}-c{cid}-{n}"), "unsafe", "awaiting_text"),
                (safe_text(f"r{rnd}-c{cid}-{n}"), "safe", "awaiting_choice"),
            ):
                played.sent.append(text)
                try:
                    r = http.post(
                        f"/api/v1/sessions/{sid}/reply",
                        json={"text": text},
                        headers={"X-Session-Token": token},
                    )
                except httpx.TransportError:
                    return
                if r.status_code != 200:
                    ledger.error(f"reply: {r.status_code} {r.text[:200]}")
                    return
                body = r.json()
                if body["feedback"]["verdict"] != verdict or body["status"] != status:
                    ledger.error(f"{text!r}: {body['feedback']['verdict']} {body['status']}")
                played.acked.append(text)
            n += 1


def warm_up(base: str) -> None:
    """The feedback engine loads its word lists on first use (about a second when several
    threads hit it at once); pay that before the clients start, so the kill lands on writes."""
    r = httpx.post(f"{base}/api/v1/analyze", json={"text": unsafe_text("warm")}, timeout=10.0)
    assert r.status_code == 200, r.text


def integrity(path: Path) -> tuple[str, list[tuple[object, ...]]]:
    # A plain connection, as a fresh process would open the file after the crash (WAL replayed).
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return ", ".join(str(row[0]) for row in result), fk


def verify(base: str, sessions: dict[str, Played]) -> int:
    """Every acknowledged session and reply is in its transcript; returns the replies checked."""
    checked = 0
    with httpx.Client(base_url=base, timeout=10.0) as http:
        for sid, played in sessions.items():
            r = http.get(f"/api/v1/sessions/{sid}", headers={"X-Session-Token": played.token})
            assert r.status_code == 200, f"acknowledged session {sid} is gone: {r.status_code}"
            replies = [t["text"] for t in r.json()["transcript"] if t["kind"] == "reply"]
            for text in played.acked:
                assert text in replies, f"acknowledged reply {text!r} lost in the crash"
            # Nothing appears that was not sent, nothing twice, and in the order sent.
            assert replies == played.sent[: len(replies)], (replies, played.sent)
            checked += len(played.acked)
    return checked


@pytest.mark.timeout(180)
def test_acknowledged_writes_survive_sigkill(
    migrated_sqlite_url: str, sqlite_file: Path, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    everything: dict[str, Played] = {}
    previous: dict[str, Played] = {}
    acked_per_round: list[int] = []
    crashed_mid_write = 0
    for rnd in range(ROUNDS):
        server = live.start(migrated_sqlite_url, tmp_path / f"uvicorn-{rnd}.log")
        try:
            # After the restart: what the last round was told is stored, is stored.
            verify(server.url, previous)
            warm_up(server.url)
            ledger = Ledger()
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=client_loop, args=(server.url, rnd, c, ledger, stop), daemon=True
                )
                for c in range(CLIENTS)
            ]
            started = time.monotonic()
            for t in threads:
                t.start()
            time.sleep(rng.uniform(*KILL_AFTER))
            server.kill()
            stop.set()
            for t in threads:
                t.join(timeout=max(0.5, ROUND_LIMIT - (time.monotonic() - started)))
            assert not any(t.is_alive() for t in threads), "a client hung after the kill"
        finally:
            server.kill()

        assert ledger.errors == [], ledger.errors[:5]
        result, fk = integrity(sqlite_file)
        assert result == "ok", f"round {rnd}: integrity_check says {result}"
        assert fk == [], f"round {rnd}: foreign key violations {fk[:5]}"
        acked_per_round.append(sum(len(p.acked) for p in ledger.sessions.values()))
        crashed_mid_write += sum(len(p.sent) > len(p.acked) for p in ledger.sessions.values())
        previous = ledger.sessions
        everything |= ledger.sessions

    # The last round, and once more everything from every round, after a final restart.
    server = live.start(migrated_sqlite_url, tmp_path / "uvicorn-final.log")
    try:
        verify(server.url, previous)
        total = verify(server.url, everything)
    finally:
        server.stop()

    # Not vacuous: the clients really were writing when the kills landed.
    assert sum(n > 0 for n in acked_per_round) >= ROUNDS * 3 // 4, acked_per_round
    assert crashed_mid_write >= ROUNDS // 2, crashed_mid_write
    assert "Traceback" not in server.log()
    print(
        f"\nkill test: {ROUNDS} SIGKILLs, {len(everything)} sessions, {total} acknowledged "
        f"replies all present, {crashed_mid_write} replies in flight at a kill, "
        f"acked per round {acked_per_round}"
    )

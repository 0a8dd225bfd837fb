"""Backups of the embedded SQLite database: `python -m api.backup TARGET.db`.

`VACUUM INTO` writes a consistent, compacted copy while the app keeps running (WAL readers are
not blocked), and the copy holds no pages of deleted text. For PostgreSQL use pg_dump; the
README shows both, and the tests restore each kind.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from api.config import get_settings


def backup_sqlite(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("python -m api.backup is for SQLite; use pg_dump for PostgreSQL")
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(url.database) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))
    with sqlite3.connect(target) as copy:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError(f"the backup {target} failed its integrity check")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path, help="new file to write the backup to")
    args = parser.parse_args()
    written = backup_sqlite(get_settings().database_url, args.target)
    print(f"backup written to {written}")


if __name__ == "__main__":
    main()

"""Operations on the database file: an online backup, and a check for monitors."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.storage import db as database


def backup(db_path: Path, target: Path) -> int:
    """Copy the live database with SQLite's online backup: consistent even while the bot
    writes (pages changed meanwhile are copied again), and the copy is checked afterwards."""
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=1024, sleep=0.005)  # small steps: writers are not starved
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        [(result,)] = copy.execute("PRAGMA integrity_check").fetchall()
        if result != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {result}")
        [(version,)] = copy.execute("PRAGMA user_version").fetchall()
    finally:
        copy.close()
        source.close()
    partial.replace(target)  # a half-written backup never carries the final name
    return int(version)


def check(db_path: Path) -> tuple[bool, str]:
    """Opens (migrations too, as at start-up), schema current, `quick_check` ok, writable."""
    try:
        asyncio.run(_open_and_close(db_path))
    except Exception as exc:
        return False, f"database: FAILED ({type(exc).__name__}: {exc})"
    try:
        plain = sqlite3.connect(db_path, timeout=5)
        [(version,)] = plain.execute("PRAGMA user_version").fetchall()
        [(quick,)] = plain.execute("PRAGMA quick_check").fetchall()
        plain.execute("BEGIN IMMEDIATE")  # takes the write lock: the disk accepts writes
        plain.execute("ROLLBACK")
        plain.close()
    except sqlite3.Error as exc:
        return False, f"database: FAILED ({exc})"
    return quick == "ok" and version == database.SCHEMA_VERSION, (
        f"database: ok (schema {version}, {quick})"
    )


async def _open_and_close(path: Path) -> None:
    conn = await database.connect(path)
    await conn.close()

"""Named values about the database itself (table `meta`, schema 10): the key's check value,
and the health probe's write. Also: does the database hold pseudonyms made with a key?"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.storage.db import Database

KEY_CHECK = "key_check"
PROBE = "health_probe"

# Every table whose rows are keyed by a pseudonym (an HMAC under the key): with any of them
# filled, a new key would make the people in them strangers.
PSEUDONYM_TABLES = (
    "members",
    "user_prefs",
    "self_serve",
    "pending_input",
    "people",
    "attendance",
    "subscriptions",
    "blocked",
)


def key_state(conn: sqlite3.Connection) -> tuple[str | None, bool]:
    """(the stored check value or None, whether pseudonyms are stored). Reads only, and works
    on an older schema too (`health` never migrates): a table not there yet is empty."""
    tables = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    stored = None
    if "meta" in tables:
        row = conn.execute("SELECT value FROM meta WHERE name = ?", (KEY_CHECK,)).fetchone()
        stored = str(row[0]) if row else None
    present = [t for t in PSEUDONYM_TABLES if t in tables]
    pseudonyms = False
    if present:
        query = " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in present)
        (pseudonyms,) = conn.execute(f"SELECT {query}").fetchone()
    return stored, bool(pseudonyms)


def set_value(conn: sqlite3.Connection, name: str, value: str) -> None:
    """Store `value` under `name`, replacing what was there."""
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def _seal(value: str, only_if_empty: bool, conn: sqlite3.Connection) -> str | None:
    """Store the check value unless one is there; None when a new key would come too late
    (pseudonyms were stored meanwhile). Returns the value that is stored now."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        stored, pseudonyms = key_state(conn)
        if stored is None:
            if only_if_empty and pseudonyms:
                conn.execute("ROLLBACK")
                return None
            conn.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (KEY_CHECK, value))
            stored = value
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return stored


class MetaRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def key_state(self) -> tuple[str | None, bool]:
        return await self.db.run(key_state)

    async def seal(self, value: str, *, only_if_empty: bool) -> str | None:
        """Store the key's check value, once (see `_seal`); in one durable transaction."""
        result: str | None = await self.db.run(lambda conn: _seal(value, only_if_empty, conn))
        return result

    async def probe(self, now: int) -> str | None:
        """A real write (committed, without waiting for the disk), then the stored check
        value: for /healthz, which must fail when writes fail or the key no longer matches."""

        def work(conn: sqlite3.Connection) -> str | None:
            set_value(conn, PROBE, str(now))
            row = conn.execute("SELECT value FROM meta WHERE name = ?", (KEY_CHECK,)).fetchone()
            return str(row[0]) if row else None

        return await self.db.write(work, durable=False)

    async def quick_check(self) -> list[str]:
        """`quick_check` on a connection of its own, in a worker thread: neither the writer
        nor the reports' readers wait behind it (a year of a million assists: ~18 s)."""
        rows = await self.db.run(lambda conn: conn.execute("PRAGMA database_list").fetchall())
        path = next(str(row[2]) for row in rows if row[1] == "main")
        return await asyncio.to_thread(_quick_check_file, path)


def _quick_check_file(path: str) -> list[str]:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
    finally:
        conn.close()


def probe_write(conn: sqlite3.Connection, now: int) -> None:
    """`health`'s write: the probe row when schema 10 is there, else a write rolled back
    (the command never changes the schema)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            set_value(conn, PROBE, str(now))
            conn.execute("COMMIT")
        else:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("ROLLBACK")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise

"""Open the SQLite database and bring its schema up to date.

Migrations are numbered SQL scripts applied in order inside one transaction each; the
applied version lives in `PRAGMA user_version`, so an old file upgrades on the next start.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

MIGRATIONS: tuple[str, ...] = (
    # 1: interface language per person, keyed by a pseudonym, never the Telegram id itself.
    """
    CREATE TABLE user_prefs (
        user_key TEXT PRIMARY KEY,
        language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
        updated_at TEXT NOT NULL
    ) STRICT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseTooNew(Exception):
    pass


async def connect(path: Path) -> aiosqlite.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection) -> int:
    current = await schema_version(conn)
    if current > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"database schema {current} is newer than this program ({SCHEMA_VERSION}); upgrade it"
        )
    for number in range(current + 1, SCHEMA_VERSION + 1):
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {number}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION

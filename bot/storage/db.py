"""Open the SQLite database and bring its schema up to date.

The schema's migrations are in `migrations`, the checks of the file itself in `files`, the
connections and the `Database` that serialises writes in `connection`; their names used
outside storage are re-exported here, so callers import them from one place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import migrations
from bot.storage.connection import PURGE_SECONDS, Connection, Database, StorageError
from bot.storage.files import (
    SQLITE_MAGIC,
    DatabaseUnusable,
    about_the_file,
    check_file,
    damaged,
    private_files,
    unusable,
)
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, DatabaseTooNew

__all__ = [
    "MIGRATIONS", "PURGE_SECONDS", "READERS", "SCHEMA_VERSION", "SQLITE_MAGIC", "Connection",
    "Database", "DatabaseTooNew", "DatabaseUnusable", "StorageError", "about_the_file",
    "check_file", "connect", "migrate", "open_database", "private_files", "quick_check",
    "schema_version", "unusable",
]  # fmt: skip

def _prepare(conn: sqlite3.Connection) -> None:
    """The writing connection's settings, in one trip."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA foreign_keys=ON")
    # Erased names and pseudonyms are overwritten with zeros, not left in free space.
    conn.execute("PRAGMA secure_delete=ON")


async def connect(path: Path, *, create: bool = True, check: bool = False) -> Connection:
    """The writing connection, the schema brought up to date. `create`: a missing file
    becomes a new database (the commands that only read pass False); `check`: run
    `quick_check` first (the bot's start). What cannot be used raises DatabaseUnusable."""
    made = check_file(path, create=create)
    try:
        conn = await Connection.open(path, name="sqlite-writer")
    except sqlite3.Error as exc:
        raise unusable(path, exc) from None
    try:
        await conn.call(_prepare)
        if check:
            await quick_check(conn, path)
        await migrate(conn)
    except BaseException as exc:
        await conn.close()
        if made:  # never leave an empty file behind: the next start would refuse it
            for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                name.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error) and about_the_file(exc):
            raise unusable(path, exc) from None
        raise
    private_files(path)
    return conn


async def quick_check(conn: Connection, path: Path) -> None:
    """SQLite's `quick_check` (every page and record, without matching the indexes to
    their tables): a damaged file stops the start with one line."""
    found = [str(row[0]) for row in await conn.fetchall("PRAGMA quick_check(3)")]
    if found != ["ok"]:
        raise damaged(path, found)


READERS = 3


def _prepare_reader(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA busy_timeout=5000")
    # Counting distinct people sorts in a temporary b-tree: in memory it is ~40% faster
    # than on disk (a few MB for a year of a million phone codes).
    conn.execute("PRAGMA temp_store=MEMORY")


async def open_database(path: Path, *, create: bool = True, check: bool = False) -> Database:
    """The writing connection and the readers (see `connect` for `create` and `check`)."""
    conn = await connect(path, create=create, check=check)
    readers: list[Connection] = []
    try:
        for number in range(READERS):
            # Read-only: a report can never write, whatever its SQL says.
            reader = await Connection.open(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, name=f"sqlite-reader-{number}"
            )
            readers.append(reader)
            await reader.call(_prepare_reader)
    except BaseException as exc:
        for reader in readers:
            await reader.close()
        await conn.close()
        if isinstance(exc, sqlite3.Error) and about_the_file(exc):
            raise unusable(path, exc) from None
        raise
    return Database(conn, readers)


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0


async def schema_version(conn: Connection) -> int:
    return await conn.call(_user_version)


async def migrate(conn: Connection, target: int | None = None) -> int:
    """Apply migrations up to `target`, by default all (tests stop early to build every
    older version)."""
    # One trip to the connection's thread for all of them: a statement each was half the
    # time of opening a new database (every test opens one; so does a cold start).
    return await conn.call(migrations.apply, target)

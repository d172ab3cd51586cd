"""Open the SQLite database, bring its schema up to date, and serialise writes.

The schema's migrations are in `migrations`, the checks of the file itself in `files`, the
thread each connection runs on in `connection`; their names used outside storage are
re-exported here, so callers import them from one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bot.storage import migrations
from bot.storage.connection import Connection
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

T = TypeVar("T")
log = logging.getLogger(__name__)
# How long erased data may stay in the write-ahead log while a reader (a big export) holds
# the checkpoint off; the README says so.
PURGE_SECONDS = 600

# What storage raises when the database refuses (a full or read-only disk, a broken file):
# named here so that no caller needs to import sqlite3.
StorageError = sqlite3.DatabaseError


class Database:
    """The writing connection, for the handlers' small reads and writes, and a few readers.

    Every use of the writing connection is one *trip* to its thread (see `connection`):
    `run` hands the thread one function that runs all the statements of a unit of work. The
    thread runs one function at a time, so a transaction inside one function needs no lock,
    and a press never waits for another press's several round trips (measured: the trips,
    each queued behind every other, were most of a press's time). `trips` counts them, for
    the benchmark and the tests that hold a press to one.

    Reports read on their own connections, so a long report never holds up a volunteer.
    """

    def __init__(self, conn: Connection, readers: list[Connection] | None = None) -> None:
        self.conn = conn
        # Tallies and reports read on connections of their own: a long read never waits
        # behind the writer, and in WAL mode it sees only committed records. Several
        # readers let a report's independent queries run at once (sqlite3 releases the GIL).
        self.readers = readers or [conn]
        self._next_reader = 0
        self.trips = 0
        self._data_version: int | None = None
        self._on_outside_change: list[Callable[[], None]] = []
        self._purge: asyncio.Task[None] | None = None

    def on_outside_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after a trip finds that another connection (a command-line
        import, say) has committed since the previous trip: caches must be reloaded."""
        self._on_outside_change.append(listener)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the writing connection's thread: one trip, nothing in between."""
        self.trips += 1
        version, result = await self.conn.call(_versioned, work)
        if version != self._data_version:
            if self._data_version is not None:
                for listener in self._on_outside_change:
                    listener()
            self._data_version = version
        return result

    async def write(self, work: Callable[[sqlite3.Connection], T], *, durable: bool = True) -> T:
        """`work` inside `BEGIN IMMEDIATE` … `COMMIT`, in one trip; the caller confirms to a
        person only after this returns.

        A durable commit waits for the disk (fsync), so a power cut cannot undo what a person
        was told is saved. `durable=False` is for what may be lost to a power cut but never
        to a crash of the bot (a form's draft between two presses): its commit skips the wait.
        """
        return await self.run(partial(_in_transaction, work, durable))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        values = tuple(params)
        return await self.run(lambda conn: conn.execute(sql, values).fetchall())

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement on its own (SQLite makes it atomic without BEGIN/COMMIT); the
        number of rows it changed."""
        values = tuple(params)
        return await self.run(lambda conn: conn.execute(sql, values).rowcount)

    async def read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """A read on a reporting connection (committed data only, never behind the writer)."""
        reader = self.readers[self._next_reader % len(self.readers)]
        self._next_reader += 1
        return await reader.fetchall(sql, params)

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database and truncate it to zero bytes, so that
        what a transaction erased is in no file any more; False when a reader still holds
        an older snapshot (a long export), which keeps the log's pages alive."""
        busy, _, _ = await self.run(
            lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        )
        return not busy

    def purge_soon(self) -> None:
        """After an erasure: checkpoint now, and again until no reader holds it off (at most
        PURGE_SECONDS), without making the person who asked wait for it."""
        if self._purge is None or self._purge.done():
            self._purge = asyncio.get_running_loop().create_task(self._purge_until_done())

    async def _purge_until_done(self) -> None:
        deadline = time.monotonic() + PURGE_SECONDS
        delay = 0.05
        while True:
            try:
                if await self.checkpoint():
                    return
            except (StorageError, ValueError):  # closed meanwhile, or a failing disk
                log.warning("checkpoint after an erasure failed; the next one will do it")
                return
            if time.monotonic() > deadline:
                log.warning("a reader held the log for %d s after an erasure", PURGE_SECONDS)
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def close(self) -> None:
        """Close the writer and the readers, and end their threads; again: nothing."""
        if self._purge is not None and not self._purge.done():
            self._purge.cancel()  # one last try instead of waiting out a reader
            with contextlib.suppress(asyncio.CancelledError, StorageError, ValueError):
                await self._purge
            with contextlib.suppress(StorageError, ValueError):
                await self.checkpoint()
        for reader in self.readers:
            if reader is not self.conn:
                await reader.close()
        await self.conn.close()


def _versioned(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> tuple[int, T]:
    result = work(conn)
    # Changes only when *another* connection committed: cheap, and read in the same trip.
    (version,) = conn.execute("PRAGMA data_version").fetchone()
    return int(version), result


def _in_transaction(
    work: Callable[[sqlite3.Connection], T], durable: bool, conn: sqlite3.Connection
) -> T:
    # In WAL mode, NORMAL syncs only at checkpoints and FULL at every commit; a FULL commit
    # also makes every earlier NORMAL commit durable (the log is written in order).
    conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        # SQLite may have rolled back already (a full disk, an interrupted statement):
        # ROLLBACK would then fail and hide the error that matters.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


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

"""The database as the bot uses it: stdlib sqlite3 connections, each on a thread of its own,
driven from asyncio, and the `Database` that runs one unit of work per trip on them.

The bot runs a *function* on the database's thread (a unit of work: read, decide, write, in
one transaction and one trip), which aiosqlite offers only through its private API. A small
thread with a queue does it with the standard library: every call on a connection runs on
the same thread, one at a time, in the order the calls were made, so a transaction inside
one call needs no lock. (A one-worker ThreadPoolExecutor does the same, but measured here
its futures made each trip about half as slow again: a trip is tens of microseconds.)

The sqlite3 connection is made on its thread and keeps `check_same_thread`: a use from
any other thread fails loudly instead of racing.

The thread is a daemon, so that a connection left open (a crash path that skips `close`)
never keeps the process from exiting, as aiosqlite 0.22's thread did. A trip still running
when the interpreter exits is then abandoned like a crash's: SQLite's log never applies a
transaction that did not commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


class Connection:
    """A sqlite3 connection in autocommit mode (`isolation_level=None`: transactions are
    the caller's explicit BEGIN … COMMIT), used only on its own thread. Made by `open`."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=_serve, args=(self._jobs,), name=name, daemon=True)
        self._raw: sqlite3.Connection | None = None
        self._closed = False

    @classmethod
    async def open(cls, database: str | Path, *, uri: bool = False, name: str) -> Connection:
        """Connect on a new thread called `name`; sqlite3.Error if SQLite refuses."""
        conn = cls(name)
        conn._thread.start()
        try:
            conn._raw = await conn._submit(
                partial(sqlite3.connect, database, isolation_level=None, uri=uri)
            )
        except BaseException:
            conn._closed = True
            conn._jobs.put(None)  # the thread ends
            raise
        return conn

    @property
    def thread(self) -> threading.Thread:
        """The thread every call runs on (for tests)."""
        return self._thread

    async def call(self, work: Callable[..., T], *args: Any) -> T:
        """`work(connection, *args)` on the connection's thread; what it returns or raises.

        Cancelling the caller before `work` starts means it never runs; once started it
        runs to its end (SQLite cannot be stopped half-way from here), so a transaction
        that `work` opens is always committed or rolled back by `work` itself."""
        if self._closed or self._raw is None:
            raise ValueError("the database connection is closed")
        return await self._submit(work, self._raw, *args)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement; the number of rows it changed."""
        return await self.call(_execute, sql, tuple(params))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return await self.call(_fetchall, sql, tuple(params))

    async def close(self) -> None:
        """Close the connection on its thread and end the thread; again: nothing."""
        if self._closed or self._raw is None:
            return
        self._closed = True
        closing = self._submit(self._raw.close)
        self._jobs.put(None)  # after the close: the thread ends
        # Shielded: a cancelled caller must not cancel the close itself, which would leave
        # the file open (and its -wal unmerged) until the process ends.
        await asyncio.shield(closing)

    def _submit(self, work: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((work, args, future))
        return future


def _serve(jobs: queue.SimpleQueue[_Job | None]) -> None:
    """The connection's thread: run each job in turn, hand its outcome to its loop."""
    while (job := jobs.get()) is not None:
        work, args, future = job
        if future.cancelled():  # its caller gave up before it started: never run it
            continue
        try:
            outcome: Callable[[], None] = partial(_settle, future, work(*args), None)
        except BaseException as exc:  # every error, with its type, is the caller's to see
            outcome = partial(_settle, future, None, exc)
        with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody waits
            future.get_loop().call_soon_threadsafe(outcome)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled while the work ran
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _execute(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    return conn.execute(sql, params).rowcount


def _fetchall(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return conn.execute(sql, params).fetchall()


# ---- the database: one writing connection and its readers, one trip per piece of work ------

log = logging.getLogger("bot.storage.db")  # the name operators filter on
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

"""One stdlib sqlite3 connection on a thread of its own, driven from asyncio.

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
import queue
import sqlite3
import threading
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

"""How the console reads what is typed: lines from a terminal, a pipe or a file without
blocking the event loop, and Ctrl-C that ends the session at once."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from typing import TextIO


@contextlib.contextmanager
def ctrl_c_cancels(task: asyncio.Future[None]) -> Iterator[Callable[[], bool]]:
    """Ctrl-C cancels `task` at once, even while waiting for a line (where a thread reading
    stdin would hold it until Enter). Only the main thread may handle signals: elsewhere
    (a test's worker thread) this does nothing."""
    loop = asyncio.get_running_loop()
    pressed: list[bool] = []
    before = signal.getsignal(signal.SIGINT)

    def on_sigint() -> None:
        pressed.append(True)
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (ValueError, RuntimeError, NotImplementedError):
        yield lambda: bool(pressed)
        return
    try:
        yield lambda: bool(pressed)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if before is not None:
            signal.signal(signal.SIGINT, before)  # asyncio.run's own, or a test runner's


class LineReader:
    """Lines from `lines`. A terminal or a pipe is watched by the event loop, so that nothing
    blocks and Ctrl-C is seen at once; anything else (a file, a test's StringIO) is read in a
    thread, which never waits long for those."""

    def __init__(self, lines: TextIO) -> None:
        self.lines = lines
        self._fd = _pollable_fd(lines)
        encoding = getattr(lines, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._buffer = ""
        self._eof = False

    async def readline(self) -> str | None:
        if self.lines is sys.stdin and sys.stdin.isatty():
            sys.stdout.write("> ")
            sys.stdout.flush()
        if self._fd is None:
            line = await asyncio.get_running_loop().run_in_executor(None, self.lines.readline)
            return line.rstrip("\n") if line else None
        while "\n" not in self._buffer and not self._eof:
            await self._readable()
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # the terminal went away: as the end of input
                chunk = b""
            self._eof = not chunk
            self._buffer += self._decoder.decode(chunk, final=not chunk)
        if "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            return line
        line, self._buffer = self._buffer, ""
        return line or None

    async def _readable(self) -> None:
        assert self._fd is not None
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:  # the reader may fire again before the wait is over
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(self._fd, wake)
        try:
            await ready
        finally:
            loop.remove_reader(self._fd)  # also when Ctrl-C cancels the wait


def _pollable_fd(lines: TextIO) -> int | None:
    """The descriptor of a terminal, pipe or socket (what an event loop can watch), else
    None."""
    if sys.platform == "win32":
        return None
    try:
        fd = lines.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None
    if stat.S_ISCHR(mode) and not os.isatty(fd):
        return None  # /dev/null: always readable, read in a thread
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode):
        return fd
    return None

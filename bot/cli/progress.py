"""Progress for the long commands (demo-data, export, qr --all, units import): on a terminal
only, and only once a command has run for a moment; silent in pipes, cron and CI.

Counted work gets a bar (tqdm); work without steps to count (one long transaction) gets its
name and the seconds it has taken so far, ticking."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

# Seconds before anything appears: a command done sooner shows nothing.
DELAY = 1.0
# Seconds between redraws at most.
MININTERVAL = 0.1


def on_terminal(stream: TextIO | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


class _Ticker:
    """`what… 00:12` on one line, redrawn twice a second, after DELAY."""

    def __init__(self, what: str, stream: TextIO) -> None:
        self.stream = stream
        self.bar = tqdm(
            total=None,
            desc=what,
            bar_format="{desc}… {elapsed}",
            file=stream,
            delay=DELAY,
            leave=False,
        )
        self.done = threading.Event()
        self.shown = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)
        self.thread.start()

    def _tick(self) -> None:
        if self.done.wait(DELAY):  # over before the delay: never shown
            return
        self.shown.set()
        while True:
            self.bar.refresh()
            if self.done.wait(0.5):
                return

    def close(self) -> None:
        self.done.set()
        self.thread.join()
        self.bar.close()
        if self.shown.is_set():  # tqdm clears only what it drew itself
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Steps:
    """A bar for counted work (`advance`), then a ticker for each stage after it (`stage`)."""

    def __init__(self, stream: TextIO, total: int | None, what: str) -> None:
        self.stream = stream
        self.bar: tqdm | None = tqdm(
            total=total,
            desc=what,
            unit="",
            unit_scale=True,
            file=stream,
            delay=DELAY,
            mininterval=MININTERVAL,
            leave=False,  # the command's own summary line follows
            dynamic_ncols=True,
        )
        self.ticker: _Ticker | None = None

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def stage(self, what: str) -> None:
        self.close()
        self.ticker = _Ticker(what, self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.ticker is not None:
            self.ticker.close()
            self.ticker = None


class _Quiet(Steps):
    def __init__(self) -> None:
        self.bar = None
        self.ticker = None

    def stage(self, what: str) -> None:
        pass


@contextmanager
def steps(total: int | None, what: str, stream: TextIO | None = None) -> Iterator[Steps]:
    """A `Steps` drawing on stderr when it is a terminal; elsewhere one that does nothing."""
    stream = stream if stream is not None else sys.stderr
    shown = Steps(stream, total, what) if on_terminal(stream) else _Quiet()
    try:
        yield shown
    finally:
        shown.close()


@contextmanager
def progress(
    total: int | None, what: str, stream: TextIO | None = None
) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`: n more of `total` done (None: unknown)."""
    with steps(total, what, stream) as shown:
        yield shown.advance


@contextmanager
def working(what: str, stream: TextIO | None = None) -> Iterator[None]:
    """For work without steps to count: its name and the seconds so far, ticking."""
    stream = stream if stream is not None else sys.stderr
    if not on_terminal(stream):
        yield
        return
    ticker = _Ticker(what, stream)
    try:
        yield
    finally:
        ticker.close()

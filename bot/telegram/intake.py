"""Bounded intake: an update is taken from the queue only when a handler slot is free.

python-telegram-bot's fetcher takes every update from `update_queue` at once and starts a
task for it; `concurrent_updates` limits only the handlers that run. The queue then never
fills, `put()` never waits, and everything fetched (confirmed to Telegram) sits in memory,
lost to a crash. Here the queue's `get()` first waits for a slot, and the update processor
gives the slot back when the update's handling ends. So at most `in_flight` updates are
being handled, at most `queued` wait in the queue, and past that:

- long polling: the updater's `put()` waits, so no `getUpdates` is sent, and Telegram keeps
  the rest (updates are confirmed only by the next `getUpdates`' offset);
- webhook: the listener answers 503 instead of 200, and Telegram delivers the update again.

A crash loses at most `queued + in_flight` confirmed updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram.ext import BaseUpdateProcessor


class Slots:
    """The handler slots shared by the queue (which takes one) and the processor (which
    gives it back)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.busy = 0
        self._free = asyncio.BoundedSemaphore(count)

    async def take(self) -> None:
        await self._free.acquire()
        self.busy += 1

    def give_back(self) -> None:
        self._free.release()
        self.busy -= 1


class IntakeQueue(asyncio.Queue[object]):
    """`update_queue`: bounded, and `get()` returns only once a handler slot is free."""

    def __init__(self, maxsize: int, slots: Slots) -> None:
        super().__init__(maxsize)
        self.slots = slots

    async def get(self) -> object:
        await self.slots.take()
        try:
            item = await super().get()
        except BaseException:
            self.slots.give_back()
            raise
        # The application's stop signal is a bare `object()`: it is never processed, so it
        # holds no slot.
        if type(item) is object:
            self.slots.give_back()
        return item


class SlotProcessor(BaseUpdateProcessor):
    """Handles each update at once, as python-telegram-bot's default does, and gives its
    slot back when the handling ends, however it ends."""

    def __init__(self, slots: Slots) -> None:
        super().__init__(slots.count)
        self.slots = slots

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            self.slots.give_back()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def bounded_intake(in_flight: int, queued: int) -> tuple[IntakeQueue, SlotProcessor]:
    """The queue and the processor to give the ApplicationBuilder (`update_queue`,
    `concurrent_updates`)."""
    slots = Slots(in_flight)
    return IntakeQueue(queued, slots), SlotProcessor(slots)

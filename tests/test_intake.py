"""Bounded intake (issue 24): an update is confirmed to Telegram only when the bot has room
for it, so a crash loses at most MAX_QUEUED + MAX_IN_FLIGHT confirmed updates, and a person
who writes during a burst is still answered within 10 s.

The kill tests run the real `python -m bot run` process against the stand-in Bot API, which
answers sendMessage in 50 ms (a slow Bot API), over long polling and over the webhook. A burst
of 3,000 people each sending /help is delivered; one more person writes in the middle of it;
once they are answered the process is killed with SIGKILL. Then:

- confirmed: over long polling, the updates a later getUpdates' offset confirmed (the
  stand-in forgets them); over the webhook, the deliveries answered 200;
- lost: confirmed, but the person got no answer. That must be at most the bound that
  docs/deployment.md gives;
- the process is started again and given what Telegram still holds (polling: the stand-in's
  queue; webhook: every delivery not answered 200): everyone but the lost is answered.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from telegram import Update

from bot.app import MAX_IN_FLIGHT, MAX_QUEUED, build_application
from bot.standin import SimUser, StandinBotApi
from bot.standin.api import JSONDict
from tests.conftest import make_settings
from tests.test_run_polling import start_run as run_process
from tests.test_run_polling import until

BOUND = MAX_QUEUED + MAX_IN_FLIGHT  # the crash bound of docs/deployment.md
BURST = 3000
SLOW = 0.05  # seconds the stand-in takes to answer each sendMessage
ANSWER_WITHIN = 10.0  # seconds: a person who writes during the burst
SECRET = "5e" * 32  # SECRET_KEY: 64 hex characters
HOOK_SECRET = "intake-webhook-secret-0123"
SENDERS = 32  # Telegram's concurrent webhook deliveries (it allows up to 40)
RETRY_AFTER = 0.25  # seconds before a refused (503) delivery is tried again


async def start_run(
    token: str, base_url: str, tmp_path: Path, *args: str, **env: str
) -> asyncio.subprocess.Process:
    """`python -m bot run [args]`, its output in a file (see tests/test_run_polling.py)."""
    return await run_process(token, base_url, tmp_path, *args, log=True, env=env)


def help_update(api: StandinBotApi, user: SimUser) -> JSONDict:
    """/help from `user`, as the stand-in would deliver it (without queueing it)."""
    message = {
        "message_id": 1,
        "from": user.user,
        "chat": user.private.chat,
        "date": int(time.time()),
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return {"update_id": int(api.new_id()), "message": message}


def answered(user: SimUser) -> bool:
    return bool(user.bot_messages())


async def settle(api: StandinBotApi) -> None:
    """Let the stand-in finish the calls a killed process had already made."""
    await asyncio.sleep(SLOW * 4)


def expect_crash_errors(api: StandinBotApi) -> None:
    """A new poller ends the dead one's long poll (409), and a redelivered update may be
    answered twice; nothing else may be refused."""
    api.expected_errors = sum(  # type: ignore[attr-defined]  # the api fixture adds it
        1 for e in api.errors if e.status == 409
    )


async def stop(process: asyncio.subprocess.Process, tmp_path: Path) -> str:
    """SIGTERM, as systemd stops the service; the process's log."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        raise
    return (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")


# ----- in process: the bound itself ------------------------------------------------------


async def test_the_queue_takes_an_update_only_for_a_free_handler_slot(
    api: StandinBotApi, tmp_path: Path
) -> None:
    """With every handler slot busy, MAX_QUEUED updates wait and the next `put()` waits too
    (which is what stops long polling); nothing more is taken."""
    api.delays["sendMessage"] = 2.0  # every handler is held in its reply (read timeout: 5 s)
    app = build_application(make_settings(tmp_path, api.base_url), token=api.token)
    queue, processor = app.update_queue, app.update_processor
    assert processor.max_concurrent_updates == MAX_IN_FLIGHT and queue.maxsize == MAX_QUEUED
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    users = [SimUser(api, first_name=f"B{n}") for n in range(BOUND + 40)]
    put = 0

    async def feed() -> None:
        nonlocal put
        for user in users:
            await queue.put(Update.de_json(help_update(api, user), app.bot))
            put += 1

    feeder = asyncio.create_task(feed())
    try:
        await until(
            lambda: queue.full() and processor.current_concurrent_updates == MAX_IN_FLIGHT, 20
        )
        await asyncio.sleep(0.3)  # room for a fetcher that takes more than it may
        assert processor.current_concurrent_updates == MAX_IN_FLIGHT
        assert put == BOUND and not feeder.done()
        api.delays.clear()
        await asyncio.wait_for(feeder, 30)  # the slots come back as the replies are sent
        await until(lambda: all(answered(u) for u in users), timeout=30)
        await until(lambda: processor.current_concurrent_updates == 0, timeout=10)
        assert queue.empty()
    finally:
        feeder.cancel()
        api.delays.clear()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


# ----- a real process, killed in a burst ---------------------------------------------------


async def person_during_burst(api: StandinBotApi, send: asyncio.Future[None]) -> float:
    """One more person sends /help once `send` is set: seconds until the answer."""
    person = SimUser(api, first_name="Người thật")
    await send
    started = time.monotonic()
    await person.send("/help")
    await until(lambda: answered(person), timeout=60)
    return time.monotonic() - started


async def test_long_polling_burst_then_kill_loses_at_most_the_bound(
    api: StandinBotApi, tmp_path: Path
) -> None:
    api.delays["sendMessage"] = SLOW
    env = {"SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"}
    process = await start_run(api.token, api.base_url, tmp_path, **env)
    users = [SimUser(api, first_name=f"B{n}") for n in range(BURST)]
    try:
        # The first poll (right after deleteWebhook), then the burst, with a real person
        # writing in the middle of it: they wait behind what Telegram queued before them.
        polling = lambda: any(c.method == "deleteWebhook" for c in api.calls)  # noqa: E731
        await until(lambda: polling() or process.returncode is not None, timeout=30)
        assert polling(), (tmp_path / "bot.log").read_text()
        half = asyncio.get_running_loop().create_future()
        waiting = asyncio.create_task(person_during_burst(api, half))
        by_update: dict[int, SimUser] = {}
        for n, user in enumerate(users):
            if n == BURST // 2:
                half.set_result(None)
                await asyncio.sleep(0)
            by_update[(await user.send("/help"))["update_id"]] = user
        latency = await waiting
        os.kill(process.pid, signal.SIGKILL)  # mid-burst: no chance to clean up
        await process.wait()
        await settle(api)
        held = {u["update_id"] for u in api._queue}  # not confirmed: Telegram still has them
        confirmed = [uid for uid in by_update if uid not in held]
        lost = [uid for uid in confirmed if not answered(by_update[uid])]
        done = sum(answered(u) for u in users)
        print(
            f"\npolling: person answered in {latency:.2f} s; at the kill {len(confirmed)} "
            f"confirmed, {done} answered, {len(lost)} confirmed but unanswered (bound {BOUND})"
        )
        assert done < BURST  # the kill came in the middle of the burst
        assert len(lost) <= BOUND
        assert latency <= ANSWER_WITHIN

        # A new process gets what Telegram kept: everyone else is answered.
        process = await start_run(api.token, api.base_url, tmp_path, **env)
        await until(lambda: api.pending_updates == 0, timeout=120)
        await until(lambda: sum(not answered(u) for u in users) <= len(lost), timeout=60)
        unanswered = [u for u in users if not answered(u)]
        assert {id(u) for u in unanswered} <= {id(by_update[uid]) for uid in lost}
        expect_crash_errors(api)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


class Telegram:
    """Telegram's side of a webhook: SENDERS keep-alive connections POST the updates in
    turn; a 503 puts the update back, to be delivered again after RETRY_AFTER."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.waiting: asyncio.Queue[JSONDict] = asyncio.Queue()
        self.confirmed: list[int] = []  # answered 200
        self.refused = 0  # answered 503
        self.unsent: list[JSONDict] = []  # in hand when the listener went away

    async def post(
        self, stream: tuple[asyncio.StreamReader, asyncio.StreamWriter], update: JSONDict
    ) -> int:
        reader, writer = stream
        body = json.dumps(update).encode()
        writer.write(
            b"POST /tg/hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            + f"X-Telegram-Bot-Api-Secret-Token: {HOOK_SECRET}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        return status

    async def deliver(self, update: JSONDict, stream: tuple | None = None) -> None:
        """One update until it is answered 200 (a person's own delivery)."""
        stream = stream or await asyncio.open_connection("127.0.0.1", self.port)
        try:
            while await self.post(stream, update) == 503:
                self.refused += 1
                await asyncio.sleep(RETRY_AFTER)
        finally:
            stream[1].close()

    async def sender(self) -> None:
        """Deliver from `waiting` until the listener goes away. An update in hand then was
        never answered 200, so Telegram still holds it (`unsent`)."""
        update = None
        try:
            stream = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return
        try:
            while True:
                update = await self.waiting.get()
                status = await self.post(stream, update)
                if status == 200:
                    self.confirmed.append(update["update_id"])
                    update = None
                    continue
                assert status == 503, status
                self.refused += 1
                self.waiting.put_nowait(update)
                update = None
                await asyncio.sleep(RETRY_AFTER)
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            pass  # the process was killed
        finally:
            if update is not None:
                self.unsent.append(update)
            stream[1].close()

    def held(self) -> list[JSONDict]:
        """What Telegram still has to deliver: never answered 200."""
        held = list(self.unsent)
        while not self.waiting.empty():
            held.append(self.waiting.get_nowait())
        self.unsent.clear()
        return held


@asynccontextmanager
async def webhook_process(
    api: StandinBotApi, tmp_path: Path
) -> AsyncIterator[tuple[asyncio.subprocess.Process, Telegram]]:
    from tests.test_webhook_listener import _free_port

    port = _free_port()
    api.webhook = None
    process = await start_run(
        api.token,
        api.base_url,
        tmp_path,
        "--webhook",
        SECRET_KEY=SECRET,
        LOG_LEVEL="WARNING",
        WEBHOOK_URL="https://bot.example.vn/tg/hook",
        WEBHOOK_SECRET=HOOK_SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    try:
        await until(lambda: api.webhook is not None or process.returncode is not None, 30)
        assert api.webhook is not None, (tmp_path / "bot.log").read_text()
        yield process, Telegram(port)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_webhook_burst_then_kill_loses_at_most_the_bound(
    api: StandinBotApi, tmp_path: Path
) -> None:
    api.delays["sendMessage"] = SLOW
    users = [SimUser(api, first_name=f"B{n}") for n in range(BURST)]
    by_update: dict[int, SimUser] = {}
    updates = []
    for user in users:
        update = help_update(api, user)
        by_update[update["update_id"]] = user
        updates.append(update)
    async with webhook_process(api, tmp_path) as (process, telegram):
        senders = [asyncio.create_task(telegram.sender()) for _ in range(SENDERS)]
        for update in updates[: BURST // 2]:
            telegram.waiting.put_nowait(update)
        await until(lambda: len(telegram.confirmed) >= 200, timeout=30)  # under way
        person = SimUser(api, first_name="Người thật")
        started = time.monotonic()
        for update in updates[BURST // 2 :]:
            telegram.waiting.put_nowait(update)
        await asyncio.wait_for(telegram.deliver(help_update(api, person)), 30)
        await until(lambda: answered(person), timeout=60)
        latency = time.monotonic() - started
        await until(lambda: len(telegram.confirmed) >= BURST // 2, timeout=60)
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        await asyncio.wait(senders, timeout=1)  # those in the middle of a POST see the close
        for task in senders:
            task.cancel()  # the rest wait for work
        await asyncio.gather(*senders, return_exceptions=True)
        await settle(api)
        confirmed = list(telegram.confirmed)
        lost = [uid for uid in confirmed if not answered(by_update[uid])]
        done = sum(answered(u) for u in users)
        held = telegram.held()
        print(
            f"\nwebhook: person answered in {latency:.2f} s; at the kill {len(confirmed)} "
            f"answered 200 ({telegram.refused} refused with 503), {done} answered in chat, "
            f"{len(lost)} confirmed but unanswered (bound {BOUND})"
        )
        assert done < BURST and held  # the kill came in the middle of the burst
        assert len(lost) <= BOUND
        assert telegram.refused > 0  # the listener pushed back
        assert latency <= ANSWER_WITHIN
        assert len(confirmed) + len(held) == BURST  # every update is one or the other

    # Started again, the listener gets what Telegram still holds: everyone else is answered.
    async with webhook_process(api, tmp_path) as (process, telegram):
        for update in held:
            telegram.waiting.put_nowait(update)
        senders = [asyncio.create_task(telegram.sender()) for _ in range(SENDERS)]
        await until(lambda: len(telegram.confirmed) == len(held), timeout=120)
        await until(lambda: sum(not answered(u) for u in users) <= len(lost), timeout=60)
        unanswered = {id(u) for u in users if not answered(u)}
        assert unanswered <= {id(by_update[uid]) for uid in lost}
        logs = await stop(process, tmp_path)
        for task in senders:
            task.cancel()
        with suppress(asyncio.CancelledError):
            await asyncio.gather(*senders)
        assert process.returncode == 0, logs[-2000:]
    expect_crash_errors(api)

"""End to end: the real bot process against the stand-in Bot API on loopback, with many
simulated people at once, against the floor (bench/floor_bot.py) on the same harness.

    .venv/bin/python bench/e2e_bench.py [--users 48] [--seconds 20]

Each person waits for the answer to one action before the next. People browse guides,
search, and (half of them, as volunteers) log assists; the floor gets the same mix of
messages and button presses. Printed: cold start, updates per second at saturation,
p50/p95/p99 latency, the same at half the floor's saturated load, idle and peak memory, and
the ratios against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.reach.domain.model import Role  # noqa: E402
from bot.reach.domain.privacy import pseudonym  # noqa: E402
from bot.standin import SimUser, StandinBotApi  # noqa: E402
from bot.storage.db import open_database  # noqa: E402
from bot.storage.members import MemberRepository  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef"
# BENCH_PROFILE=/tmp/bot.prof profiles the bot process (cProfile) to see where time goes.
PROFILE = (
    ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if "BENCH_PROFILE" in os.environ else []
)
TIMEOUT = 15.0


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    updates: int = 0
    seconds: float = 0.0
    timeouts: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Harness:
    """Signals per chat when the bot answered, so people wait without polling."""

    def __init__(self, api: StandinBotApi) -> None:
        self.api = api
        self.events: dict[int, asyncio.Event] = {}
        api.on_call = self._on_call

    def _on_call(self, method: str, params: dict) -> None:
        if method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            chat = params.get("chat_id")
            event = self.events.get(chat) if isinstance(chat, int) else None
            if event is not None:
                event.set()

    async def act(self, user: SimUser, action) -> float | None:  # type: ignore[no-untyped-def]
        event = self.events.setdefault(user.id, asyncio.Event())
        event.clear()
        started = time.perf_counter()
        await action()
        try:
            await asyncio.wait_for(event.wait(), TIMEOUT)
        except TimeoutError:
            return None
        return time.perf_counter() - started


def real_script(user: SimUser, volunteer: bool, rng: random.Random):  # type: ignore[no-untyped-def]
    """One round of what a person does with the real bot, as (action) callables."""
    steps = [
        lambda: user.send("/start"),
        lambda: user.press(rng.randrange(5)),  # a topic
        lambda: user.press(0),  # its first guide
        lambda: user.press("▶ Bắt đầu"),
        lambda: user.press("Tiếp ▶"),
        lambda: user.send(rng.choice(["quen mat khau vneid", "đổi số điện thoại", "smartca"])),
        lambda: user.press(0),  # the first result's intro
    ]
    if volunteer:
        steps += [
            lambda: user.send("/assist"),
            lambda: user.press(rng.randrange(8)),  # a service
            lambda: user.press("31–59"),
            lambda: user.press("Người dân đồng ý – Lưu"),
        ]
    return steps


def floor_script(user: SimUser, volunteer: bool, rng: random.Random):  # type: ignore[no-untyped-def]
    pattern = "mppppmp" + ("mppp" if volunteer else "")
    return [
        (lambda: user.send("xin chào")) if kind == "m" else (lambda: user.press(rng.randrange(3)))
        for kind in pattern
    ]


async def seed(db_path: Path, ids: list[int]) -> None:
    db = await open_database(db_path)
    members = MemberRepository(db)
    invite = await members.create_invite(1, Role.VOLUNTEER, 10_000, "admin", 0, 2**40)
    for telegram_id in ids:
        await members.join(
            invite.code, pseudonym(SECRET.encode(), "tg-user", telegram_id), "TNV", 1
        )
    await db.close()


def rss_kb(pid: int, field_name: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field_name):
                return int(line.split()[1])
    return 0


async def scenario(kind: str, users_n: int, seconds: float, rate: float | None) -> dict:
    api = StandinBotApi()
    await api.start()
    harness = Harness(api)
    users = [SimUser(api, first_name=f"P{n}") for n in range(users_n)]
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as tmp:
        env = {**os.environ, "BOT_TOKEN": api.token, "BOT_API_BASE_URL": api.base_url}
        if kind == "bot":
            db_path = Path(tmp) / "data" / "bot.db"
            await seed(db_path, [u.id for u in users[::2]])
            env.update(
                DB_PATH=str(db_path),
                SECRET_KEY=SECRET,
                FLOOD_MAX_UPDATES="100000",
                LOG_LEVEL="WARNING",
            )
            command = [sys.executable, *PROFILE, "-m", "bot", "run"]
        else:
            command = [sys.executable, str(ROOT / "bench" / "floor_bot.py")]
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            cwd=tmp,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        # Cold start: from launching the process to the first answer a person gets.
        first = SimUser(api, first_name="Warm")
        latency = await harness.act(first, lambda: first.send("/start"))
        assert latency is not None, "the process never answered"
        cold = time.perf_counter() - started
        await asyncio.sleep(0.5)
        idle_kb = rss_kb(process.pid, "VmRSS")
        run = Run(kind)
        stop = time.perf_counter() + seconds
        interval = users_n / rate if rate else 0.0

        async def person(index: int, user: SimUser) -> None:
            rng = random.Random(index)
            script = real_script if kind == "bot" else floor_script
            await asyncio.sleep(rng.random() * max(interval, 0.05))
            while time.perf_counter() < stop:
                for action in script(user, index % 2 == 0, rng):
                    if time.perf_counter() >= stop:
                        return
                    tick = time.perf_counter()
                    latency = await harness.act(user, action)
                    if latency is None:
                        run.timeouts += 1
                        break  # lost our place: start the round again
                    run.latencies.append(latency)
                    run.updates += 1
                    if interval:  # an open pace: one action per person per interval
                        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))

        begun = time.perf_counter()
        await asyncio.gather(*(person(i, u) for i, u in enumerate(users)))
        run.seconds = time.perf_counter() - begun
        peak_kb = rss_kb(process.pid, "VmHWM")
        process.terminate()
        await process.wait()
        errors = len(api.errors)
    await api.stop()
    return {
        "run": run,
        "cold": cold,
        "idle_mb": idle_kb / 1024,
        "peak_mb": peak_kb / 1024,
        "errors": errors,
    }


def line(result: dict) -> str:
    run: Run = result["run"]
    return (
        f"  {run.name:5} {run.rate:7.1f} updates/s  p50 {run.pct(0.5):6.1f} ms  "
        f"p95 {run.pct(0.95):6.1f} ms  p99 {run.pct(0.99):6.1f} ms  timeouts {run.timeouts}  "
        f"API errors {result['errors']}  cold start {result['cold']:.2f} s  "
        f"RSS idle {result['idle_mb']:.0f} MB peak {result['peak_mb']:.0f} MB"
    )


async def main(users_n: int, seconds: float) -> int:
    print(f"saturation: {users_n} people, {seconds:.0f} s each")
    floor = await scenario("floor", users_n, seconds, None)
    print(line(floor))
    bot = await scenario("bot", users_n, seconds, None)
    print(line(bot))
    half = floor["run"].rate / 2
    print(f"half the floor's saturated load: {half:.0f} updates/s")
    floor_half = await scenario("floor", users_n, seconds, half)
    print(line(floor_half))
    bot_half = await scenario("bot", users_n, seconds, half)
    print(line(bot_half))
    rows = [
        (
            "throughput, bot / floor",
            bot["run"].rate / floor["run"].rate,
            "≥ 0.8",
            bot["run"].rate / floor["run"].rate >= 0.8,
        ),
        (
            "p95 at half load, bot / floor",
            bot_half["run"].pct(0.95) / floor_half["run"].pct(0.95),
            "≤ 1.5",
            bot_half["run"].pct(0.95) / floor_half["run"].pct(0.95) <= 1.5,
        ),
        ("cold start (s)", bot["cold"], "≤ 2", bot["cold"] <= 2),
        ("peak RSS (MB)", bot["peak_mb"], "≤ 150", bot["peak_mb"] <= 150),
    ]
    print("\n| measure | value | target | |\n| --- | --- | --- | --- |")
    for name, value, target, ok in rows:
        print(f"| {name} | {value:.2f} | {target} | {'ok' if ok else 'MISSED'} |")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=48)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.users, args.seconds)))

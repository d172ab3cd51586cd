"""End to end: the real bot process against the stand-in Bot API on loopback, with many
simulated people at once, against the floor (bench/floor_bot.py) on the same harness.

    .venv/bin/python bench/e2e_bench.py [--users 48] [--seconds 15] [--rounds 3]

Each person waits for the answer to one action before the next. People browse guides,
search, and (half of them, as volunteers) log assists; the floor gets the same mix of
messages and button presses. Printed, side by side with the floor: updates per second at
saturation; p50/p95/p99 latency at half the floor's saturated load, for guide taps and for
the whole assist form (/assist, a service, an age band, save); cold start; idle and peak
memory; the database trips each kind of press makes (counted on the real application in
this process, not estimated); and the ratios against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.model import Role  # noqa: E402
from bot.domain.privacy import pseudonym  # noqa: E402
from bot.standin import SimUser, StandinBotApi  # noqa: E402
from bot.storage.db import open_database  # noqa: E402
from bot.storage.members import MemberRepository  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef"
# BENCH_PROFILE=/tmp/bot.prof profiles the bot process (cProfile) to see where time goes.
PROFILE = (
    ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if "BENCH_PROFILE" in os.environ else []
)
TIMEOUT = 15.0


KINDS = ("guide", "assist")  # guide taps and searches; the assist form's message and presses


@dataclass
class Run:
    name: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    updates: int = 0
    seconds: float = 0.0
    timeouts: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def pct(self, q: float, kind: str | None = None) -> float:
        values = self.latencies[kind] if kind else [v for k in KINDS for v in self.latencies[k]]
        if not values:
            return float("nan")
        ordered = sorted(values)
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

    async def act(self, user: SimUser, action) -> float | None:  # type: ignore[no-untyped-def]  # action: a script step (coroutine function)
        event = self.events.setdefault(user.id, asyncio.Event())
        event.clear()
        started = time.perf_counter()
        await action()
        try:
            await asyncio.wait_for(event.wait(), TIMEOUT)
        except TimeoutError:
            return None
        return time.perf_counter() - started


def press_op(user: SimUser, op: str, rng: random.Random):  # type: ignore[no-untyped-def]  # press_data's coroutine
    """Press one of the last message's outreach buttons that does `op` (`1|a|<form>|<op>|…`),
    chosen at random: "s" is a service. By what it does, not where it sits: the form's group
    labels are buttons too, and pressing one only shows a toast (no screen to wait for)."""
    buttons = [b for b in user.buttons(user.last()) if "callback_data" in b]
    matching = [b for b in buttons if b["callback_data"].split("|")[3:4] == [op]]
    assert matching, f"no button does {op!r}: {[b['text'] for b in buttons]}"
    return user.press_data(matching[rng.randrange(len(matching))]["callback_data"])


def start_guide(user: SimUser):  # type: ignore[no-untyped-def]  # press_data's coroutine
    """Press the intro's way into step 1, whichever label it has."""
    buttons = [b for b in user.buttons(user.last()) if "callback_data" in b]
    first = next(b for b in buttons if b["callback_data"].startswith("1|s|"))
    return user.press_data(first["callback_data"])


def real_script(user: SimUser, volunteer: bool, rng: random.Random):  # type: ignore[no-untyped-def]  # (kind, step) pairs
    """One round of what a person does with the real bot, as (kind, action) pairs."""
    steps = [
        ("guide", lambda: user.send("/start")),
        # a topic (a volunteer's menu first offers three buttons of their own)
        ("guide", lambda: user.press(rng.randrange(5) + (3 if volunteer else 0))),
        ("guide", lambda: user.press(0)),  # its first guide
        ("guide", lambda: start_guide(user)),  # «▶ Bắt đầu», or «✅ Rồi, tiếp tục»
        ("guide", lambda: user.press("Tiếp ▶")),
        ("guide", lambda: user.send(rng.choice(["quen mat khau vneid", "đổi số", "smartca"]))),
        ("guide", lambda: user.press(0)),  # the first result's intro
    ]
    if volunteer:
        steps += [
            ("assist", lambda: user.send("/assist")),
            ("assist", lambda: press_op(user, "s", rng)),  # a service
            ("assist", lambda: user.press("31–59")),
            ("assist", lambda: user.press("Người dân đồng ý – Lưu")),
        ]
    return steps


def floor_script(user: SimUser, volunteer: bool, rng: random.Random):  # type: ignore[no-untyped-def]  # (kind, step) pairs
    """The same kinds of update, in the same order, to a bot that does nothing else."""
    pattern = [("guide", c) for c in "mppppmp"] + ([("assist", c) for c in "mppp"] * volunteer)

    def message():  # type: ignore[no-untyped-def]  # a script step
        return user.send("xin chào")

    def press():  # type: ignore[no-untyped-def]  # a script step
        return user.press(rng.randrange(3))

    return [(kind, message if c == "m" else press) for kind, c in pattern]


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


HOOK_SECRET = "bench-webhook-secret-0123456789"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_delivery(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]  # returns deliver
    """Deliver each update as Telegram would, retrying while the listener starts."""

    async def deliver(update: dict) -> None:
        for _ in range(200):
            try:
                response = await client.post("/hook", json=update)
            except httpx.TransportError:
                await asyncio.sleep(0.02)
                continue
            response.raise_for_status()
            return
        raise RuntimeError("the webhook listener never answered")

    return deliver


async def scenario(kind: str, users_n: int, seconds: float, rate: float | None) -> dict:
    # The harness is measuring equipment: what earlier runs left behind is collected and the
    # rest frozen, so that its own full garbage collections (47 ms seen) do not land on
    # whichever process happens to be measured.
    gc.collect()
    gc.freeze()
    api = StandinBotApi()
    await api.start()
    harness = Harness(api)
    users = [SimUser(api, first_name=f"P{n}") for n in range(users_n)]
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as tmp:
        env = {**os.environ, "BOT_TOKEN": api.token, "BOT_API_BASE_URL": api.base_url}
        hook_client = None
        if kind in ("bot", "hook"):
            db_path = Path(tmp) / "data" / "bot.db"
            await seed(db_path, [u.id for u in users[::2]])
            env.update(
                DB_PATH=str(db_path),
                SECRET_KEY=SECRET,
                FLOOD_MAX_UPDATES="100000",
                LOG_LEVEL="WARNING",
            )
            command = [sys.executable, *PROFILE, "-m", "bot", "run"]
            if kind == "hook":
                # Telegram's side of a webhook: each update POSTed to the bot's listener.
                port = free_port()
                env.update(
                    WEBHOOK_URL="https://bench.example/hook",
                    WEBHOOK_SECRET=HOOK_SECRET,
                    WEBHOOK_LISTEN="127.0.0.1",
                    WEBHOOK_PORT=str(port),
                )
                command.append("--webhook")
                hook_client = httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}",
                    headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET},
                    limits=httpx.Limits(max_connections=40),
                )
                api.deliver = webhook_delivery(hook_client)
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
        cpu_at_start = cpu_seconds(process.pid)
        stop = time.perf_counter() + seconds
        interval = users_n / rate if rate else 0.0

        async def person(index: int, user: SimUser) -> None:
            rng = random.Random(index)
            script = floor_script if kind == "floor" else real_script
            await asyncio.sleep(rng.random() * max(interval, 0.05))
            while time.perf_counter() < stop:
                for kind_of_update, action in script(user, index % 2 == 0, rng):
                    if time.perf_counter() >= stop:
                        return
                    tick = time.perf_counter()
                    latency = await harness.act(user, action)
                    if latency is None:
                        run.timeouts += 1
                        break  # lost our place: start the round again
                    run.latencies[kind_of_update].append(latency)
                    run.updates += 1
                    if interval:  # an open pace: one action per person per interval
                        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))

        begun = time.perf_counter()
        await asyncio.gather(*(person(i, u) for i, u in enumerate(users)))
        run.seconds = time.perf_counter() - begun
        peak_kb = rss_kb(process.pid, "VmHWM")
        cpu = cpu_seconds(process.pid) - cpu_at_start
        process.terminate()
        await process.wait()
        if hook_client is not None:
            await hook_client.aclose()
        errors = len(api.errors)
    await api.stop()
    return {
        "run": run,
        "cold": cold,
        "idle_mb": idle_kb / 1024,
        "peak_mb": peak_kb / 1024,
        "errors": errors,
        "cpu_ms": cpu * 1000 / max(1, run.updates),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def line(result: dict) -> str:
    run: Run = result["run"]
    return (
        f"  {run.name:5} {run.rate:7.1f} updates/s  timeouts {run.timeouts}  "
        f"API errors {result['errors']}  CPU {result['cpu_ms']:.1f} ms/update  "
        f"cold start {result['cold']:.2f} s  "
        f"RSS idle {result['idle_mb']:.0f} MB peak {result['peak_mb']:.0f} MB"
    )


def latency_table(bot: Run, floor: Run) -> None:
    print("\n| at half load | bot p50 / p95 / p99 (ms) | floor p50 / p95 / p99 (ms) | p95 ratio |")
    print("| --- | --- | --- | --- |")
    for kind, name in (("guide", "guide taps"), ("assist", "assist form"), (None, "all")):
        b = [bot.pct(q, kind) for q in (0.5, 0.95, 0.99)]
        f = [floor.pct(q, kind) for q in (0.5, 0.95, 0.99)]
        print(
            f"| {name} | {b[0]:.1f} / {b[1]:.1f} / {b[2]:.1f} | {f[0]:.1f} / {f[1]:.1f} / "
            f"{f[2]:.1f} | {b[1] / f[1]:.2f} |"
        )


async def count_trips() -> list[tuple[str, int]]:
    """Database trips per press, counted on the real application (the production builder)
    against the stand-in, in this process: `Database.trips` before and after each press."""
    from telegram import Update

    from bot.app import build_application
    from bot.config import Settings

    api = StandinBotApi()
    await api.start()
    with tempfile.TemporaryDirectory(prefix="e2e-trips-") as tmp:
        volunteer = SimUser(api, first_name="TNV")
        await seed(Path(tmp) / "data" / "bot.db", [volunteer.id])
        settings = Settings(  # type: ignore[call-arg]  # _env_file: an option, not a field
            bot_api_base_url=api.base_url,
            db_path=Path(tmp) / "data" / "bot.db",
            secret_key=SECRET,  # type: ignore[arg-type]  # pydantic makes it a SecretStr
            _env_file=None,
        )
        app = build_application(settings, token=api.token)
        await app.initialize()
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)

        async def deliver(update: dict) -> None:
            await app.process_update(Update.de_json(update, app.bot))

        api.deliver = deliver
        services = app.bot_data.services
        assert services is not None
        db = services.reach.db
        await volunteer.send("/start")  # the first update reads the person's language
        counted = []
        for name, action in (
            ("/assist (opens a form: a write)", lambda: volunteer.send("/assist")),
            ("a service", lambda: press_op(volunteer, "s", random.Random(0))),
            ("an age band", lambda: volunteer.press("31–59")),
            ("sex", lambda: volunteer.press("Nữ")),
            ("outcome", lambda: volunteer.press("Xong một phần")),
            ("open the unit picker", lambda: volunteer.press("📍")),
            ("close the unit picker", lambda: volunteer.press("◀ Quay lại phiếu")),
            ("save", lambda: volunteer.press("Người dân đồng ý – Lưu")),
            ("/start (a command)", lambda: volunteer.send("/start")),
            ("a guide tap", lambda: volunteer.press("🪪 VNeID – định danh điện tử")),
        ):
            before = db.trips
            await action()
            counted.append((name, db.trips - before))
        await app.shutdown()
        await app.post_shutdown(app)
    await api.stop()
    return counted


def pooled(results: list[dict]) -> dict:
    """Several runs of one scenario as one: the median rate, every latency, the worst rest."""
    runs = [r["run"] for r in results]
    merged = Run(runs[0].name)
    for run in runs:
        for kind in KINDS:
            merged.latencies[kind] += run.latencies[kind]
        merged.timeouts += run.timeouts
    rates = sorted(run.rate for run in runs)
    merged.updates, merged.seconds = int(rates[len(rates) // 2] * 1000), 1000.0
    return {
        "run": merged,
        "cold": max(r["cold"] for r in results),
        "idle_mb": max(r["idle_mb"] for r in results),
        "peak_mb": max(r["peak_mb"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "cpu_ms": sorted(r["cpu_ms"] for r in results)[len(results) // 2],
    }


async def alternate(users_n: int, seconds: float, rate: float | None, rounds: int) -> tuple:
    """Floor and bot in turn, `rounds` times: this machine's noise hits both alike."""
    floors, bots = [], []
    for _ in range(rounds):
        floors.append(await scenario("floor", users_n, seconds, rate))
        print(line(floors[-1]))
        bots.append(await scenario("bot", users_n, seconds, rate))
        print(line(bots[-1]))
    return pooled(floors), pooled(bots)


async def polling_and_webhook(users_n: int, seconds: float, rounds: int) -> int:
    """`--webhook`: the same bot at saturation, long polling and webhook in turn."""
    polls, hooks = [], []
    for _ in range(rounds):
        polls.append(await scenario("bot", users_n, seconds, None))
        print(line(polls[-1]))
        hooks.append(await scenario("hook", users_n, seconds, None))
        print(line(hooks[-1]))
    poll, hook = pooled(polls)["run"], pooled(hooks)["run"]
    ratio = hook.rate / poll.rate
    print(f"\n| at saturation (median of {rounds}) | updates/s | p50 / p95 ms |")
    print("| --- | --- | --- |")
    for name, run in (("long polling", poll), ("webhook", hook)):
        print(f"| {name} | {run.rate:.1f} | {run.pct(0.5):.1f} / {run.pct(0.95):.1f} |")
    print(f"webhook / polling throughput: {ratio:.2f}")
    return 0


async def main(users_n: int, seconds: float, rounds: int) -> int:
    print(f"saturation: {users_n} people, {seconds:.0f} s a run, {rounds} rounds")
    floor, bot = await alternate(users_n, seconds, None, rounds)
    half = floor["run"].rate / 2
    print(f"half the floor's saturated load (median): {half:.0f} updates/s")
    floor_half, bot_half = await alternate(users_n, seconds, half, rounds)
    print(f"medians at saturation: floor {floor['run'].rate:.1f}, bot {bot['run'].rate:.1f}")
    latency_table(bot_half["run"], floor_half["run"])
    trips = await count_trips()
    print("\n| press | database trips (counted) |\n| --- | --- |")
    for name, count in trips:
        print(f"| {name} | {count} |")
    throughput = bot["run"].rate / floor["run"].rate
    assist_p95 = bot_half["run"].pct(0.95, "assist") / floor_half["run"].pct(0.95, "assist")
    presses = [count for name, count in trips[1:] if name not in ("save", "/start (a command)")]
    rows = [
        ("throughput at saturation, bot / floor", throughput, "≥ 1.0", throughput >= 1.0),
        ("assist-form p95 at half load, bot / floor", assist_p95, "≤ 1.5", assist_p95 <= 1.5),
        ("trips per form press that saves nothing", max(presses), "1", max(presses) <= 1),
        ("trips per save", dict(trips)["save"], "≤ 2", dict(trips)["save"] <= 2),
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
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, alternating")
    parser.add_argument(
        "--webhook", action="store_true", help="long polling beside the webhook, at saturation"
    )
    args = parser.parse_args()
    entry = polling_and_webhook if args.webhook else main
    raise SystemExit(asyncio.run(entry(args.users, args.seconds, args.rounds)))

"""A province's peak morning: members arrive at a campaign day, check in by its link, and each
logs a first assist; the real bot process against the floor bot, in the same run.

    .venv/bin/python bench/peak_bench.py                          # 3,500 members in 10 minutes
    .venv/bin/python bench/peak_bench.py --members 700 --minutes 2   # the same rate, shorter
    .venv/bin/python bench/peak_bench.py --members 5600 --minutes 1 --no-floor  # the bot alone

Đồng Tháp's peak day had 3,500 members in 155 teams (../shared/facts/part2.md §4). Arrivals
are spread evenly over the window; each member then does four things, waiting for each
answer: opens the check-in link, /assist, presses a service, saves. The floor bot
(bench/floor_bot.py) gets the same pattern of messages and presses. Printed: p50/p95/p99
per press for both, the ratio of the p95s (target ≤ 1.5), errors, each process's CPU
seconds, and whether anything was counted twice (one check-in and one record per member,
each record linked to the activity).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.e2e_bench import SECRET, Harness, press_op, seed  # noqa: E402
from bot import clock  # noqa: E402
from bot.domain.campaigns import ActivityKind  # noqa: E402
from bot.standin import SimUser, StandinBotApi  # noqa: E402
from bot.storage.activities import ActivityRepository  # noqa: E402
from bot.storage.db import open_database  # noqa: E402

TARGET_P95_RATIO = 1.5
TOKEN = "peakmrnxng23"  # the activity's link token (see campaigns.is_token)
CHECKIN_TOKEN = "peakcheckin2"  # its own check-in link's token, apart from the share link


async def make_activity(db_path: Path) -> None:
    db = await open_database(db_path)
    day = (clock.vn_date(clock.now()) - dt.date(1970, 1, 1)).days
    await ActivityRepository(db).add_activity(
        TOKEN, CHECKIN_TOKEN, 1, ActivityKind.CAMPAIGN_DAY, "Ra quân", day, day, "", 0, None,
        "bench", 0,
    )  # fmt: skip
    await db.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


async def run(kind: str, members: int, minutes: float) -> dict:
    api = StandinBotApi()
    await api.start()
    harness = Harness(api)
    users = [SimUser(api, first_name=f"M{n}") for n in range(members)]
    latencies: list[float] = []
    timeouts = 0
    with tempfile.TemporaryDirectory(prefix="peak-bench-") as tmp:
        db_path = Path(tmp) / "data" / "bot.db"
        if kind == "bot":
            await seed(db_path, [u.id for u in users])
            await make_activity(db_path)
        cpu_before = _children_cpu()
        process = await start_process(kind, api, db_path, tmp)
        warm = SimUser(api, first_name="Warm")
        assert await harness.act(warm, lambda: warm.send("/start")) is not None

        async def member(index: int, user: SimUser) -> None:
            nonlocal timeouts
            await asyncio.sleep(index * minutes * 60 / members)  # evenly spread arrivals
            for step in steps(kind, user, random.Random(index)):
                latency = await harness.act(user, step)
                if latency is None:
                    timeouts += 1
                    return
                latencies.append(latency)

        started = time.perf_counter()
        await asyncio.gather(*(member(i, u) for i, u in enumerate(users)))
        seconds = time.perf_counter() - started
        process.terminate()
        await process.wait()
        # The process's own CPU: unlike latency, hardly moved by others' load on the machine.
        cpu = _children_cpu() - cpu_before
        counts = count_once(db_path) if kind == "bot" else None
        errors = len(api.errors)
    await api.stop()
    return {
        "latencies": latencies,
        "timeouts": timeouts,
        "errors": errors,
        "seconds": seconds,
        "counts": counts,
        "cpu": cpu,
    }


async def start_process(
    kind: str, api: StandinBotApi, db_path: Path, folder: str
) -> asyncio.subprocess.Process:
    """The bot (`python -m bot run` on the seeded database) or the floor bot."""
    env = {**os.environ, "BOT_TOKEN": api.token, "BOT_API_BASE_URL": api.base_url}
    if kind == "bot":
        env.update(
            DB_PATH=str(db_path),
            SECRET_KEY=SECRET,
            FLOOD_MAX_UPDATES="100000",
            LOG_LEVEL="WARNING",
        )
        command = [sys.executable, "-m", "bot", "run"]
    else:
        command = [sys.executable, str(ROOT / "bench" / "floor_bot.py")]
    return await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def steps(kind: str, user: SimUser, rng: random.Random) -> list:
    """A member's four actions: check in, /assist, a service, save; the floor's alike."""
    if kind == "bot":
        return [
            lambda: user.send(f"/start ci_{CHECKIN_TOKEN}"),
            lambda: user.send("/assist"),
            lambda: press_op(user, "s", rng),
            lambda: user.press("Không đồng ý"),
        ]
    return [
        lambda: user.send("xin chào"),
        lambda: user.send("xin chào"),
        lambda: user.press(0),
        lambda: user.press(1),
    ]


def count_once(db_path: Path) -> tuple[int, int, int, int, int]:
    """Check-ins, members checked in, records, records linked to the activity, volunteers."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM checkins), "
            "(SELECT count(DISTINCT member_id) FROM checkins), (SELECT count(*) FROM "
            "assists), (SELECT count(*) FROM assists WHERE activity_id IS NOT NULL), "
            "(SELECT count(DISTINCT volunteer_id) FROM assists)"
        ).fetchone()


def _children_cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def main(members: int, minutes: float, with_floor: bool = True) -> int:
    print(f"{members:,} members arriving over {minutes:g} minutes, four presses each")
    bot = await run("bot", members, minutes)
    floor = await run("floor", members, minutes) if with_floor else None
    print("\n| | p50 (ms) | p95 (ms) | p99 (ms) | timeouts | API errors | CPU (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, result in (("bot", bot), ("floor", floor)):
        if result is None:
            continue
        values = result["latencies"]
        print(
            f"| {name} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | "
            f"{pct(values, 0.99):.1f} | {result['timeouts']} | {result['errors']} | "
            f"{result['cpu']:.1f} |"
        )
    # Without the floor (--no-floor) the ratio is left out of the verdict.
    floor_p95 = pct(floor["latencies"], 0.95) if floor else float("inf")
    ratio = pct(bot["latencies"], 0.95) / max(floor_p95, 1e-9)
    checkins, distinct, records, linked, volunteers = bot["counts"]
    once = checkins == distinct == records == linked == volunteers == members
    print(
        f"\ncheck-ins {checkins}, members checked in {distinct}, records {records}, "
        f"linked to the activity {linked}, volunteers with a record {volunteers}"
    )
    ok = ratio <= TARGET_P95_RATIO and once and not bot["errors"] and not bot["timeouts"]
    verdict = "ok" if ratio <= TARGET_P95_RATIO else "MISSED"
    print("\n| measure | value | target | |")
    print("| --- | --- | --- | --- |")
    print(f"| p95 per press, bot / floor | {ratio:.2f} | ≤ {TARGET_P95_RATIO} | {verdict} |")
    print(f"| counted once each | {'yes' if once else 'NO'} | yes | |")
    print(f"| errors and timeouts | {bot['errors'] + bot['timeouts']} | 0 | |")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=3500)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="the bot alone (half the time: to compare two builds of the bot back to back)",
    )
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.members, args.minutes, not args.no_floor)))

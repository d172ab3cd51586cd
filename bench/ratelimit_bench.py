"""How python-telegram-bot's rate limiter caps ordinary replies, measured on the stand-in.

    .venv/bin/python bench/ratelimit_bench.py [--messages 300]

Sends one message to each of N different private chats, all at once, through an ExtBot with
(a) no limiter, (b) AIORateLimiter() with its defaults, (c) the limiter as the bot configures
it (bot/app.py: no overall cap, 20/min per group, retries on 429). Prints messages/second.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.ext import AIORateLimiter, ExtBot

from bot.standin import SimUser, StandinBotApi


async def measure(name: str, limiter: AIORateLimiter | None, messages: int) -> float:
    api = StandinBotApi()
    await api.start()
    chats = [SimUser(api).id for _ in range(messages)]
    bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=limiter)
    async with bot:
        started = time.perf_counter()
        await asyncio.gather(*(bot.send_message(chat, "Xin chào") for chat in chats))
        seconds = time.perf_counter() - started
    await api.stop()
    rate = messages / seconds
    print(f"{name:44} {rate:8.1f} messages/s ({messages} in {seconds:.1f} s)")
    return rate


async def main(messages: int) -> None:
    await measure("no rate limiter", None, messages)
    await measure("AIORateLimiter() defaults", AIORateLimiter(), messages)
    ours = AIORateLimiter(
        overall_max_rate=0, group_max_rate=20, group_time_period=60, max_retries=3
    )
    await measure("as configured (no overall cap, groups 20/min)", ours, messages)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    asyncio.run(main(parser.parse_args().messages))

"""`outreach-bot run` as a real process, long-polling the stand-in: point 5 with zero errors."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from bot.standin import SimUser, StandinBotApi

SECRET_TEXT = "482913"


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.02)


async def start_run(
    token: str,
    base_url: str,
    tmp_path: Path,
    *args: str,
    log: bool = False,
    env: Mapping[str, str] | None = None,
    **variables: str,
) -> asyncio.subprocess.Process:
    """`python -m bot run [args]` in its own folder, as an operator would start it. With
    `log`, its output goes to `bot.log` there instead of pipes: a pipe nobody reads while a
    long test works would fill and stop the bot. Its environment: `env` and the keywords (as
    in tests/cli.py's run_bot_command)."""
    full_env = {
        **os.environ,
        "BOT_TOKEN": token,
        "BOT_API_BASE_URL": base_url,
        "DB_PATH": str(tmp_path / "data" / "bot.db"),
        **(env or {}),
        **variables,
    }
    argv = (sys.executable, "-m", "bot", "run", *args)
    if not log:
        return await asyncio.create_subprocess_exec(
            *argv,
            env=full_env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    with open(tmp_path / "bot.log", "ab") as out:
        return await asyncio.create_subprocess_exec(
            *argv, env=full_env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=out
        )


async def answered(user: SimUser, action: Awaitable[object]) -> None:
    """Do `action`, then wait until the bot's chat shows a change."""
    before = [(m["message_id"], m["text"]) for m in user.bot_messages()]
    await action
    await until(lambda: [(m["message_id"], m["text"]) for m in user.bot_messages()] != before)


async def test_run_serves_a_person_over_long_polling_and_stops_on_sigterm(
    api: StandinBotApi, tmp_path: Path
) -> None:
    process = await start_run(api.token, api.base_url, tmp_path, LOG_LEVEL="DEBUG")
    try:
        # deleteWebhook comes right before the first long poll. (A getUpdates is recorded when
        # it returns, which an idle long poll does only after its whole timeout.)
        await until(lambda: any(c.method == "deleteWebhook" for c in api.calls), timeout=20)
        user = SimUser(api, first_name="Bác Tư")
        await answered(user, user.send("/start"))
        assert "Xin chào" in user.last()["text"]
        await answered(user, user.press("🪪 VNeID – định danh điện tử"))
        await answered(user, user.press("Quên mật khẩu VNeID"))
        await answered(user, user.press("▶ Bắt đầu"))
        await answered(user, user.press("Tiếp ▶"))
        assert "Bước 2/" in user.last()["text"]
        await answered(user, user.press("🆘 Gặp khó khăn"))
        await answered(user, user.send("kich hoat tai khoan muc 2"))
        assert "Kết quả" in user.last()["text"]
        await answered(user, user.send(SECRET_TEXT))
        assert "đừng gửi mã OTP" in user.last()["text"]
        await answered(user, user.send_other("sticker"))
        inline_id = api.new_id()
        api.inline_queries[inline_id] = {
            "id": inline_id,
            "from": user.user,
            "query": "vneid",
            "offset": "",
        }
        await api.push_update({"inline_query": api.inline_queries[inline_id]})
        await until(lambda: inline_id in api.inline_answers)
        assert api.inline_answers[inline_id]["results"]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=20)
        except TimeoutError:
            process.kill()
            raise
    _, stderr = await process.communicate()
    logs = stderr.decode()
    assert process.returncode == 0, logs[-2000:]
    assert not api.errors
    assert api.token not in logs and api.token.split(":")[1] not in logs
    assert SECRET_TEXT not in logs and "kich hoat" not in logs
    assert "stopped" in logs


async def test_run_with_a_rejected_token_says_so(tmp_path: Path) -> None:
    server = StandinBotApi()
    await server.start()
    try:
        process = await start_run("999:rejected-token-value", server.base_url, tmp_path)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        await server.stop()
    assert process.returncode == 1
    assert "BOT_TOKEN was rejected" in stderr.decode()
    assert "Traceback" not in stderr.decode()

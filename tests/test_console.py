"""`outreach-bot console`: an editor walks a guide in a terminal, offline, with no token."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.cli import run_bot_command


def run_console(script: str) -> subprocess.CompletedProcess[str]:
    return run_bot_command("start", stdin=script)


def test_console_walks_a_guide_by_numbers_and_searches() -> None:
    # As a resident (the admin's menu starts with staff buttons): 1 = VNeID topic, then the
    # 2nd guide, then "▶ Bắt đầu", "Tiếp ▶", then search and share.
    result = run_console("/as resident\n1\n2\n1\n2\nquen mat khau vneid\n1\n3\nq\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "BOT_TOKEN is not set: starting the offline console preview" in result.stderr
    assert "[1] 🪪 VNeID – định danh điện tử" in out
    assert "Bước 1/" in out and "Bước 2/" in out
    assert "✎ (sửa tại chỗ)" in out
    assert "Kết quả cho «quen mat khau vneid»" in out
    assert "Kết quả chia sẻ (inline)" in out and "?start=" in out
    assert "Bot API errors" not in out


def test_console_literal_number_gets_the_otp_warning() -> None:
    result = run_console("> 123456\n")
    assert result.returncode == 0
    assert "đừng gửi mã OTP" in result.stdout


def test_console_as_a_volunteer_logs_a_first_assist_then_switches_person() -> None:
    # 1 = «📝 Ghi nhận hỗ trợ» in a member's menu; on the form (each group under a label
    # button): 2 = VNeID mức 1; 16 = 16–30; 25 = save with consent.
    script = "1\n2\n16\n25\n/as resident\n/help\nq\n"
    result = run_bot_command("console", "--as", "volunteer", stdin=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[1] 📝 Ghi nhận hỗ trợ" in out
    assert "✅ Đã lưu" in out
    assert "👤 Bây giờ bạn là: Người dân" in out
    assert "/join MÃ-MỜI" in out.split("👤 Bây giờ bạn là: Người dân")[1]
    assert "Bot API errors" not in out


def test_console_on_a_real_database_shows_its_data(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run_bot_command("demo-data", "--assists", "300", DB_PATH=str(db)).returncode == 0
    result = run_bot_command("console", "--db", str(db), stdin="/report tất cả\nq\n")
    assert result.returncode == 0, result.stderr
    [assists] = re.findall(r"Lượt hỗ trợ: ([\d.]+)", result.stdout)
    assert int(assists.replace(".", "")) >= 300  # the demo's records (batches count more)


async def test_ctrl_c_quits_at_once_and_closes_the_database(tmp_path: Path) -> None:
    """A real process at a prompt, its stdin open (a terminal waiting for a line): SIGINT,
    as Ctrl-C sends, ends it within seconds, without Enter, and the database is closed (its
    write-ahead log folded back and removed)."""
    db = tmp_path / "demo.db"
    assert run_bot_command("demo-data", "--assists", "20", DB_PATH=str(db)).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DB_PATH")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "console",
        "--db",
        str(db),
        "--as",
        "volunteer",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        shown = b""
        while "🤖 Bot".encode() not in shown:  # the first screen
            chunk = await asyncio.wait_for(process.stdout.read(65536), timeout=30)
            assert chunk, (shown + await process.stderr.read()).decode()[-2000:]
            shown += chunk
        with contextlib.suppress(TimeoutError):  # until it is quiet: waiting for a line
            while chunk := await asyncio.wait_for(process.stdout.read(65536), timeout=1):
                shown += chunk
        assert Path(f"{db}-wal").exists()  # the database is open
        process.send_signal(signal.SIGINT)
        # Not communicate(): it would close stdin, and the end of input quits by itself.
        await asyncio.wait_for(process.wait(), timeout=5)
        out, err = await process.stdout.read(), await process.stderr.read()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "Ctrl-C để thoát" in shown.decode()  # the intro says so
    assert "(Ctrl-C) Đã thoát." in out.decode()
    assert "Traceback" not in err.decode()
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()

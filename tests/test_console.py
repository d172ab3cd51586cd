"""`outreach-bot console`: an editor walks a guide in a terminal, offline, with no token."""

from __future__ import annotations

import subprocess

from tests.cli import run_bot_command


def run_console(script: str) -> subprocess.CompletedProcess[str]:
    return run_bot_command("start", stdin=script)


def test_console_walks_a_guide_by_numbers_and_searches() -> None:
    # 1 = VNeID topic, then the 2nd guide, then "▶ Bắt đầu", "Tiếp ▶", then search and share.
    result = run_console("1\n2\n1\n2\nquen mat khau vneid\n1\n3\nq\n")
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

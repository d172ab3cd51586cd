"""Issue 26, finding 19: BOT_USERNAME and SITE_BASE_URL are checked at start, in one line;
a leading @ is taken off (and said, once); BOT_API_BASE_URL keeps http on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot import config
from bot.config import SettingsError, load_settings
from tests.cli import run_bot_command

GUIDE = "safety-never-share-otp"


@pytest.mark.parametrize("name", ["ab", "my-bot", "tên_bot", "a" * 33, "my bot", "@@mybot"])
def test_a_username_that_telegram_would_not_give_is_refused(name: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(bot_username=name, _env_file=None)
    message = str(refused.value)
    assert "BOT_USERNAME" in message and "5-32 letters, digits and _" in message
    assert "\n" not in message


def test_a_leading_at_is_taken_off_and_said_once(capsys: pytest.CaptureFixture[str]) -> None:
    config._told.clear()
    for _ in range(3):
        assert load_settings(bot_username="@outreach_vn_bot", _env_file=None).bot_username == (
            "outreach_vn_bot"
        )
    said = capsys.readouterr().err.splitlines()
    assert said == [
        "note: BOT_USERNAME is written without @: using outreach_vn_bot (t.me/outreach_vn_bot)"
    ]
    assert load_settings(bot_username="Outreach_Bot_2", _env_file=None).bot_username == (
        "Outreach_Bot_2"
    )


def test_a_poster_with_an_at_in_the_setting_opens_the_bot(tmp_path: Path) -> None:
    poster = tmp_path / "p.png"
    made = run_bot_command(
        "qr",
        GUIDE,
        "--out",
        str(poster),
        BOT_USERNAME="@outreach_bot",
        DB_PATH=str(tmp_path / "o.db"),
    )
    assert made.returncode == 0, made.stderr
    [code] = zxingcpp.read_barcodes(Image.open(poster))
    assert code.text == f"https://t.me/outreach_bot?start={GUIDE}"


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("example.vn/huong-dan", "https://example.vn/huong-dan"),
        ("http://example.vn/hd", "https://example.vn/hd"),
        ("https://", "https://example.vn/huong-dan"),
        ("ftp://example.vn", "https://example.vn/huong-dan"),
        ("huong-dan", "https://example.vn/huong-dan"),
    ],
)
def test_site_base_url_needs_https_and_a_host(value: str, hint: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(site_base_url=value, _env_file=None)
    message = str(refused.value)
    assert message.startswith("Setting SITE_BASE_URL is invalid:") and hint in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "value",
    [
        "https://example.vn/huong-dan",
        "http://127.0.0.1:8080/",
        "http://localhost:8000",
        "http://[::1]:8080",
    ],
)
def test_site_base_url_accepted(value: str) -> None:
    assert load_settings(site_base_url=value, _env_file=None).site_base_url == value


def test_the_cli_refuses_a_bad_site_base_url_in_one_line(tmp_path: Path) -> None:
    result = run_bot_command(
        "qr", GUIDE, "--web", "--out", str(tmp_path / "p.png"), SITE_BASE_URL="example.vn/hd"
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "outreach-bot: Setting SITE_BASE_URL is invalid: 'example.vn/hd' must be an https:// "
        "address with a host, like https://example.vn/hd (phones read a QR code without it as "
        "text); http:// only on this machine, for a local preview."
    ]
    given = run_bot_command(
        "qr", GUIDE, "--web", "--base-url", "example.vn/hd", "--out", str(tmp_path / "p.png")
    )
    assert given.returncode == 1 and "--base-url: 'example.vn/hd' must be" in given.stderr
    assert not (tmp_path / "p.png").exists()


@pytest.mark.parametrize(
    "value",
    [
        "https://api.telegram.org/bot",
        "http://127.0.0.1:8081/bot",  # the stand-in, the console
        "http://localhost:8081/bot",
        "http://telegram-bot-api:8081/bot",  # a container's service name
        "http://10.0.0.5:8081/bot",
    ],
)
def test_bot_api_base_url_accepted(value: str) -> None:
    assert load_settings(bot_api_base_url=value, _env_file=None).bot_api_base_url == value


@pytest.mark.parametrize(
    "value", ["http://api.telegram.org/bot", "api.telegram.org/bot", "https://"]
)
def test_bot_api_base_url_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="BOT_API_BASE_URL"):
        load_settings(bot_api_base_url=value, _env_file=None)

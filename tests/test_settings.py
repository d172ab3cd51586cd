"""Settings: every one documented; a bad one is one clear line and a non-zero exit."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings, SettingsError, load_settings
from bot.telegram.logging_setup import setup_logging
from tests.cli import run_bot_command


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(
        re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert documented == {name.upper() for name in Settings.model_fields}


def test_every_setting_is_in_the_settings_table() -> None:
    """docs/settings.md's table has one row per setting, and none for a setting that is gone."""
    text = (PROJECT_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z][A-Z_]+)` \|", text, re.MULTILINE)
    assert len(rows) == len(set(rows)), sorted(name for name in rows if rows.count(name) > 1)
    assert set(rows) == {name.upper() for name in Settings.model_fields}


def test_admin_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,")
    assert load_settings(_env_file=None).admin_ids == [12, 34]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ADMIN_IDS", "12,abc", "Setting ADMIN_IDS is invalid: 'abc' is not a Telegram user id"),
        ("BOT_API_BASE_URL", "ftp://x", "Setting BOT_API_BASE_URL is invalid"),
        ("DEFAULT_LANGUAGE", "fr", "Setting DEFAULT_LANGUAGE is invalid"),
        ("BOT_TOKEN", "not-a-token", "Setting BOT_TOKEN is invalid"),
    ],
)
def test_malformed_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert value not in str(info.value) or name != "BOT_TOKEN"


def test_cli_reports_a_malformed_setting_without_traceback(tmp_path: Path) -> None:
    result = run_bot_command("guides", "list", cwd=tmp_path, ADMIN_IDS="1,two")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "ADMIN_IDS" in result.stderr and "Traceback" not in result.stderr


def test_run_without_token_says_so(tmp_path: Path) -> None:
    result = run_bot_command("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=1,zz\n")
    result = run_bot_command("guides", "list", cwd=tmp_path)
    assert result.returncode == 2 and "ADMIN_IDS" in result.stderr


def test_logs_redact_the_token_and_quiet_httpx(capsys: pytest.CaptureFixture[str]) -> None:
    token = "123456:SECRET-token-value-xyz"
    setup_logging("INFO", [token])
    try:
        logging.getLogger("bot.test").info("calling https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed for {token}")
        except RuntimeError:
            logging.getLogger("bot.test").exception("boom")
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        err = capsys.readouterr().err
        assert token not in err
        assert "bot<redacted>/getMe" in err and "failed for <redacted>" in err
    finally:
        logging.getLogger().handlers.clear()


def test_env_example_copied_as_is_is_a_working_configuration(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((PROJECT_ROOT / ".env.example").read_text())
    result = run_bot_command("guides", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "vneid-forgot-password" in result.stdout

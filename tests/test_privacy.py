"""Privacy rules on their own: keyed pseudonyms, phone numbers, secret-looking messages.

(The end-to-end privacy checks, with the bot, are in test_outreach_flow.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import phone
from bot.domain.privacy import load_or_create_key, looks_like_secret, pseudonym
from bot.guides.text_norm import fold


@pytest.mark.parametrize(
    "text",
    ["0912345678", "0912 345 678", "0912.345.678", "+84912345678", "84912345678", "(091) 234-5678"],
)
def test_phone_numbers_normalise_to_one_form(text: str) -> None:
    assert phone.normalise_phone(text) == "0912345678"


def test_key_is_created_once_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    first = load_or_create_key(None, path)
    assert load_or_create_key(None, path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key("configured", path) == b"configured"
    assert pseudonym(first, "tg-user", 1) != pseudonym(first, "phone", 1)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("123456", True),
        ("1234", True),
        ("12345678", True),
        ("123", False),
        ("123456789", False),
        ("otp 123456", True),
        ("mật khẩu là Abc@12345", True),
        ("quên mật khẩu vneid", False),
        ("mat khau vneid 2024", False),
        ("mức 2", False),
    ],
)
def test_secret_detection(text: str, secret: bool) -> None:
    assert looks_like_secret(text, fold(text)) is secret

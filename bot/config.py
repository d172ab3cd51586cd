"""Every setting of the bot, typed, read from the environment and an optional `.env` file.

Each field here is documented in `.env.example`; a test keeps the two in step.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Telegram's published webhook source ranges, and loopback (where the recommended proxy runs).
from bot.web.clients import LOOPBACK, TELEGRAM_WEBHOOK_RANGES

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for a person."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # `GUIDES_DIR=` copied from .env.example means "the default", not "the current folder".
        env_ignore_empty=True,
    )

    bot_token: SecretStr | None = Field(
        default=None, description="Token from @BotFather. Secret. Required by `run`."
    )
    bot_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; the token and method are appended.",
    )
    db_path: Path = Field(default=Path("data/outreach.db"), description="SQLite database file.")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram user ids of first admins."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for pseudonymising identifiers: 64 hex characters, the format of "
        "secret.key; generated into secret.key next to DB_PATH if unset.",
    )
    guides_dir: Path = Field(default=PROJECT_ROOT / "guides", description="Guide files.")
    templates_dir: Path = Field(default=PROJECT_ROOT / "templates", description="Templates.")
    bot_username: str | None = Field(
        default=None,
        description="The bot's @username without @, for links made offline (`outreach-bot qr`).",
    )
    default_language: str = Field(default="vi", description="Interface language: vi or en.")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS URL for `run --webhook`; its path is also the local path.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Telegram sends with every webhook call; required with --webhook.",
    )
    webhook_listen: str = Field(default="0.0.0.0", description="Address the webhook listens on.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook port.")
    site_base_url: str | None = Field(
        default=None,
        description="Where the guides' web site lives (`site build`, `qr --web`).",
    )
    site_dir: Path | None = Field(
        default=None,
        description="A built site (`site build --counter`) served by `run --webhook`.",
    )
    webhook_max_body: int = Field(
        default=1024 * 1024,
        ge=1024,
        le=50 * 1024 * 1024,
        description="Largest webhook body accepted, in bytes (a Telegram update is far smaller).",
    )
    webhook_max_connections: int = Field(
        default=256,
        ge=1,
        le=10_000,
        description="Webhook connections open at once; past it, new ones are closed at once.",
    )
    web_unit_daily_cap: int = Field(
        default=300,
        ge=1,
        le=1_000_000,
        description="Web completions one unit may get per Vietnam day; past it they are "
        "dropped and counted as refused.",
    )

    # The unanswered-questions log (issue 25).
    search_gaps_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Days an unanswered question (kept for the guides' editors, folded, "
        "without names, numbers or secrets) is kept before it is dropped.",
    )

    # Who may reach the webhook listener, and how much of it one address may hold (issue 24).
    webhook_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [*TELEGRAM_WEBHOOK_RANGES, *LOOPBACK],
        description="Comma-separated networks admitted on the webhook path (the socket's "
        "peer, and the client a trusted proxy names); others get 403.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(LOOPBACK),
        description="Comma-separated networks of proxies whose X-Forwarded-For names the "
        "client; `none` for no proxy.",
    )
    webhook_max_connections_per_address: int = Field(
        default=64,
        ge=1,
        le=10_000,
        description="Connections one client address may hold open (a trusted proxy is exempt).",
    )
    webhook_max_incomplete_per_address: int = Field(
        default=48,
        ge=1,
        le=10_000,
        description="Requests one client address may have still arriving at once.",
    )

    @field_validator("webhook_allow", "trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [] if value.strip().lower() == "none" else value.split(",")
        if isinstance(value, list | tuple):
            networks: list[str] = []
            for part in (str(p).strip() for p in value):
                if not part:
                    continue
                try:
                    networks.append(str(ipaddress.ip_network(part, strict=False)))
                except ValueError:
                    raise ValueError(
                        f"'{part}' is not a network (like 149.154.160.0/20, 127.0.0.1 or ::1)"
                    ) from None
            return networks
        return value

    flood_max_updates: int = Field(
        default=20, ge=1, description="Updates one person may send per FLOOD_WINDOW_SECONDS."
    )
    flood_window_seconds: float = Field(
        default=10, gt=0, description="The window of the per-person flood limit, in seconds."
    )
    invite_days: int = Field(default=7, ge=1, le=90, description="Days an invite code stays valid.")
    invite_uses: int = Field(
        default=50, ge=1, le=10_000, description="People one volunteer invite can bring in."
    )
    undo_minutes: int = Field(
        default=10, ge=1, le=1440, description="How long /undo can remove one's last record."
    )
    backdate_days: int = Field(
        default=7, ge=0, le=31, description="How many days back a batch may be dated."
    )

    review_daily_people: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="People one volunteer may log per Vietnam day of entry before the rest "
        "waits for review (/review).",
    )
    review_headcount_floor: int = Field(
        default=200,
        ge=0,
        le=1_000_000,
        description="A closing headcount above this and above REVIEW_HEADCOUNT_MULTIPLE times "
        "the marked attendance waits for review.",
    )
    review_headcount_multiple: int = Field(
        default=3, ge=1, le=1000, description="See REVIEW_HEADCOUNT_FLOOR."
    )
    review_attendance_cap: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: {"class": 150, "campaign_day": 500},
        description="Attendance marks per activity, by kind, past which marks wait for review.",
    )

    @field_validator("review_attendance_cap", mode="before")
    @classmethod
    def _split_caps(cls, value: object) -> object:
        if isinstance(value, str):
            caps: dict[str, int] = {}
            for part in (p.strip() for p in value.split(",") if p.strip()):
                kind, _, number = part.partition("=")
                if kind.strip() not in ("class", "campaign_day") or not number.strip().isdigit():
                    raise ValueError(
                        f"'{part}' is not kind=number (kinds: class, campaign_day)"
                    )
                caps[kind.strip()] = int(number)
            return {"class": 150, "campaign_day": 500} | caps
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"'{part}' is not a Telegram user id (digits only)")
            return [int(p) for p in parts]
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must start with https:// (Telegram calls webhooks over HTTPS)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            secret = value.get_secret_value()
            if not 16 <= len(secret) <= 256 or not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
                raise ValueError("must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("bot_api_base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        # The token travels in the path: plain http only where nobody else listens (this
        # machine, a private network, a container's service name), e.g. the stand-in.
        scheme, host = _scheme_and_host(value)
        if scheme == "https" and host:
            return value
        if scheme == "http" and host and (_loopback(host) or _private(host)):
            return value
        raise ValueError(
            "must be https:// and a host (http:// only on this machine or a private "
            "network, where a self-hosted Bot API server runs)"
        )

    @field_validator("site_base_url")
    @classmethod
    def _check_site_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        problem = site_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("bot_username")
    @classmethod
    def _check_username(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        name = value.strip()
        if name.startswith("@"):
            name = name[1:]
            _tell_once(f"note: BOT_USERNAME is written without @: using {name} (t.me/{name})")
        if not re.fullmatch(r"[A-Za-z0-9_]{5,32}", name):
            raise ValueError(
                f"'{name}' is not a bot's username: 5-32 letters, digits and _, "
                "as @BotFather gave it (without @)"
            )
        return name

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("must be 'vi' or 'en'")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or len(tail) < 10:
            # Never echo the token itself: it is a secret even when malformed.
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return SecretStr(token)

    def token(self) -> str:
        if self.bot_token is None:
            raise SettingsError(
                "BOT_TOKEN is not set: get one from @BotFather and put it in .env "
                "(or use `outreach-bot console` to try the bot without a token)."
            )
        return self.bot_token.get_secret_value()


def _scheme_and_host(value: str) -> tuple[str, str]:
    try:
        parts = urlsplit(value)
        return parts.scheme.lower(), parts.hostname or ""
    except ValueError:  # e.g. a bad port or bracket
        return "", ""


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _loopback(host: str) -> bool:
    address = _ip(host)
    return host.lower() == "localhost" or (address is not None and address.is_loopback)


def _private(host: str) -> bool:
    """A private network's address, or a name with no dot (a container's service name)."""
    address = _ip(host)
    if address is None:
        return "." not in host
    return address.is_private and not address.is_unspecified


def site_url_problem(value: str) -> str | None:
    """Why `value` cannot be the web site's address (SITE_BASE_URL, --base-url), or None:
    an https:// address with a host; http:// only on this machine, for a local preview."""
    scheme, host = _scheme_and_host(value)
    if host and (scheme == "https" or (scheme == "http" and _loopback(host))):
        return None
    if scheme == "http" and host:
        hint = "https://" + value.split("://", 1)[1]
    elif not scheme and "." in value.split("/", 1)[0]:
        hint = f"https://{value}"
    else:
        hint = "https://example.vn/huong-dan"
    return (
        f"'{value}' must be an https:// address with a host, like {hint} (phones read a "
        "QR code without it as text); http:// only on this machine, for a local preview"
    )


_told: set[str] = set()


def _tell_once(line: str) -> None:
    """A note about a setting that was fixed up: on stderr, once per process."""
    if line not in _told:
        _told.add(line)
        print(line, file=sys.stderr)


def load_settings(**overrides: Any) -> Settings:  # each one checked by pydantic
    """Load settings, turning pydantic's report into one line that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Setting {name} is invalid: {reason}.") from None

"""Fixtures: the real Application from the production builder, against the stand-in Bot API."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Imported where used, not here: pytest-xdist's controller loads this file too, and it runs
# no test; the bot's imports (a second and a half) would only delay the workers' start.
if TYPE_CHECKING:
    from bot.config import Settings
    from bot.standin import SimUser, StandinBotApi
    from bot.telegram.context import BotApplication, Services

# Opt in to python-telegram-bot's coming timedelta API, so its deprecation notice stays quiet.
os.environ.setdefault("PTB_TIMEDELTA", "1")

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "telegram" / "botapi-spec.json"


@pytest.fixture(scope="session")
def botapi_spec() -> dict:
    if not SPEC_PATH.exists():
        pytest.skip(f"the Bot API spec is not at {SPEC_PATH}")
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def make_settings(tmp_path: Path, base_url: str, **overrides: Any) -> Settings:
    from bot.config import Settings

    values: dict[str, Any] = {  # each one checked by pydantic
        "bot_api_base_url": base_url,
        "db_path": tmp_path / "data" / "bot.db",
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def api() -> AsyncIterator[StandinBotApi]:
    from bot.standin import StandinBotApi

    server = StandinBotApi()
    await server.start()
    # Not a field of StandinBotApi: this fixture adds it (hence the ignores where it is set).
    server.expected_errors = 0  # type: ignore[attr-defined]  # added here
    yield server
    await server.stop()
    # Every test is also a check that the bot made no call Telegram would refuse,
    # except the errors a test provokes on purpose and declares.
    unexpected = len(server.errors) - server.expected_errors  # type: ignore[attr-defined]  # added above
    assert unexpected <= 0, [(c.method, c.status, c.description) for c in server.errors]


class RunningBot:
    def __init__(self, app: BotApplication, api: StandinBotApi) -> None:
        self.app, self.api = app, api

    @property
    def services(self) -> Services:
        """The bot's services: there once post_init has run (start_bot runs it)."""
        services = self.app.bot_data.services
        assert services is not None
        return services

    async def stop(self) -> None:
        await self.app.shutdown()
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)


async def start_bot(settings: Settings, api: StandinBotApi) -> RunningBot:
    """What run_polling does before polling: initialize, then post_init."""
    from telegram import Update

    from bot.app import build_application

    app = build_application(settings, token=api.token)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)

    async def deliver(update: dict) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    api.deliver = deliver
    return RunningBot(app, api)


@pytest.fixture
async def bot(api: StandinBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(make_settings(tmp_path, api.base_url), api)
    yield running
    await running.stop()


@pytest.fixture
def user(api: StandinBotApi, bot: RunningBot) -> SimUser:
    from bot.standin import SimUser

    return SimUser(api, first_name="Lan")


@pytest.fixture
async def obot(api: StandinBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with an admin (ADMIN_ID) and a small unit tree: see tests/outreach_helpers.py."""
    from tests.outreach_helpers import start_outreach_bot

    running = await start_outreach_bot(api, tmp_path)
    yield running
    await running.stop()


@pytest.fixture
def admin(api: StandinBotApi, obot: RunningBot) -> SimUser:
    from bot.standin import SimUser
    from tests.outreach_helpers import ADMIN_ID

    return SimUser(api, user_id=ADMIN_ID, first_name="Admin")

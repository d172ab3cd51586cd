"""`outreach-bot run`: long polling with clean start-up errors and a clean stop on signals."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

from telegram.error import InvalidToken, NetworkError

from bot.config import Settings
from bot.domain.privacy import KeyRefused
from bot.guides.loader import GuidesInvalid
from bot.services.keys import key_file_of, open_key
from bot.storage.db import (
    DatabaseTooNew,
    DatabaseUnusable,
    StorageError,
    open_database,
    unusable,
)
from bot.telegram.context import BotApplication
from bot.telegram.handlers import ALLOWED_UPDATES
from bot.telegram.logging_setup import setup_logging

log = logging.getLogger(__name__)
SWITCH_INTERVAL = 0.0005  # seconds
POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when there is nothing new
EXIT_STORAGE = 2  # the database or its key cannot be used: nothing a restart would fix


async def _check_storage(settings: Settings) -> None:
    """Open the database (made if missing, migrated) and check the key against it."""
    database = await open_database(settings.db_path)
    try:
        configured = settings.secret_key.get_secret_value() if settings.secret_key else None
        await open_key(database, configured, key_file_of(settings.db_path))
    finally:
        await database.close()


def run_polling(
    settings: Settings, build: Callable[[Settings], BotApplication], *, webhook: bool = False
) -> int:
    """Run the application that `build` (the composition root) makes, until a signal."""
    # The database runs on a thread of its own; each trip hands the GIL over and back, and a
    # busy event loop holds it for up to the switch interval (5 ms by default) each time.
    # Measured with bench/e2e_bench.py: 0.5 ms cut the assist form's p95 by about 40 %.
    sys.setswitchinterval(SWITCH_INTERVAL)
    secrets = _secrets(settings, webhook)
    if secrets is None:
        print("outreach-bot: --webhook needs WEBHOOK_URL and WEBHOOK_SECRET", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, secrets)
    # One loop for the check and the run: the bot's connections belong to it, and
    # initialising the bot here (its getMe) is the only one the start makes.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        # The database and the key first, before Telegram is called: a restored database
        # without its key, or a damaged file, stops here with one line (post_init then
        # runs quick_check and checks the key again).
        loop.run_until_complete(_check_storage(settings))
        app = build(settings)
        # getMe before python-telegram-bot's own start: a wrong token or URL then gives one
        # clear line, not the traceback it logs when its start-up fails.
        loop.run_until_complete(app.bot.initialize())
        _serve(app, settings, loop, webhook)
    except REFUSALS as exc:
        message, code = _refusal(settings, exc)
        print(f"outreach-bot: {message}", file=sys.stderr)
        return code
    finally:
        loop.close()
    log.info("stopped")
    return 0


def _secrets(settings: Settings, webhook: bool) -> list[str] | None:
    """What the logs must never show; None when a webhook lacks its URL or secret."""
    secrets = [settings.token()]
    if webhook:
        if settings.webhook_url is None or settings.webhook_secret is None:
            return None
        secrets.append(settings.webhook_secret.get_secret_value())
    return secrets


def _serve(
    app: BotApplication, settings: Settings, loop: asyncio.AbstractEventLoop, webhook: bool
) -> None:
    """Serve updates until a signal: by webhook, or by long polling."""
    if webhook:
        from bot.telegram.webhook import run_until_signal

        log.info("starting the webhook")
        run_until_signal(app, settings, loop)
        return
    log.info("starting long polling against %s", settings.bot_api_base_url)
    # run_polling installs SIGINT/SIGTERM handlers and runs post_init/post_shutdown.
    app.run_polling(
        allowed_updates=ALLOWED_UPDATES,
        timeout=POLL_TIMEOUT,
        drop_pending_updates=False,
        close_loop=False,
    )


# What stops a start with one line rather than a traceback.
REFUSALS = (
    GuidesInvalid,
    InvalidToken,
    NetworkError,
    DatabaseTooNew,
    DatabaseUnusable,
    KeyRefused,
    StorageError,
)


def _refusal(settings: Settings, exc: Exception) -> tuple[str, int]:
    """The line to print and the exit code for a start refused by `exc` (one of REFUSALS)."""
    if isinstance(exc, InvalidToken):
        return "BOT_TOKEN was rejected by the Bot API (check it with @BotFather).", 1
    if isinstance(exc, NetworkError):
        return (
            f"cannot reach the Bot API at {settings.bot_api_base_url}: {type(exc).__name__}",
            1,
        )
    if isinstance(exc, DatabaseUnusable | KeyRefused):
        return str(exc), EXIT_STORAGE
    if isinstance(exc, StorageError):  # refused while starting: a full or failing disk
        return str(unusable(settings.db_path, exc)), EXIT_STORAGE
    return str(exc), 1  # GuidesInvalid, DatabaseTooNew

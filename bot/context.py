"""Typed access to the application's services from every handler."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiosqlite
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.content.loader import GuideLibrary
from bot.content.search import SearchIndex
from bot.privacy import pseudonym
from bot.storage.prefs import PrefsRepository
from bot.texts import Texts
from bot.views import Views


@dataclass
class Services:
    """Built once in `post_init`; everything a handler may need, nothing it must look up."""

    settings: Settings
    texts: Texts
    library: GuideLibrary
    search: SearchIndex
    views: Views
    conn: aiosqlite.Connection
    prefs: PrefsRepository
    key: bytes
    bot_username: str = ""
    language_cache: dict[str, str] = field(default_factory=dict)

    def user_key(self, telegram_user_id: int) -> str:
        return pseudonym(self.key, "tg-user", telegram_user_id)


class AppData:
    """`bot_data`: holds the services once they exist (after `post_init`)."""

    services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict, dict, AppData]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:  # only if an update slips in before post_init finished
            raise RuntimeError("services are not ready")
        return services


BotApplication = Application[ExtBot[None], BotContext, dict, dict, AppData, None]

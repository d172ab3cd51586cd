"""Typed access to the application's services from every handler."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.guides.loader import GuideLibrary
from bot.guides.search import SearchIndex
from bot.reach.domain.flood import FloodGate
from bot.reach.domain.privacy import pseudonym
from bot.reach.services.locks import KeyedLocks
from bot.storage.assists import AssistRepository
from bot.storage.db import Database
from bot.storage.erasure import ErasureRepository
from bot.storage.members import MemberRepository
from bot.storage.pending import PendingRepository
from bot.storage.prefs import PrefsRepository
from bot.storage.units import UnitRepository
from bot.telegram.views.assist import AssistViews
from bot.telegram.views.guides import Views
from bot.telegram.views.reports import ReportViews
from bot.texts.templates import Texts


@dataclass
class Services:
    """Built once in `post_init`; everything a handler may need, nothing it must look up."""

    settings: Settings
    texts: Texts
    library: GuideLibrary
    search: SearchIndex
    views: Views
    db: Database
    key: bytes
    prefs: PrefsRepository = field(init=False)
    units: UnitRepository = field(init=False)
    members: MemberRepository = field(init=False)
    assists: AssistRepository = field(init=False)
    pending: PendingRepository = field(init=False)
    erasure: ErasureRepository = field(init=False)
    assist_views: AssistViews = field(init=False)
    report_views: ReportViews = field(init=False)
    form_locks: KeyedLocks = field(default_factory=lambda: KeyedLocks())
    flood: FloodGate = field(init=False)
    bot_username: str = ""
    language_cache: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prefs = PrefsRepository(self.db)
        self.units = UnitRepository(self.db)
        self.members = MemberRepository(self.db)
        self.assists = AssistRepository(self.db)
        self.pending = PendingRepository(self.db)
        self.erasure = ErasureRepository(self.db)
        self.assist_views = AssistViews(self.texts)
        self.report_views = ReportViews(self.texts)
        self.flood = FloodGate(self.settings.flood_max_updates, self.settings.flood_window_seconds)

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

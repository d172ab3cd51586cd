"""Typed access to the application's services from every handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.config import Settings
from bot.guides.loader import GuideLibrary
from bot.guides.recent import RecentSearches
from bot.guides.search import SearchIndex
from bot.services import Reach
from bot.services.access import Actor
from bot.telegram.flood import FloodGate
from bot.telegram.locks import KeyedLocks
from bot.telegram.views.activities import ActivityViews
from bot.telegram.views.assist import AssistViews
from bot.telegram.views.guides import Views
from bot.telegram.views.reports import ReportViews
from bot.texts.templates import Texts

FORM_FLOOD_FACTOR = 4  # an open form's presses may come this many times as fast


@dataclass
class Services:
    """Built once in `post_init`; everything a handler may need, nothing it must look up."""

    settings: Settings
    texts: Texts
    library: GuideLibrary
    search: SearchIndex
    views: Views
    reach: Reach
    bot_username: str = ""
    assist_views: AssistViews = field(init=False)
    activity_views: ActivityViews = field(init=False)
    report_views: ReportViews = field(init=False)
    # Screen updates of one form in the order of its presses (a press's trip is atomic on
    # its own; this keeps a slower edit from overwriting a newer one). Per form, not global.
    form_locks: KeyedLocks = field(default_factory=KeyedLocks)
    flood: FloodGate = field(init=False)
    # Presses on an open assist form («+1» tapped fast on a campaign day) have a budget of
    # their own, larger than the rest's: they are counted, not exempt.
    form_flood: FloodGate = field(init=False)
    recent_searches: RecentSearches = field(default_factory=RecentSearches)
    # Per person (pseudonymous key): the guide whose intro they saw last, and the guide they
    # opened it from as a prerequisite ("" if none), so that its «◀» leads back there.
    # In memory and bounded, like `recent_searches` (see handlers/navigation).
    guide_trail: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.assist_views = AssistViews(self.texts)
        self.activity_views = ActivityViews(self.texts, self.views)
        self.report_views = ReportViews(self.texts)
        self.flood = FloodGate(self.settings.flood_max_updates, self.settings.flood_window_seconds)
        self.form_flood = FloodGate(
            self.settings.flood_max_updates * FORM_FLOOD_FACTOR, self.settings.flood_window_seconds
        )

    def user_key(self, telegram_user_id: int) -> str:
        return self.reach.access.user_key(telegram_user_id)


@dataclass(frozen=True)
class Who:
    """The person behind an update: their language and what they may do (see `Actor`)."""

    lang: str
    actor: Actor


class AppData:
    """`bot_data`: holds the services once they exist (after `post_init`)."""

    services: Services | None = None


# ExtBot[int]: the bot has an AIORateLimiter, whose per-call arguments are ints (bot/app.py).
class BotContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], AppData]):
    """python-telegram-bot makes one context per update and hands it to every handler group
    in turn, so who is acting is worked out here once per update (one keyed hash of the
    Telegram id, one language lookup, one actor from memory) and shared by all of them."""

    _update: object = None
    _who: Who | None = None

    @classmethod
    def from_update(cls, update: object, application: Any) -> BotContext:
        context: BotContext = super().from_update(update, application)
        context._update = update
        return context

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:  # only if an update slips in before post_init finished
            raise RuntimeError("services are not ready")
        return services

    async def who(self, update: object = None) -> Who:
        """Who is acting in this update; resolved at the first call, then remembered.
        `update`: for a context python-telegram-bot made without one (the error handler's)."""
        if self._who is None:
            update = self._update or update
            user = update.effective_user if isinstance(update, Update) else None
            if user is None:
                raise RuntimeError("an update without a person has no actor")
            reach = self.services.reach
            key = reach.access.user_key(user.id)
            lang = await reach.languages.of(key)
            self._who = Who(lang, await reach.access.actor(user.id, key))
        return self._who

    def changed_who(self) -> None:
        """The person's role or language changed in this update (joined, chose a language,
        erased their data): the next `who()` resolves them again."""
        self._who = None


BotApplication = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], AppData, JobQueue[BotContext]
]

"""Typed access to the application's services from every handler."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.config import Settings
from bot.guides.loader import GuideLibrary
from bot.guides.recent import RecentSearches
from bot.guides.search import SearchIndex
from bot.services import Reach
from bot.services.access import Actor
from bot.telegram.views.activities import ActivityViews
from bot.telegram.views.assist import AssistViews
from bot.telegram.views.guides import Views
from bot.telegram.views.reports import ReportViews
from bot.texts.templates import Texts

# ---- per-person flood limit: a sliding window of recent update times, bounded in memory ----


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # the first update over the limit: drop it, and say why once
    DROP = "drop"


class FloodGate:
    def __init__(self, max_updates: int, window: float, max_people: int = 100_000) -> None:
        self.max_updates = max_updates
        self.window = window
        self.max_people = max_people
        self._seen: dict[int, deque[float]] = {}
        self._notified: set[int] = set()

    def check(self, person: int, now: float) -> Verdict:
        times = self._seen.get(person)
        if times is None:
            if len(self._seen) >= self.max_people:
                self._forget_idle(now)
            times = self._seen[person] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.max_updates:
            times.append(now)
            self._notified.discard(person)
            return Verdict.ALLOW
        if person in self._notified:
            return Verdict.DROP
        self._notified.add(person)
        return Verdict.NOTIFY

    def _forget_idle(self, now: float) -> None:
        idle = [p for p, times in self._seen.items() if not times or times[-1] <= now - self.window]
        for person in idle:
            del self._seen[person]
            self._notified.discard(person)
        if len(self._seen) >= self.max_people:  # everyone is busy: start afresh, stay bounded
            self._seen.clear()
            self._notified.clear()


# ---- serialising work per key (a form's token) inside one process ----------------------------


class KeyedLocks:
    """One asyncio lock per key (a form's token), dropped once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


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
            lang = reach.languages.of(key)
            self._who = Who(lang, await reach.access.actor(user.id, key))
        return self._who

    def changed_who(self) -> None:
        """The person's role or language changed in this update (joined, chose a language,
        erased their data): the next `who()` resolves them again."""
        self._who = None


BotApplication = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], AppData, JobQueue[BotContext]
]

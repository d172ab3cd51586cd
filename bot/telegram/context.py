"""What every handler works with, in types: the application's services (built once), who is
acting (resolved once per update), the flood gate that runs before everything, and the button
protocol's decorator (`@pressed`) and routes."""

from __future__ import annotations

import asyncio
import functools
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackContext,
    CallbackQueryHandler,
    ExtBot,
    JobQueue,
)

from bot.bounded import BoundedCache
from bot.config import Settings
from bot.domain.taps import InvalidCallback, Tap, TapKind, decode_tap, kind_of
from bot.guides.loader import GuideLibrary
from bot.guides.recent import RecentSearches
from bot.guides.search import SearchIndex
from bot.services import Reach
from bot.services.access import Actor
from bot.telegram.views.activities import ActivityViews
from bot.telegram.views.assist import AssistViews
from bot.telegram.views.guides import Views
from bot.telegram.views.reports import ReportViews
from bot.telegram.views.view import View, answer, reply
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


TRAIL_LIMIT = 10_000  # people whose last guide intro is remembered (in memory only)
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
    guide_trail: BoundedCache[str, tuple[str, str]] = field(
        default_factory=lambda: BoundedCache(TRAIL_LIMIT)
    )

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


# ---- who is acting, the buttons in types, and the flood check ------------------------------


async def language_of(update: Update, context: BotContext) -> str:
    if update.effective_user is None:
        return context.services.settings.default_language
    return (await context.who(update)).lang


async def actor_of(update: Update, context: BotContext) -> Actor:
    """Who is acting, with their role and scope (from memory: no database trip), resolved
    once per update (see `BotContext.who`)."""
    return (await context.who(update)).actor


@dataclass(frozen=True)
class Press:
    query: CallbackQuery
    tap: Tap
    lang: str
    actor: Actor


PressCallback = Callable[[Update, BotContext, Press], Awaitable[None]]


@dataclass(frozen=True)
class TapHandler:
    """A handler of one kind of button, as `routes` registers it."""

    kind: TapKind
    callback: Callable[[Update, BotContext], Coroutine[Any, Any, None]]


CommandCallback = Callable[[Update, BotContext, Who], Awaitable[None]]


def command(handle: CommandCallback) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """A command's handler gets who is acting (language and actor), resolved once per update;
    called as python-telegram-bot calls any handler, with the update and the context."""

    @functools.wraps(handle)
    async def callback(update: Update, context: BotContext) -> None:
        await handle(update, context, await context.who(update))

    return callback


def pressed(
    kind: TapKind, *, staff: bool = False, numeric_ref: bool = False, numeric_arg: bool = False
) -> Callable[[PressCallback], TapHandler]:
    """`numeric_ref`/`numeric_arg`: the ref or the arg must be a small whole number."""

    def decorate(handle: PressCallback) -> TapHandler:
        @functools.wraps(handle)
        async def callback(update: Update, context: BotContext) -> None:
            query = update.callback_query
            assert query is not None
            who = await context.who(update)
            label = context.services.texts.label
            try:
                tap = decode_tap(query.data, kind, numeric_ref=numeric_ref, numeric_arg=numeric_arg)
            except InvalidCallback:
                await answer(query, label(who.lang, "toast_stale_form"))
                return
            if not who.actor.may_press(staff=staff):
                await answer(query, label(who.lang, "toast_not_allowed"), alert=True)
                return
            await handle(update, context, Press(query, tap, who.lang, who.actor))

        return TapHandler(kind, callback)

    return decorate


def _is_kind(kind: TapKind, data: object) -> bool:
    return kind_of(data) is kind


def routes(*handlers: TapHandler) -> list[CallbackQueryHandler[BotContext, None]]:
    """One `CallbackQueryHandler` per kind, matching exactly the data that kind's codec makes;
    two handlers for one kind are a mistake, refused here."""
    kinds = [handler.kind for handler in handlers]
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"two handlers for one kind of button: {kinds}")
    return [
        CallbackQueryHandler(handler.callback, pattern=functools.partial(_is_kind, handler.kind))
        for handler in handlers
    ]


async def flood_check(update: Update, context: BotContext) -> None:
    user = update.effective_user
    services = context.bot_data.services
    if user is None or services is None:
        return
    query = update.callback_query
    # A press on an assist form: counted against the forms' own, larger budget.
    form_press = query is not None and kind_of(query.data) is TapKind.ASSIST
    gate = services.form_flood if form_press else services.flood
    verdict = gate.check(user.id, time.monotonic())
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTIFY:
        lang = await language_of(update, context)
        if update.callback_query is not None:
            await answer(update.callback_query, services.texts.label(lang, "toast_flood"))
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            text = services.texts.render(lang, "flood_notice")
            await reply(update, View(text, services.views.menu_only(lang)))
    raise ApplicationHandlerStop

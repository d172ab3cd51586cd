"""Button handlers in types: `@pressed(kind)` declares what a handler needs, and
`routes(...)` registers handlers by their kind, with a pattern built from the codec.

The decorator decodes the press (a stale or forged one gets the polite toast), checks the
kind's ops and, for `staff=True`, that the person is a coordinator or an admin, and hands the
handler a `Press`: the query, the decoded tap, the language and the actor, each worked out
once per update (see `BotContext.who`).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot.domain.taps import InvalidCallback, Tap, TapKind, decode_tap, kind_of
from bot.services.access import Actor
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer


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
                tap = decode_tap(
                    query.data, kind, numeric_ref=numeric_ref, numeric_arg=numeric_arg
                )
            except InvalidCallback:
                await answer(query, label(who.lang, "toast_stale_form"))
                return
            if staff and not who.actor.staff:
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

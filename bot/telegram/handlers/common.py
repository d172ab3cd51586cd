"""Small helpers every handler shares: the person's language, sending and editing views, and
saying a refusal."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, Defaults, ExtBot
from telegram.warnings import PTBUserWarning

from bot.domain.refusal import Reason, Refusal
from bot.domain.taps import Answer, InvalidCallback, Tap, TapKind, decode_tap, kind_of
from bot.services.access import Actor
from bot.telegram.context import BotContext, Verdict
from bot.telegram.views.view import View
from bot.texts.telegram_html import parse_html
from bot.texts.templates import Texts


async def language_of(update: Update, context: BotContext) -> str:
    if update.effective_user is None:
        return context.services.settings.default_language
    return (await context.who(update)).lang


async def actor_of(update: Update, context: BotContext) -> Actor:
    """Who is acting, with their role and scope (from memory: no database trip), resolved
    once per update (see `BotContext.who`)."""
    return (await context.who(update)).actor


async def volunteer_actor(update: Update, context: BotContext, lang: str) -> Actor | None:
    """The acting person if they may log assists; else they are told why not, and None."""
    actor = await actor_of(update, context)
    why_not = actor.why_not_volunteer()
    if why_not:
        await send_text(update, context, context.services.texts.render(lang, why_not))
        return None
    return actor


@contextlib.asynccontextmanager
async def preparing(update: Update, context: BotContext, lang: str) -> AsyncIterator[None]:
    """«⏳ Đang chuẩn bị…» at once for slow work (files, charts, posters), removed when the
    result is there: a blank chat for ten seconds looks like a bot that did not hear."""
    chat = update.effective_chat
    assert chat is not None
    text = context.services.texts.render(lang, "preparing")
    note = await update.get_bot().send_message(chat.id, text)
    try:
        yield
    finally:
        await delete_quietly(note)


# Screens are sent with `do_api_request`, which hands back Telegram's answer as it came:
# `send_message` and `edit_message_text` would parse it into a `Message` (the whole screen,
# every button an object) that no handler reads, which cost as much as building the screen.
# python-telegram-bot asks with a warning for its named methods instead; here that is the
# point, so that warning alone is silenced.
_SCREEN_METHODS = ("sendMessage", "editMessageText")
warnings.filterwarnings(
    "ignore", rf"Please use 'Bot\.({'|'.join(_SCREEN_METHODS)})'", PTBUserWarning
)


# A convenience of python-telegram-bot's named methods, not a Bot API parameter.
_NOT_API = frozenset({"do_quote"})
_NAMED: dict[str, Callable[..., object]] = {
    "sendMessage": Bot.send_message,
    "editMessageText": Bot.edit_message_text,
}


@functools.lru_cache(maxsize=8)
def formatting(defaults: Defaults | None, method: str) -> dict[str, Any]:
    """What the bot's one `Defaults` adds to `method`, as the named method would add it:
    every entry of `Defaults.api_defaults` the method takes (HTML and no link previews today;
    a default added there later applies here too), serialised for `do_api_request`."""
    if defaults is None:
        return {}
    takes = inspect.signature(_NAMED[method]).parameters
    params: dict[str, Any] = {}
    for name, value in defaults.api_defaults.items():
        if name in takes and name not in _NOT_API:
            if isinstance(value, TelegramObject):
                value = json.dumps(value.to_dict(), separators=(",", ":"))
            params[name] = value
    return params


async def _send_screen(bot: Bot, method: str, view: View, **target: int) -> None:
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    params: dict[str, Any] = {**target, "text": view.text, **formatting(defaults, method)}
    if view.markup_json is not None:
        params["reply_markup"] = view.markup_json  # sent as is: already JSON
    await bot.do_api_request(method, api_kwargs=params)


async def reply(update: Update, view: View) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await _send_screen(update.get_bot(), "sendMessage", view, chat_id=chat.id)


async def edit_in_place(query: CallbackQuery, view: View) -> None:
    """Edit the message the button sits on; fall back to a new message if that is impossible."""
    message = query.message
    bot = query.get_bot()
    if isinstance(message, Message):
        # The markup first: it is cheaper to compare, and differs after most presses.
        if view.shown_on(message.reply_markup) and message.text == parse_html(view.text):
            return  # the same button pressed twice: the screen is already right
        try:
            await _send_screen(
                bot,
                "editMessageText",
                view,
                chat_id=message.chat.id,
                message_id=message.message_id,
            )
            return
        except BadRequest as exc:
            text = str(exc).lower()
            if "message is not modified" in text:
                return  # a race with another press: the screen is already right
            if "message to edit not found" not in text and "can't be edited" not in text:
                raise
    await _send_screen(bot, "sendMessage", view, chat_id=query.from_user.id)


async def send_text(update: Update, context: BotContext, text: str) -> None:
    """A message of text, with «🏠 Menu» under it: no screen is a dead end."""
    await reply(update, View(text, await menu_only(update, context)))


async def menu_only(update: Update, context: BotContext) -> InlineKeyboardMarkup:
    lang = await language_of(update, context)
    return context.services.views.menu_only(lang)


async def delete_quietly(message: Message) -> None:
    """Remove a message that should not linger in the chat (a resident's phone number)."""
    with contextlib.suppress(BadRequest):  # too old or already gone: nothing more to do
        await message.delete()


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; an already-answered query (a redelivered update) is not an error.

    Telegram refuses a second answer to the same press ("query is too old"); the work the
    press asked for has been done or is refused idempotently, so there is nothing to report.
    """
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if (
            "query is too old" not in str(exc).lower()
            and "query id is invalid" not in str(exc).lower()
        ):
            raise


def confirm_keyboard(
    context: BotContext, lang: str, kind: TapKind, ref: str, yes_label: str, no_label: str
) -> InlineKeyboardMarkup:
    """The two buttons of a confirmation: YES does it, NO leaves things as they are."""
    label = context.services.texts.label
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(lang, yes_label), callback_data=Tap(kind, ref, Answer.YES).encode()
                ),
                InlineKeyboardButton(
                    label(lang, no_label), callback_data=Tap(kind, ref, Answer.NO).encode()
                ),
            ]
        ]
    )


def refusal_text(
    texts: Texts,
    lang: str,
    refusal: Refusal,
    template: str = "campaign_error",
    *,
    quote: bool = True,
) -> str:
    """The sentence that says why `refusal` was refused: its reason's line of
    `campaign_error` (a conversation may ask for a `template` of its own, such as a hint to
    type it again). It quotes `detail`, the part at fault as typed, cut to fit, unless
    `quote` is False (a few answers have always said it without: «mã này»)."""
    return texts.render(
        lang,
        template,
        reason=refusal.reason,
        detail=refusal.detail[:40] if quote else "",
        activity=refusal.activity,
        example_unit=refusal.example_unit,
        why=refusal.why,
    )


# A button from an older screen is a passing note; any other refusal stays until it is read.
_PASSING_TOASTS = frozenset({Reason.STALE_REPORT})


def refusal_toast(texts: Texts, lang: str, refusal: Refusal) -> tuple[str, bool]:
    """What a button press that was refused shows: the toast, and whether it is an alert."""
    text = texts.label(lang, "toast_refusal", refusal.reason.value)
    return text, refusal.reason not in _PASSING_TOASTS


async def tell_refusal(
    update: Update,
    context: BotContext,
    lang: str,
    refusal: Refusal,
    template: str = "campaign_error",
    *,
    quote: bool = True,
) -> None:
    """Say why a request was refused (see `bot.domain.refusal.Refusal`), in a message."""
    text = refusal_text(context.services.texts, lang, refusal, template, quote=quote)
    await send_text(update, context, text)


async def answer_refusal(
    query: CallbackQuery, context: BotContext, lang: str, refusal: Refusal
) -> None:
    """Say why a button press was refused, in its toast."""
    text, alert = refusal_toast(context.services.texts, lang, refusal)
    await answer(query, text, alert=alert)


# ---- buttons in types: `@pressed(kind)` and `routes(...)` ------------------------------------
# The decorator decodes the press (a stale or forged one gets the polite toast), checks the
# kind's ops and, for `staff=True`, that the person is a coordinator or an admin, and hands the
# handler a `Press`: the query, the decoded tap, the language and the actor, each worked out
# once per update (see `BotContext.who`). `routes` registers handlers by their kind, with a
# pattern built from the codec.


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


# ---- runs before every other handler (group -2): drops a person's updates beyond the limit --


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
            await send_text(update, context, services.texts.render(lang, "flood_notice"))
    raise ApplicationHandlerStop

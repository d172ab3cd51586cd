"""Small helpers every handler shares: the person's language, sending and editing views, and
saying a refusal."""

from __future__ import annotations

import contextlib
import functools
import json
import warnings
from collections.abc import AsyncIterator
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Defaults, ExtBot
from telegram.warnings import PTBUserWarning

from bot.domain.refusal import Reason, Refusal
from bot.domain.taps import Answer, Tap, TapKind
from bot.services.access import Actor
from bot.telegram.context import BotContext
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
    if actor.volunteer is None:
        await send_text(
            update, context, context.services.texts.render(lang, actor.why_not_volunteer())
        )
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


@functools.lru_cache(maxsize=8)
def _formatting(defaults: Defaults | None) -> dict[str, str]:
    """What the bot's `Defaults` add to a message (HTML, no link previews), for requests
    that bypass the named methods; dumped once."""
    params: dict[str, str] = {}
    if defaults is not None and defaults.parse_mode:
        params["parse_mode"] = defaults.parse_mode
    if defaults is not None and defaults.link_preview_options is not None:
        options = defaults.link_preview_options.to_dict()
        params["link_preview_options"] = json.dumps(options, separators=(",", ":"))
    return params


async def _send_screen(bot: Bot, method: str, view: View, **target: int) -> None:
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    params: dict[str, Any] = {**target, "text": view.text, **_formatting(defaults)}
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

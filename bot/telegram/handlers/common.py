"""Small helpers handlers share: text with «🏠 Menu» under it, «⏳» while slow work runs, the
two buttons of a confirmation, and saying a refusal."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest

from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor
from bot.telegram.context import BotContext, actor_of, language_of
from bot.telegram.views.view import View, answer, reply
from bot.texts.templates import Texts


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

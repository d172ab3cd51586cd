"""Inline mode: `@bot vneid mật khẩu` in any chat lists guides; choosing one posts a card."""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)

from bot.domain.deep_links import MENU_PAYLOAD
from bot.domain.privacy import private_kind
from bot.telegram.context import BotContext, language_of

MAX_RESULTS = 20


async def on_inline_query(update: Update, context: BotContext) -> None:
    inline = update.inline_query
    assert inline is not None
    services = context.services
    lang = await language_of(update, context)
    text = inline.query.strip()
    if private_kind(text) is not None:
        # A phone, ID number, email or password: not searched, echoed or kept, and not
        # cached by Telegram; the one button says why and opens the bot.
        button = InlineQueryResultsButton(
            text=services.texts.label(lang, "btn_inline_private"), start_parameter=MENU_PAYLOAD
        )
        await inline.answer([], cache_time=0, is_personal=True, button=button)
        return
    exact = services.library.get(text)
    if exact is not None:  # the "📤 Chia sẻ" button pre-fills the guide id
        guides = [exact]
    elif text:
        guides = [
            hit.guide for hit in services.search.search(text, limit=MAX_RESULTS, prefix_last=True)
        ]
    else:
        guides = list(services.library)[:MAX_RESULTS]
    results = []
    for guide in guides:
        card = services.views.inline_card(lang, guide, services.bot_username)
        assert isinstance(card.markup, InlineKeyboardMarkup)  # a URL button: never a Keyboard
        results.append(
            InlineQueryResultArticle(
                id=guide.id,
                title=guide.localized_title(lang),
                description=guide.localized_summary(lang),
                input_message_content=InputTextMessageContent(card.text),
                reply_markup=card.markup,
            )
        )
    button = InlineQueryResultsButton(
        text=services.texts.label(lang, "btn_inline_open_bot"), start_parameter=MENU_PAYLOAD
    )
    await inline.answer(results, cache_time=300, is_personal=False, button=button)

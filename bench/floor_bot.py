"""The floor: a minimal python-telegram-bot bot making the same Bot API calls per update as
the real one, with no logic. A message gets one sendMessage with a keyboard; a button press
gets answerCallbackQuery, then editMessageText. Run by bench/e2e_bench.py."""

from __future__ import annotations

import itertools
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

COUNTER = itertools.count()
KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton(f"Nút {n}", callback_data=f"b{n}") for n in range(3)]]
)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, "Xin chào", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"Bước {next(COUNTER)}", reply_markup=KEYBOARD)


def main() -> None:
    app = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .concurrent_updates(True)
        .connection_pool_size(8)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, on_message))
    app.add_handler(CallbackQueryHandler(on_button))
    app.run_polling(timeout=10, allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()

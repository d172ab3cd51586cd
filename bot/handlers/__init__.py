"""`register(app)`: the single ordered list of handlers."""

from __future__ import annotations

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApplication
from bot.handlers import errors, inline, menu, navigation, other, search

# Only new messages: an edited message is deliberately ignored (re-answering it would
# repeat a screen the person has already moved past).
NEW_PRIVATE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
NEW_GROUP = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("start", menu.start, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("help", menu.help_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("language", menu.language_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("search", search.search_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler(["start", "help"], menu.group_note, filters=NEW_GROUP))
    app.add_handler(CallbackQueryHandler(navigation.on_button))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.TEXT & ~filters.COMMAND, search.on_text))
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.COMMAND, other.unknown_command))
    app.add_handler(MessageHandler(NEW_PRIVATE & ~filters.StatusUpdate.ALL, other.unsupported))
    # Everything else (group chatter, edits, service messages) gets a deliberate silence.
    app.add_error_handler(errors.on_error)

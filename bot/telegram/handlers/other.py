"""Messages the bot cannot use: a short polite answer, never an error."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext, Who, command, language_of
from bot.telegram.handlers.menu import help_command
from bot.telegram.views.view import View, reply


async def unsupported(update: Update, context: BotContext) -> None:
    lang = await language_of(update, context)
    text = context.services.texts.render(lang, "unsupported_message")
    await reply(update, View(text, context.services.views.menu_only(lang)))


@command
async def unknown_command(update: Update, context: BotContext, who: Who) -> None:
    """A command the bot does not know gets the help page, which lists the real ones."""
    await help_command(update, context)

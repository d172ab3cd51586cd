"""/start (with deep links), /help and /language."""

from __future__ import annotations

from telegram import Update

from bot.content.navigation import Screen, ScreenKind, open_link
from bot.context import BotContext
from bot.handlers.common import language_of, reply
from bot.views import View

MENU_PAYLOAD = "menu"  # the inline results' "open the bot" button


async def start(update: Update, context: BotContext) -> None:
    services = context.services
    lang = await language_of(update, context)
    payload = context.args[0] if context.args else ""
    screen = open_link(services.library, "" if payload == MENU_PAYLOAD else payload)
    view = services.views.render(lang, screen)
    if screen.kind is ScreenKind.MENU:
        welcome = services.texts.render(lang, "welcome")
        view = View(f"{welcome}\n\n{view.text}", view.markup)
    await reply(update, view)


async def help_command(update: Update, context: BotContext) -> None:
    lang = await language_of(update, context)
    await reply(update, context.services.views.render(lang, Screen(ScreenKind.HELP)))


async def language_command(update: Update, context: BotContext) -> None:
    lang = await language_of(update, context)
    await reply(update, context.services.views.render(lang, Screen(ScreenKind.LANGUAGE)))


async def group_note(update: Update, context: BotContext) -> None:
    """In groups the bot only points people to a private chat; it never guides in public."""
    lang = await language_of(update, context)
    text = context.services.texts.render(
        lang, "group_note", bot_username=context.services.bot_username
    )
    await reply(update, View(text, None))

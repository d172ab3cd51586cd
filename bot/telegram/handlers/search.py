"""Typed text and /search: secret check first, then guide search."""

from __future__ import annotations

from telegram import Update

from bot.guides.navigation import Screen, ScreenKind
from bot.guides.search import SearchHit
from bot.guides.text_norm import fold
from bot.reach.domain import clock
from bot.reach.domain.privacy import looks_like_secret
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import language_of, reply
from bot.telegram.views.guides import View

ECHO_LIMIT = 80  # how much of the query is repeated back in the answer


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, message.text)


async def search_command(update: Update, context: BotContext) -> None:
    query = " ".join(context.args or [])
    if not query.strip():
        lang = await language_of(update, context)
        await reply(update, context.services.views.render(lang, Screen(ScreenKind.SEARCH_HINT)))
        return
    await _answer(update, context, query)


async def _answer(update: Update, context: BotContext, text: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    if looks_like_secret(text, fold(text)):
        # Never searched, echoed, stored or logged: the text may be a real OTP or password.
        text = services.texts.render(lang, "otp_warning")
        await reply(update, View(text, services.views.menu_only(lang)))
        return
    hits = confident_hits(context, text)
    await reply(update, results_view(context, lang, text, hits))
    assert update.effective_user is not None
    if hits:
        services.recent_searches.remember(services.user_key(update.effective_user.id), text)
    else:  # kept for editors without who asked, folded and without digits
        await services.reach.guide_stats.unanswered(text, clock.now())


def confident_hits(context: BotContext, text: str) -> list[SearchHit]:
    """The matches, or none when even the best is a guess ("no guide for this yet")."""
    search = context.services.search
    hits = search.search(text)
    return hits if hits and search.confident(text, hits[0]) else []


def results_view(
    context: BotContext, lang: str, text: str, hits: list[SearchHit] | None = None
) -> View:
    services = context.services
    if hits is None:
        hits = confident_hits(context, text)
    echo = " ".join(text.split())
    if len(echo) > ECHO_LIMIT:
        echo = echo[: ECHO_LIMIT - 1] + "…"
    return services.views.search_results(lang, echo, hits)

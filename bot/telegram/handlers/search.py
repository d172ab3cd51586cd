"""Typed text and /search: private values first, then small talk, then guide search."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot import clock
from bot.domain.privacy import SECRET, private_kind
from bot.domain.small_talk import small_talk
from bot.guides.navigation import Screen, ScreenKind
from bot.guides.search import SearchHit
from bot.telegram.context import BotContext, Who, actor_of, command, language_of
from bot.telegram.views.view import View, reply

ECHO_LIMIT = 80  # how much of the query is repeated back in the answer


async def on_text(update: Update, context: BotContext, *, asked: bool = False) -> None:
    """Typed text the bot did not ask for. `asked`: the bot asked a question that is
    still open (a form listens for a count), so "ok" or "chào" is not taken as small talk."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, message.text, small_talk_ok=not asked)


@command
async def search_command(update: Update, context: BotContext, who: Who) -> None:
    query = " ".join(context.args or [])
    if not query.strip():
        lang = who.lang
        await reply(update, context.services.views.render(lang, Screen(ScreenKind.SEARCH_HINT)))
        return
    await _answer(update, context, query)


async def _answer(
    update: Update, context: BotContext, text: str, *, small_talk_ok: bool = True
) -> None:
    services = context.services
    lang = await language_of(update, context)
    private = private_kind(text)
    if private is not None:
        # A password, code, phone, ID number or email: never searched, echoed, stored or
        # logged, and removed from the chat.
        deleted = await _delete(update.effective_message)
        template = "otp_warning" if private == SECRET else "personal_number"
        notice = services.texts.render(lang, template, kind=private, deleted=deleted)
        await reply(update, View(notice, services.views.menu_only(lang)))
        return
    kind = small_talk(text) if small_talk_ok else None
    if kind is not None:
        standing = (await actor_of(update, context)).standing
        answer = services.texts.render(lang, "small_talk", kind=kind)
        await reply(update, View(answer, services.views.menu_markup(lang, standing)))
        return
    hits = confident_hits(context, text)
    await reply(update, results_view(context, lang, text, hits))
    assert update.effective_user is not None
    if hits:
        services.recent_searches.remember((await actor_of(update, context)).user_key, text)
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


async def _delete(message: Message | None) -> bool:
    """Remove a person's message holding a private value, where the bot may (a private
    chat); whether it is gone."""
    if message is None or message.chat.type != ChatType.PRIVATE:
        return False
    with contextlib.suppress(BadRequest, Forbidden):  # too old or already gone
        return bool(await message.delete())
    return False

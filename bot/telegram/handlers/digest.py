"""The weekly report: /subscribe, /unsubscribe, and the Monday 07:30 job that sends it
(python-telegram-bot's JobQueue; the subscriptions live in the database, so they survive
restarts)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update
from telegram.error import Forbidden

from bot import clock
from bot.services.subscriptions import SEND_AT, SEND_WEEKDAY
from bot.telegram.context import BotApplication, BotContext, Who, command
from bot.telegram.handlers.common import send_text

log = logging.getLogger(__name__)
JOB_NAME = "weekly-digest"


def schedule(app: BotApplication) -> None:
    if app.job_queue is None:  # python-telegram-bot without its job-queue extra
        log.warning("no job queue: the weekly report cannot be sent")
        return
    # The JobQueue numbers days from Sunday (0); datetime numbers them from Monday (0).
    weekday = (SEND_WEEKDAY + 1) % 7
    at = dt.time(SEND_AT.hour, SEND_AT.minute, tzinfo=clock.VIETNAM)
    app.job_queue.run_daily(send_digests, time=at, days=(weekday,), name=JOB_NAME)


@command
async def subscribe_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    actor = who.actor
    chat = update.effective_chat
    assert chat is not None
    added = await services.reach.subscriptions.subscribe(actor, chat.id, lang, clock.now())
    if added is None:
        await send_text(update, context, services.texts.render(lang, "not_allowed"))
        return
    await send_text(update, context, services.texts.render(lang, "subscribed", again=not added))


@command
async def unsubscribe_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    actor = who.actor
    removed = await services.reach.subscriptions.unsubscribe(actor.user_key)
    await send_text(update, context, services.texts.render(lang, "unsubscribed", removed=removed))


async def send_digests(context: BotContext) -> int:
    """Last week's report to every subscriber, for their own scope; a subscriber who blocked
    the bot is unsubscribed. Returns how many were sent."""
    # Imported here: the weekly job runs once a week, so it adds nothing to start-up.
    from bot.reports import service as reporting
    from bot.reports.text import report_text, summary_text

    services = context.application.bot_data.services
    if services is None:
        return 0
    sent = 0
    period = services.reach.subscriptions.period(clock.now())
    for subscription, actor in await services.reach.subscriptions.recipients():
        lang = subscription.language
        report = await reporting.report(services.reach.db, actor.report_root, period)
        heading = services.texts.render(lang, "digest_heading")
        text = heading + "\n\n" + report_text(services.texts, lang, report)
        try:
            await context.bot.send_message(subscription.chat_id, text)
            await context.bot.send_message(
                subscription.chat_id, summary_text(services.texts, lang, report)
            )
        except Forbidden:
            await services.reach.subscriptions.unsubscribe(subscription.user_key)
            continue
        sent += 1
    log.info("weekly report sent to %d subscribers", sent)
    return sent

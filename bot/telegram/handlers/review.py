"""/review: what waits for approval, with «✅ Duyệt» / «❌ Loại» on each entry.

A button carries the entry as `<subject letter><id>` (and a check-in's member number as its
argument); the service re-checks who may decide, so forged data decides nothing.
"""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.numbers import page_number
from bot.domain.refusal import Refusal
from bot.domain.review import Subject
from bot.domain.taps import ReviewOp, Tap, TapKind
from bot.services.review import Queue, Reviewer, parse_ref, reviewer_of
from bot.telegram.context import BotContext, Press, Who, command, pressed
from bot.telegram.handlers.common import answer_refusal, send_text
from bot.telegram.views.staff import LETTERS, review_queue
from bot.telegram.views.view import answer, edit_in_place, reply

SUBJECTS = {letter: subject for subject, letter in LETTERS.items()}  # see views/staff.py


@command
async def review_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    reviewer = reviewer_of(who.actor)
    if reviewer is None:
        await send_text(update, context, context.services.texts.render(lang, "not_allowed"))
        return
    queue = await context.services.reach.reviews.queue(reviewer)
    await reply(update, review_queue(context.services.texts, lang, queue))


@pressed(TapKind.REVIEW, staff=True)
async def on_review_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap = press.query, press.lang, press.tap
    label = context.services.texts.label
    reviewer = reviewer_of(press.actor)
    if reviewer is None:
        await answer(query, label(lang, "toast_not_allowed"), alert=True)
        return
    reviews = context.services.reach.reviews
    if tap.op is ReviewOp.PAGE:
        await answer(query)
        queue = await reviews.queue(reviewer, page_number(tap.arg))
        await edit_in_place(query, review_queue(context.services.texts, lang, queue))
        return
    entry = _entry_of(tap)
    if entry is None:
        await answer(query, label(lang, "toast_stale"))
        return
    approve = tap.op is ReviewOp.APPROVE
    try:
        result = await reviews.decide(reviewer, *entry, approve=approve, now=clock.now())
    except Refusal as refusal:
        await answer_refusal(query, context, lang, refusal)
    else:
        await answer(
            query, label(lang, "toast_review", "approved" if result.approved else "rejected")
        )
    await edit_in_place(
        query, review_queue(context.services.texts, lang, await _page_after(context, reviewer))
    )


async def _page_after(context: BotContext, reviewer: Reviewer) -> Queue:
    return await context.services.reach.reviews.queue(reviewer)


def _entry_of(tap: Tap) -> tuple[Subject, str] | None:
    subject = SUBJECTS.get(tap.ref[:1])
    if subject is None:
        return None
    ref = tap.ref[1:] + (f".{tap.arg}" if subject is Subject.CHECKIN else "")
    return parse_ref(subject.value, ref)

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
from bot.services.review import PAGE, Queue, Reviewer, parse_ref, reviewer_of
from bot.telegram.context import BotContext, Press, Who, command, pressed
from bot.telegram.handlers.common import answer_refusal, send_text
from bot.telegram.views.view import Keyboard, View, answer, edit_in_place, reply

# One letter per subject in button data.
LETTERS = {
    Subject.ASSIST: "a",
    Subject.HEADCOUNT: "h",
    Subject.ATTENDANCE: "t",
    Subject.CHECKIN: "k",
}
SUBJECTS = {letter: subject for subject, letter in LETTERS.items()}


@command
async def review_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    reviewer = reviewer_of(who.actor)
    if reviewer is None:
        await send_text(update, context, context.services.texts.render(lang, "not_allowed"))
        return
    queue = await context.services.reach.reviews.queue(reviewer)
    await reply(update, _queue_view(context, lang, queue))


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
        await edit_in_place(query, _queue_view(context, lang, queue))
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
    await edit_in_place(query, _queue_view(context, lang, await _page_after(context, reviewer)))


async def _page_after(context: BotContext, reviewer: Reviewer) -> Queue:
    return await context.services.reach.reviews.queue(reviewer)


def _entry_of(tap: Tap) -> tuple[Subject, str] | None:
    subject = SUBJECTS.get(tap.ref[:1])
    if subject is None:
        return None
    ref = tap.ref[1:] + (f".{tap.arg}" if subject is Subject.CHECKIN else "")
    return parse_ref(subject.value, ref)


def _button_ref(subject: Subject, ref: str) -> tuple[str, str]:
    head, _, member = ref.partition(".")
    return LETTERS[subject] + head, member


def _queue_view(context: BotContext, lang: str, queue: Queue) -> View:
    texts = context.services.texts
    rows: list[list[tuple[str, str]]] = []
    for number, pending in enumerate(queue.entries, start=1 + queue.page * PAGE):
        ref, arg = _button_ref(pending.entry.subject, pending.entry.ref)
        rows.append(
            [
                (
                    texts.label(lang, "btn_review", True, number),
                    Tap(TapKind.REVIEW, ref, ReviewOp.APPROVE, arg).encode(),
                ),
                (
                    texts.label(lang, "btn_review", False, number),
                    Tap(TapKind.REVIEW, ref, ReviewOp.REJECT, arg).encode(),
                ),
            ]
        )
    pages = (queue.total + PAGE - 1) // PAGE
    nav = []
    if queue.page > 0:
        nav.append(
            (
                texts.label(lang, "btn_page_prev"),
                Tap(TapKind.REVIEW, "p", ReviewOp.PAGE, str(queue.page - 1)).encode(),
            )
        )
    if queue.page + 1 < pages:
        nav.append(
            (
                texts.label(lang, "btn_page_next"),
                Tap(TapKind.REVIEW, "p", ReviewOp.PAGE, str(queue.page + 1)).encode(),
            )
        )
    if nav:
        rows.append(nav)
    text = texts.render(
        lang,
        "review_list",
        entries=queue.entries,
        total=queue.total,
        first=1 + queue.page * PAGE,
    )
    return View(text, Keyboard(rows))

"""The staff's lists: the review queue and the members of one's scope, with their buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.review import Subject
from bot.domain.taps import MemberOp, ReviewOp, Tap, TapKind
from bot.services.membership import MembersPage
from bot.services.review import PAGE, Queue
from bot.telegram.views.view import Keyboard, View
from bot.texts.templates import Texts

# One letter per subject in button data.
LETTERS = {
    Subject.ASSIST: "a",
    Subject.HEADCOUNT: "h",
    Subject.ATTENDANCE: "t",
    Subject.CHECKIN: "k",
}


def _button_ref(subject: Subject, ref: str) -> tuple[str, str]:
    head, _, member = ref.partition(".")
    return LETTERS[subject] + head, member


def review_queue(texts: Texts, lang: str, queue: Queue) -> View:
    """The review queue's page: each entry with «✅ Duyệt» / «❌ Loại», then the pages."""
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


def members_page(texts: Texts, lang: str, listing: MembersPage) -> View:
    """One page of members, each with a button to pause or resume them (never oneself)."""
    label = texts.label
    page = listing.page
    buttons = [
        [
            InlineKeyboardButton(
                label(lang, "btn_member_toggle", row.member.display_name, row.member.active),
                callback_data=Tap(
                    TapKind.MEMBER,
                    str(row.member.id),
                    MemberOp.PAUSE if row.member.active else MemberOp.RESUME,
                    str(page),
                ).encode(),
            )
        ]
        for row in listing.rows
        if row.member.user_key != listing.own_key
    ]
    turn = []
    if page > 0:
        turn.append(_page_button(label(lang, "btn_page_prev"), page - 1))
    if page < listing.pages - 1:
        turn.append(_page_button(label(lang, "btn_page_next"), page + 1))
    if turn:
        buttons.append(turn)
    text = texts.render(
        lang,
        "members",
        scope_name=listing.scope.name if listing.scope else "",
        rows=[
            (r.member.display_name, r.member.role.value, r.unit_name, r.member.active)
            for r in listing.rows
        ],
        total=listing.total,
        page=page + 1,
        pages=listing.pages,
    )
    return View(text, InlineKeyboardMarkup(buttons) if buttons else None)


def _page_button(label: str, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=Tap(TapKind.MEMBER, "0", MemberOp.PAGE, str(page)).encode()
    )

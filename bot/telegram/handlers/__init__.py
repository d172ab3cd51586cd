"""`register(app)`: the single ordered list of handlers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram.context import BotApplication, flood_check, routes
from bot.telegram.handlers import (
    activities,
    assist,
    confirm,
    digest,
    errors,
    inline,
    joining,
    members,
    menu,
    mine,
    navigation,
    other,
    plans,
    privacy,
    reports,
    review,
    search,
    typed,
)

# The kinds of update the handlers below answer; Telegram sends no others.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]

# Only new messages: an edited message is deliberately ignored (re-answering it would
# repeat a screen the person has already moved past).
NEW_PRIVATE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
NEW_GROUP = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS


# The commands of private chats, each with its handler.
COMMANDS = [
    ("start", menu.start),
    ("help", menu.help_command),
    ("language", menu.language_command),
    ("search", search.search_command),
    ("privacy", privacy.privacy_command),
    ("forget", privacy.forget_command),
    ("forgetphone", privacy.forget_phone_command),
    ("join", joining.join_command),
    ("name", joining.name_command),
    ("assist", assist.assist_command),
    ("batch", assist.batch_command),
    ("undo", mine.undo_command),
    ("mine", mine.mine_command),
    ("invite", members.invite_command),
    ("members", members.members_command),
    ("units", members.units_command),
    ("report", reports.report_command),
    ("export", reports.export_command),
    ("chart", reports.chart_command),
    ("qr", reports.qr_command),
    ("activity", activities.activity_command),
    ("campaign", plans.campaign_command),
    ("target", plans.target_command),
    ("team", plans.team_command),
    ("review", review.review_command),
    ("subscribe", digest.subscribe_command),
    ("unsubscribe", digest.unsubscribe_command),
]


def register(app: BotApplication) -> None:
    # Cluster -2 runs first for every update; it stops a flood before any real work.
    app.add_handler(TypeHandler(Update, flood_check), group=-2)
    # Cluster -1: a command ends any question the bot was waiting to have answered.
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.COMMAND, typed.end_question), group=-1)
    for command, callback in COMMANDS:
        app.add_handler(CommandHandler(command, callback, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler(["start", "help"], menu.group_note, filters=NEW_GROUP))
    # Outreach buttons, each kind to its handler; the patterns come from the codec.
    for route in routes(
        assist.on_assist_tap,
        mine.on_undo_tap,
        members.on_member_tap,
        privacy.on_forget_tap,
        reports.on_report_tap,
        joining.on_join_tap,
        activities.on_attend_tap,
        activities.on_activity_tap,
        activities.on_new_activity_tap,
        confirm.on_confirm_tap,
        review.on_review_tap,
        menu.on_staff_tap,
    ):
        app.add_handler(route)
    app.add_handler(CallbackQueryHandler(navigation.on_button))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.TEXT & ~filters.COMMAND, typed.on_text))
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.COMMAND, other.unknown_command))
    app.add_handler(MessageHandler(NEW_PRIVATE & ~filters.StatusUpdate.ALL, other.unsupported))
    # Everything else (group chatter, edits, service messages) gets a deliberate silence.
    app.add_error_handler(errors.on_error)
    digest.schedule(app)
    navigation.schedule_flush(app)

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

from bot.telegram.context import BotApplication
from bot.telegram.handlers import (
    activities,
    assist,
    confirm,
    digest,
    errors,
    flood,
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
from bot.telegram.pressing import routes

# The kinds of update the handlers below answer; Telegram sends no others.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]

# Only new messages: an edited message is deliberately ignored (re-answering it would
# repeat a screen the person has already moved past).
NEW_PRIVATE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
NEW_GROUP = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS


def register(app: BotApplication) -> None:
    # Group -2 runs first for every update; it stops a flood before any real work.
    app.add_handler(TypeHandler(Update, flood.flood_check), group=-2)
    # Group -1: a command ends any question the bot was waiting to have answered.
    app.add_handler(MessageHandler(NEW_PRIVATE & filters.COMMAND, typed.end_waiting), group=-1)
    app.add_handler(CommandHandler("start", menu.start, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("help", menu.help_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("language", menu.language_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("search", search.search_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("privacy", privacy.privacy_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("forget", privacy.forget_command, filters=NEW_PRIVATE))
    app.add_handler(
        CommandHandler("forgetphone", privacy.forget_phone_command, filters=NEW_PRIVATE)
    )
    app.add_handler(CommandHandler("join", joining.join_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("name", joining.name_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("assist", assist.assist_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("batch", assist.batch_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("undo", mine.undo_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("mine", mine.mine_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("invite", members.invite_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("members", members.members_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("units", members.units_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("report", reports.report_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("export", reports.export_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("chart", reports.chart_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("qr", reports.qr_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("activity", activities.activity_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("campaign", plans.campaign_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("target", plans.target_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("team", plans.team_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("review", review.review_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("subscribe", digest.subscribe_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler("unsubscribe", digest.unsubscribe_command, filters=NEW_PRIVATE))
    app.add_handler(CommandHandler(["start", "help"], menu.group_note, filters=NEW_GROUP))
    # Outreach buttons, each kind to its handler; the patterns come from the codec.
    tap_routes = routes(
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
    )
    for route in tap_routes:
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

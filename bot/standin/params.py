"""How each Bot API parameter travels, per method, for the methods the stand-in serves.

python-telegram-bot posts form fields: strings raw, everything else JSON. Decoding goes by
the declared type (a `text` of "123" stays a string). A test checks this table against the
official machine-readable spec in ../shared/telegram/.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["string", "chat_id", "json", "file"]
# name -> (kind, required)
Params = dict[str, tuple[Kind, bool]]

_SEND_COMMON: Params = {
    "business_connection_id": ("string", False),
    "message_thread_id": ("json", False),
    "direct_messages_topic_id": ("json", False),
    "disable_notification": ("json", False),
    "protect_content": ("json", False),
    "allow_paid_broadcast": ("json", False),
    "message_effect_id": ("string", False),
    "suggested_post_parameters": ("json", False),
    "reply_parameters": ("json", False),
    "reply_markup": ("json", False),
}

METHODS: dict[str, Params] = {
    "getMe": {},
    "logOut": {},
    "close": {},
    "getUpdates": {
        "offset": ("json", False),
        "limit": ("json", False),
        "timeout": ("json", False),
        "allowed_updates": ("json", False),
    },
    "deleteWebhook": {"drop_pending_updates": ("json", False)},
    "setWebhook": {
        "url": ("string", True),
        "certificate": ("file", False),
        "ip_address": ("string", False),
        "max_connections": ("json", False),
        "allowed_updates": ("json", False),
        "drop_pending_updates": ("json", False),
        "secret_token": ("string", False),
    },
    "getWebhookInfo": {},
    "setMyCommands": {
        "commands": ("json", True),
        "scope": ("json", False),
        "language_code": ("string", False),
    },
    "getMyCommands": {"scope": ("json", False), "language_code": ("string", False)},
    "deleteMyCommands": {"scope": ("json", False), "language_code": ("string", False)},
    "sendMessage": {
        **_SEND_COMMON,
        "chat_id": ("chat_id", True),
        "text": ("string", True),
        "parse_mode": ("string", False),
        "entities": ("json", False),
        "link_preview_options": ("json", False),
    },
    "editMessageText": {
        "business_connection_id": ("string", False),
        "chat_id": ("chat_id", False),
        "message_id": ("json", False),
        "inline_message_id": ("string", False),
        "text": ("string", False),
        "parse_mode": ("string", False),
        "entities": ("json", False),
        "link_preview_options": ("json", False),
        "reply_markup": ("json", False),
        "rich_message": ("json", False),
    },
    "editMessageReplyMarkup": {
        "business_connection_id": ("string", False),
        "chat_id": ("chat_id", False),
        "message_id": ("json", False),
        "inline_message_id": ("string", False),
        "reply_markup": ("json", False),
    },
    "deleteMessage": {"chat_id": ("chat_id", True), "message_id": ("json", True)},
    "sendChatAction": {
        "business_connection_id": ("string", False),
        "chat_id": ("chat_id", True),
        "message_thread_id": ("json", False),
        "action": ("string", True),
    },
    "sendDocument": {
        **_SEND_COMMON,
        "chat_id": ("chat_id", True),
        "document": ("file", True),
        "thumbnail": ("file", False),
        "caption": ("string", False),
        "parse_mode": ("string", False),
        "caption_entities": ("json", False),
        "disable_content_type_detection": ("json", False),
    },
    "sendPhoto": {
        **_SEND_COMMON,
        "chat_id": ("chat_id", True),
        "photo": ("file", True),
        "caption": ("string", False),
        "parse_mode": ("string", False),
        "caption_entities": ("json", False),
        "show_caption_above_media": ("json", False),
        "has_spoiler": ("json", False),
    },
    "answerCallbackQuery": {
        "callback_query_id": ("string", True),
        "text": ("string", False),
        "show_alert": ("json", False),
        "url": ("string", False),
        "cache_time": ("json", False),
    },
    "answerInlineQuery": {
        "inline_query_id": ("string", True),
        "results": ("json", True),
        "cache_time": ("json", False),
        "is_personal": ("json", False),
        "next_offset": ("string", False),
        "button": ("json", False),
    },
}

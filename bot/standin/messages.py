"""The stand-in's methods about messages: sending, editing and deleting them, and answering
a button press or an inline query."""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.standin import validate
from bot.standin.errors import MODIFIED_ERROR, QUERY_TOO_OLD, ApiError, bad
from bot.standin.state import ChatState, JSONDict
from bot.texts.telegram_html import MAX_CAPTION, check_message_text, parse_html_entities

MAX_PHOTO_BYTES = 10 * 1000 * 1000  # Telegram's limit for photos sent by bots
MAX_DOCUMENT_BYTES = 50 * 1000 * 1000  # and for other files


class MessageMethods:
    """Mixed into `StandinBotApi`, which sets these attributes."""

    bot_user: JSONDict
    chats: dict[int, ChatState]
    uploads: dict[str, bytes]
    callback_queries: dict[str, JSONDict]
    callback_answers: dict[str, JSONDict]
    inline_queries: dict[str, JSONDict]
    inline_answers: dict[str, JSONDict]
    _ids: itertools.count

    # Also used by SimUser, for what the person sends.
    def new_id(self) -> str:
        return str(next(self._ids))

    def store_message(self, chat_id: int, message: JSONDict) -> JSONDict:
        state = self.chats[chat_id]
        message["message_id"] = next(state.next_id)
        state.messages[message["message_id"]] = message
        return message

    def _target_chat(self, chat_id: Any) -> ChatState:
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise bad("Bad Request: chat not found")
        if state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return state

    def _render(self, params: JSONDict) -> tuple[str, list[JSONDict]]:
        problem = validate.text_and_mode(params.get("text"), params.get("parse_mode"))
        if problem:
            raise bad(problem)
        if params.get("parse_mode") == "HTML":
            return parse_html_entities(params["text"])
        return params["text"], []

    def _check_markup(self, params: JSONDict) -> None:
        problem = validate.reply_markup(params.get("reply_markup"))
        if problem:
            raise bad(problem)

    async def _m_sendMessage(self, params: JSONDict) -> JSONDict:
        state = self._target_chat(params["chat_id"])
        text, entities = self._render(params)
        self._check_markup(params)
        message: JSONDict = {
            "from": self.bot_user,
            "chat": state.chat,
            "date": int(time.time()),
            "text": text,
            "html": params["text"],
        }
        if entities:
            message["entities"] = entities
        if params.get("reply_markup") and "inline_keyboard" in params["reply_markup"]:
            message["reply_markup"] = params["reply_markup"]
        self.store_message(state.chat["id"], message)
        return _public(message)

    async def _m_sendPhoto(self, params: JSONDict) -> JSONDict:
        state = self._target_chat(params["chat_id"])
        caption = params.get("caption") or ""
        caption_text = caption
        entities: list[dict[str, object]] = []
        if caption:
            problem = check_message_text(
                caption, limit=MAX_CAPTION, html_mode=params.get("parse_mode") == "HTML"
            )
            if problem:
                raise bad(problem.replace("message is too long", "message caption is too long"))
            if params.get("parse_mode") == "HTML":
                caption_text, entities = parse_html_entities(caption)
        self._check_markup(params)
        photo = params["photo"]
        size = len(photo) if isinstance(photo, bytes) else 0
        if size > MAX_PHOTO_BYTES:
            raise bad("Bad Request: PHOTO_INVALID_DIMENSIONS")
        file_id = f"photo{self.new_id()}"
        if isinstance(photo, bytes):
            self.uploads[file_id] = bytes(photo)
        message: JSONDict = {
            "from": self.bot_user,
            "chat": state.chat,
            "date": int(time.time()),
            "photo": [
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "width": 320,
                    "height": 320,
                    "file_size": size,
                }
            ],
        }
        if caption:
            message["caption"] = caption_text
            if entities:
                message["caption_entities"] = entities
        self.store_message(state.chat["id"], message)
        return message

    async def _m_sendDocument(self, params: JSONDict) -> JSONDict:
        state = self._target_chat(params["chat_id"])
        document = params["document"]
        if not isinstance(document, bytes):
            raise bad("Bad Request: the stand-in takes uploaded documents only")
        if len(document) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        caption = params.get("caption") or ""
        if caption:
            problem = check_message_text(
                caption, limit=MAX_CAPTION, html_mode=params.get("parse_mode") == "HTML"
            )
            if problem:
                raise bad(problem.replace("message is too long", "message caption is too long"))
        self._check_markup(params)
        file_id = f"doc{self.new_id()}"
        self.uploads[file_id] = bytes(document)
        message: JSONDict = {
            "from": self.bot_user,
            "chat": state.chat,
            "date": int(time.time()),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": getattr(document, "filename", "file"),
                "file_size": len(document),
            },
        }
        if caption:
            message["caption"] = caption
        self.store_message(state.chat["id"], message)
        return message

    async def _m_editMessageText(self, params: JSONDict) -> JSONDict:
        if "inline_message_id" in params:
            raise bad("Bad Request: the stand-in does not model inline messages")
        state = self._target_chat(params.get("chat_id"))
        message = state.messages.get(params.get("message_id", -1))
        if message is None:
            raise bad("Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_user["id"] or "text" not in message:
            raise bad("Bad Request: message can't be edited")
        text, entities = self._render(params)
        self._check_markup(params)
        markup = params.get("reply_markup")
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise bad(MODIFIED_ERROR)
        message.update(text=text, html=params["text"], edit_date=int(time.time()))
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if entities:
            message["entities"] = entities
        if markup:
            message["reply_markup"] = markup
        return _public(message)

    async def _m_editMessageReplyMarkup(self, params: JSONDict) -> JSONDict:
        state = self._target_chat(params.get("chat_id"))
        message = state.messages.get(params.get("message_id", -1))
        if message is None:
            raise bad("Bad Request: message to edit not found")
        self._check_markup(params)
        if params.get("reply_markup") == message.get("reply_markup"):
            raise bad(MODIFIED_ERROR)
        message["reply_markup"] = params.get("reply_markup")
        return _public(message)

    async def _m_deleteMessage(self, params: JSONDict) -> bool:
        state = self._target_chat(params["chat_id"])
        if state.messages.pop(params["message_id"], None) is None:
            raise bad("Bad Request: message to delete not found")
        return True

    async def _m_sendChatAction(self, params: JSONDict) -> bool:
        self._target_chat(params["chat_id"])
        return True

    async def _m_answerCallbackQuery(self, params: JSONDict) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise bad(QUERY_TOO_OLD)
        problem = validate.callback_answer(params.get("text"))
        if problem:
            raise bad(problem)
        self.callback_answers[query_id] = params
        return True

    async def _m_answerInlineQuery(self, params: JSONDict) -> bool:
        query_id = params["inline_query_id"]
        if query_id not in self.inline_queries or query_id in self.inline_answers:
            raise bad(QUERY_TOO_OLD)
        problem = validate.inline_results(params["results"], params.get("button"))
        if problem:
            raise bad(problem)
        self.inline_answers[query_id] = params
        return True


def _public(message: JSONDict) -> JSONDict:
    """The Message as Telegram returns it (without the stand-in's own bookkeeping)."""
    return {k: v for k, v in message.items() if k != "html"}

"""A simulated person talking to the bot through the stand-in, as a Telegram client would."""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.standin.api import JSONDict, StandinBotApi
from bot.texts.telegram_html import parse_html_entities

_user_ids = itertools.count(100_001)


class ButtonNotFound(LookupError):
    pass


class SimUser:
    def __init__(
        self,
        api: StandinBotApi,
        user_id: int | None = None,
        first_name: str = "Lan",
        language_code: str = "vi",
    ) -> None:
        self.api = api
        self.id = user_id if user_id is not None else next(_user_ids)
        self.user: JSONDict = {
            "id": self.id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.private = api.chat({"id": self.id, "type": "private", "first_name": first_name})

    # ----- what the person sees ----------------------------------------------------------
    @property
    def messages(self) -> list[JSONDict]:
        """Every message in the private chat, oldest first, as currently displayed."""
        return list(self.private.messages.values())

    def bot_messages(self) -> list[JSONDict]:
        return [m for m in self.messages if m["from"]["id"] == self.api.bot_user["id"]]

    def last(self) -> JSONDict:
        messages = self.bot_messages()
        if not messages:
            raise AssertionError("the bot has sent nothing to this user")
        return messages[-1]

    @staticmethod
    def buttons(message: JSONDict) -> list[JSONDict]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button_texts(self, message: JSONDict | None = None) -> list[str]:
        return [b["text"] for b in self.buttons(message or self.last())]

    @property
    def blocked(self) -> bool:
        return self.private.blocked

    @blocked.setter
    def blocked(self, value: bool) -> None:
        self.private.blocked = value

    # ----- what the person does ----------------------------------------------------------
    async def send(self, text: str, chat: JSONDict | None = None) -> JSONDict:
        """Type and send `text`; a leading /command gets its bot_command entity, as in Telegram."""
        target = chat or self.private.chat
        message: JSONDict = {
            "from": self.user,
            "chat": target,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        self.api.chat(target)
        self.api.store_message(target["id"], message)
        return await self.api.push_update({"message": message})

    async def send_other(self, kind: str) -> JSONDict:
        """Send a non-text message: sticker, photo, voice, location or contact."""
        fid = {"file_id": f"f{self.api.new_id()}", "file_unique_id": f"u{self.api.new_id()}"}
        payloads: dict[str, Any] = {
            "sticker": {
                **fid,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
            "photo": [{**fid, "width": 90, "height": 90}],
            "voice": {**fid, "duration": 3},
            "location": {"latitude": 21.03, "longitude": 105.85},
            "document": {**fid, "file_name": "giay-to.pdf"},
        }
        message: JSONDict = {
            "from": self.user,
            "chat": self.private.chat,
            "date": int(time.time()),
            kind: payloads[kind],
        }
        self.api.store_message(self.id, message)
        return await self.api.push_update({"message": message})

    async def edit(self, message: JSONDict, new_text: str) -> JSONDict:
        message.update(text=new_text, edit_date=int(time.time()))
        return await self.api.push_update({"edited_message": dict(message)})

    async def press(self, label: str | int, message: JSONDict | None = None) -> JSONDict:
        """Press a button by its exact label, a unique label prefix, or its index."""
        message = message or self.last()
        button = self._find(message, label)
        if "callback_data" not in button:
            raise ButtonNotFound(f"button {button['text']!r} does not send a callback")
        return await self.press_data(button["callback_data"], message)

    async def press_data(self, data: str, message: JSONDict | None = None) -> JSONDict:
        """Send a callback query with arbitrary data, as a modified client could."""
        message = message or self.last()
        query: JSONDict = {
            "id": self.api.new_id(),
            "from": self.user,
            "chat_instance": f"ci{self.id}",
            "message": {k: v for k, v in message.items() if k != "html"},
            "data": data,
        }
        self.api.callback_queries[query["id"]] = query
        return await self.api.push_update({"callback_query": query})

    def _find(self, message: JSONDict, label: str | int) -> JSONDict:
        buttons = self.buttons(message)
        if isinstance(label, int):
            if not 0 <= label < len(buttons):
                raise ButtonNotFound(f"no button #{label}; there are {len(buttons)}")
            return buttons[label]
        exact = [b for b in buttons if b["text"] == label]
        partial = [b for b in buttons if label in b["text"]]
        found = exact or partial
        if len(found) != 1:
            raise ButtonNotFound(
                f"{len(found)} buttons match {label!r}; buttons: {[b['text'] for b in buttons]}"
            )
        return found[0]

    async def inline(self, query: str) -> JSONDict:
        """Type `@bot query` in any chat; returns the bot's answer (results)."""
        inline: JSONDict = {
            "id": self.api.new_id(),
            "from": self.user,
            "query": query,
            "offset": "",
            "chat_type": "sender",
        }
        self.api.inline_queries[inline["id"]] = inline
        await self.api.push_update({"inline_query": inline})
        answer = self.api.inline_answers.get(inline["id"])
        if answer is None:
            raise AssertionError("the bot did not answer the inline query")
        return answer

    def post_inline_result(self, answer: JSONDict, index: int, chat: JSONDict) -> JSONDict:
        """Choose a result: Telegram posts its content into `chat`, sent 'via' the bot."""
        result = answer["results"][index]
        content = result["input_message_content"]
        text, entities = parse_html_entities(content["message_text"])
        message: JSONDict = {
            "from": self.user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
            "entities": entities,
            "via_bot": self.api.bot_user,
            "reply_markup": result.get("reply_markup"),
        }
        self.api.chat(chat)
        return self.api.store_message(chat["id"], message)

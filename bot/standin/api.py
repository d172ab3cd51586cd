"""The stand-in Bot API: state, method handlers and the HTTP front.

Errors carry the same HTTP status and JSON body as Telegram's, so python-telegram-bot raises
the same exceptions it would in production (400 BadRequest, 403 Forbidden, 409 Conflict,
429 RetryAfter, 401/404 InvalidToken).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from bot.standin import validate
from bot.standin.params import METHODS
from bot.texts.telegram_html import MAX_CAPTION, check_message_text, parse_html_entities
from bot.web.http_server import HttpServer, Request, Response

MAX_PHOTO_BYTES = 10 * 1000 * 1000  # Telegram's limit for photos sent by bots
MAX_DOCUMENT_BYTES = 50 * 1000 * 1000  # and for other files

JSONDict = dict[str, Any]
DEFAULT_TOKEN = "123456:STANDIN-token-for-tests-and-console"
MODIFIED_ERROR = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, description)


@dataclass
class ApiCall:
    method: str
    params: JSONDict
    status: int
    description: str = ""
    # An answer nobody received: the client had hung up (a poll cancelled at shutdown).
    delivered: bool = True


@dataclass
class Fault:
    method: str
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class ChatState:
    chat: JSONDict
    blocked: bool = False
    messages: dict[int, JSONDict] = field(default_factory=dict)
    next_id: itertools.count = field(default_factory=lambda: itertools.count(1))


class StandinBotApi:
    """Holds what Telegram would hold for one bot; see `SimUser` for the person's side."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = "outreach_test_bot",
        spec: JSONDict | None = None,
    ) -> None:
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Trợ lý số",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.spec = spec
        self.calls: list[ApiCall] = []
        self.uploads: dict[str, bytes] = {}  # file_id -> bytes the bot sent, for tests
        self.chats: dict[int, ChatState] = {}
        self.commands: dict[str, list[JSONDict]] = {}
        self.callback_queries: dict[str, JSONDict] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.inline_queries: dict[str, JSONDict] = {}
        self.inline_answers: dict[str, JSONDict] = {}
        self.faults: list[Fault] = []
        # A slow Bot API: seconds each call of a method waits before it is answered
        # (say {"sendMessage": 0.05}); the other calls go on meanwhile.
        self.delays: dict[str, float] = {}
        # When set, new updates go straight to this coroutine (the console and most tests
        # process each update to completion); otherwise they wait for getUpdates.
        self.deliver: Callable[[JSONDict], Awaitable[None]] | None = None
        self._queue: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._poller: asyncio.Future[None] | None = None
        self.webhook: JSONDict | None = None  # what setWebhook registered
        # Told of every successful call: benchmarks wait on it instead of polling.
        self.on_call: Callable[[str, JSONDict], None] | None = None
        self._http = HttpServer(self._handle_http)

    # ----- lifecycle -------------------------------------------------------------------
    async def start(self, port: int = 0) -> str:
        await self._http.start("127.0.0.1", port)
        return self.base_url

    async def stop(self) -> None:
        await self._http.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.port}/bot"

    @property
    def errors(self) -> list[ApiCall]:
        return [c for c in self.calls if c.status >= 400 and c.delivered]

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of `method` fail as Telegram would (429, 5xx, 403...)."""
        self.faults.append(Fault(method, status, description, retry_after))

    # ----- the person's side (used by SimUser) -------------------------------------------
    def chat(self, chat: JSONDict) -> ChatState:
        return self.chats.setdefault(chat["id"], ChatState(chat))

    def new_id(self) -> str:
        return str(next(self._ids))

    def store_message(self, chat_id: int, message: JSONDict) -> JSONDict:
        state = self.chats[chat_id]
        message["message_id"] = next(state.next_id)
        state.messages[message["message_id"]] = message
        return message

    async def push_update(self, payload: JSONDict) -> JSONDict:
        update = {"update_id": next(self._update_ids), **payload}
        if self.deliver is not None:
            await self.deliver(update)
        else:
            self._queue.append(update)
            self._new_update.set()
        return update

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    # ----- HTTP front -------------------------------------------------------------------
    async def _handle_http(self, request: Request) -> Response:
        prefix = f"/bot{self.token}/"
        if not request.path.startswith("/bot"):
            return self._error_response(ApiError(404, "Not Found"))
        if not request.path.startswith(prefix):
            return self._error_response(ApiError(401, "Unauthorized"))
        name = request.path[len(prefix) :].split("?", 1)[0]
        method = next((m for m in METHODS if m.lower() == name.lower()), None)
        if method is None:
            self.calls.append(ApiCall(name, {}, 404, "Not Found"))
            return self._error_response(ApiError(404, "Not Found"))
        params: JSONDict = {}
        try:
            params = self._decode(method, request)
            result = await self._dispatch(method, params)
        except ApiError as exc:
            delivered = request.client_connected()
            self.calls.append(ApiCall(method, params, exc.status, exc.description, delivered))
            return self._error_response(exc)
        self.calls.append(ApiCall(method, params, 200))
        if self.on_call is not None:
            self.on_call(method, params)
        body = json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
        return Response(200, body)

    @staticmethod
    def _error_response(exc: ApiError) -> Response:
        body: JSONDict = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.retry_after is not None:
            body["parameters"] = {"retry_after": exc.retry_after}
        return Response(exc.status, json.dumps(body).encode())

    def _decode(self, method: str, request: Request) -> JSONDict:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            raw = json.loads(request.body or b"{}")
            return dict(raw)
        files: dict[str, bytes] = {}
        if content_type.startswith("multipart/form-data"):
            fields, files = _parse_multipart(content_type, request.body)
        elif request.body and not content_type.startswith("application/x-www-form-urlencoded"):
            raise bad(f"Bad Request: unsupported content type {content_type!r}")
        else:
            fields = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        declared = METHODS[method]
        for name, data in files.items():
            if declared.get(name, ("", False))[0] != "file":
                raise bad(f"Bad Request: unexpected file in field {name!r}")
            if not data:
                raise bad("Bad Request: file must be non-empty")
        params: JSONDict = {}
        for name, value in fields.items():
            if name not in declared:
                # Telegram ignores unknown fields; a typo here is a bug in the bot, so refuse.
                raise bad(f"Bad Request: unknown parameter {name!r} for {method}")
            kind, _ = declared[name]
            if kind in ("string", "file"):
                params[name] = value  # a file_id or URL instead of an upload
            elif kind == "chat_id":
                params[name] = int(value) if value.lstrip("-").isdigit() else value
            else:
                try:
                    params[name] = json.loads(value)
                except json.JSONDecodeError:
                    raise bad(f"Bad Request: can't parse {name} JSON object") from None
        params.update(files)
        for name, (_, required) in declared.items():
            if required and name not in params:
                raise bad(f"Bad Request: {name} is empty")
        return params

    async def _dispatch(self, method: str, params: JSONDict) -> Any:
        for fault in self.faults:
            if fault.method == method:
                self.faults.remove(fault)
                raise ApiError(fault.status, fault.description, fault.retry_after)
        delay = self.delays.get(method)
        if delay:
            await asyncio.sleep(delay)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return True  # logOut, close, deleteWebhook...: accepted, nothing to model
        return await handler(params)

    # ----- methods ----------------------------------------------------------------------
    async def _m_getMe(self, params: JSONDict) -> JSONDict:
        return self.bot_user

    async def _m_getWebhookInfo(self, params: JSONDict) -> JSONDict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _m_setWebhook(self, params: JSONDict) -> bool:
        if not str(params["url"]).startswith("https://"):
            raise bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("Bad Request: secret token contains unallowed characters")
        self.webhook = dict(params)
        return True

    async def _m_deleteWebhook(self, params: JSONDict) -> bool:
        self.webhook = None
        return True

    async def _m_getUpdates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset:
            # Telegram forgets every update below the offset: they count as confirmed.
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        if self._poller is not None and not self._poller.done():
            self._poller.set_exception(
                ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            )
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = max(0.0, min(float(params.get("timeout") or 0), 50.0))
        allowed = params.get("allowed_updates") or None
        deadline = time.monotonic() + timeout
        loop = asyncio.get_running_loop()
        self._poller = me = loop.create_future()
        try:
            while True:
                ready = [u for u in self._queue if self._allowed(u, allowed)][:limit]
                if ready or time.monotonic() >= deadline:
                    return ready
                self._new_update.clear()
                waiter = asyncio.ensure_future(self._new_update.wait())
                done, _ = await asyncio.wait(
                    {waiter, me},
                    timeout=deadline - time.monotonic(),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waiter.cancel()
                if me in done:
                    me.result()  # raises the 409 for the poll that was superseded
        finally:
            if self._poller is me:
                self._poller = None

    @staticmethod
    def _allowed(update: JSONDict, allowed: list[str] | None) -> bool:
        if not allowed:
            return True
        return any(kind in update for kind in allowed)

    async def _m_setMyCommands(self, params: JSONDict) -> bool:
        problem = validate.commands(params["commands"])
        if problem:
            raise bad(problem)
        self.commands[params.get("language_code", "")] = params["commands"]
        return True

    async def _m_getMyCommands(self, params: JSONDict) -> list[JSONDict]:
        return self.commands.get(params.get("language_code", ""), [])

    async def _m_deleteMyCommands(self, params: JSONDict) -> bool:
        self.commands.pop(params.get("language_code", ""), None)
        return True

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
        caption_text, entities = caption, []
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


class Upload(bytes):
    """An uploaded file's bytes, with the name the client gave it."""

    filename: str

    def __new__(cls, data: bytes, filename: str) -> Upload:
        upload = super().__new__(cls, data)
        upload.filename = filename
        return upload


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields and uploaded files of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            raise bad("Bad Request: multipart part without a name")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[str(name)] = Upload(payload, str(part.get_filename()))
        else:
            fields[str(name)] = payload.decode()
    return fields, files


def _public(message: JSONDict) -> JSONDict:
    """The Message as Telegram returns it (without the stand-in's own bookkeeping)."""
    return {k: v for k, v in message.items() if k != "html"}

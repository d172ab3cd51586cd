"""The stand-in Bot API: state, method handlers and the HTTP front.

Errors carry the same HTTP status and JSON body as Telegram's, so python-telegram-bot raises
the same exceptions it would in production (400 BadRequest, 403 Forbidden, 409 Conflict,
429 RetryAfter, 401/404 InvalidToken). The methods are `bot_methods.py`'s (the bot, its
updates and commands) and `messages.py`'s; a request's parameters are read by `decoding.py`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from bot.standin.bot_methods import BotMethods
from bot.standin.decoding import decode_params
from bot.standin.errors import ApiError
from bot.standin.messages import MessageMethods
from bot.standin.params import METHODS
from bot.standin.state import ApiCall, ChatState, Fault, JSONDict
from bot.web.http_server import HttpServer, Request, Response

__all__ = ["ApiCall", "JSONDict", "StandinBotApi"]

DEFAULT_TOKEN = "123456:STANDIN-token-for-tests-and-console"


class StandinBotApi(BotMethods, MessageMethods):
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
            params = decode_params(method, request)
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

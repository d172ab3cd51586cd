"""The stand-in's methods about the bot itself: who it is, how it receives updates
(getUpdates or a webhook) and its command lists."""

from __future__ import annotations

import asyncio
import re
import time

from bot.standin import validate
from bot.standin.errors import ApiError, bad
from bot.standin.state import JSONDict


class BotMethods:
    """Mixed into `StandinBotApi`, which sets these attributes."""

    bot_user: JSONDict
    webhook: JSONDict | None
    commands: dict[str, list[JSONDict]]
    _queue: list[JSONDict]
    _new_update: asyncio.Event
    _poller: asyncio.Future[None] | None

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

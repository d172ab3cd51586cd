"""`outreach-bot run --webhook`: Telegram POSTs updates to us instead of being polled.

A small asyncio HTTP server (the same one the stand-in uses) takes the calls: the path must
be WEBHOOK_URL's path, the method POST, and the `X-Telegram-Bot-Api-Secret-Token` header must
equal WEBHOOK_SECRET, compared in constant time; anything else gets 403/404/405 and is never
processed. Accepted updates go to the application's queue, exactly as polling would put them.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from telegram import Update

from bot.config import Settings
from bot.guides.models import Guide
from bot.reach.domain import clock
from bot.site.serve import StaticSite
from bot.telegram.context import BotApplication
from bot.telegram.handlers import ALLOWED_UPDATES
from bot.web.clients import ClientBuckets, client_of
from bot.web.http_server import HttpServer, Limits, Request, Response
from bot.web.rate_limit import TokenBucket

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
HEALTH_PATH = "/healthz"  # 200 for monitoring and proxies: no secret, no data


SITE_PREFIX = "/huong-dan/"  # where SITE_DIR is served
DONE_PATH = SITE_PREFIX + "xong"  # «✅ Tôi đã làm xong» on a guide's page posts here
MAX_DONE_BODY = 1024
# Presses of «✅ Tôi đã làm xong» from everyone together: a flood cannot inflate the count
# by more than this. Each client (address) also has its own, smaller limit, so that one
# sender cannot use up everyone's: a reader presses once per guide, a class at one school's
# address a few dozen times. The addresses are kept in memory only, the latest few thousand.
DONE_RATE, DONE_BURST = 2.0, 30
CLIENT_RATE, CLIENT_BURST = 0.2, 20
MAX_CLIENTS = 4096


class WebhookReceiver:
    def __init__(
        self, app: BotApplication, path: str, secret: str, site_dir: Path | None = None
    ) -> None:
        self.app = app
        self.path = path or "/"
        self._secret = secret.encode()
        self.site = StaticSite(site_dir, SITE_PREFIX) if site_dir else None
        self._done = TokenBucket(DONE_RATE, DONE_BURST)
        self._done_by_client = ClientBuckets(CLIENT_RATE, CLIENT_BURST, MAX_CLIENTS)
        self._refused_page: Response | None = None

    def _site_gate(self, request: Request, path: str) -> Response | None:
        if request.method in ("GET", "HEAD"):
            return None if path != DONE_PATH else Response(405, b"", "text/plain")
        if request.method != "POST" or path != DONE_PATH:
            return Response(405, b"", "text/plain")
        if int(request.headers.get("content-length", "0") or 0) > MAX_DONE_BODY:
            return Response(413, b"", "text/plain")
        # The client's own limit first: a client over it spends nothing of everyone's.
        if not self._done_by_client.allow(client_of(request)) or not self._done.allow():
            services = self.app.bot_data.services
            if services is not None:
                services.reach.web_counter.refused(clock.now())
            return self._not_counted(None)
        return None

    def _not_counted(self, guide: Guide | None) -> Response:
        """429, with the thanks page's polite words: the person did their part. The page
        for a click refused on the head is made once, so a flood costs no rendering."""
        services = self.app.bot_data.services
        if services is None:  # not started yet: the server only listens after post_init
            return Response(429, b"", "text/plain")
        if guide is None and self._refused_page is not None:
            return self._refused_page
        page = services.texts.env.get_template("site/thanks.html.j2").render(
            guide=guide, counted=False
        )
        response = Response(429, page.encode(), "text/html; charset=utf-8")
        if guide is None:
            self._refused_page = response
        return response

    def gate(self, request: Request) -> Response | None:
        """Decided on the head, before a byte of the body is read: a stranger's 40 MB body
        is refused unread. None lets the request through to `handle`."""
        path = request.path.split("?", 1)[0]
        if path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return Response(200, b'{"ok":true}')
        if self.site is not None and path.startswith(SITE_PREFIX):
            return self._site_gate(request, path)
        if path != self.path:
            return Response(404, b'{"ok":false}')
        offered = request.headers.get(SECRET_HEADER, "").encode()
        # compare_digest takes the same time however much of the secret a guess gets right.
        if not hmac.compare_digest(offered, self._secret):
            return Response(403, b'{"ok":false}')
        if request.method != "POST":
            return Response(405, b'{"ok":false}')
        return None

    async def handle(self, request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        if self.site is not None and path.startswith(SITE_PREFIX):
            if path == DONE_PATH and request.method == "POST":
                return await self._guide_done(request)
            return await self.site.handle(request)
        refused = self.gate(request)  # a server without the gate still refuses strangers
        if refused is not None:
            return refused
        try:
            update = Update.de_json(json.loads(request.body), self.app.bot)
        except (ValueError, TypeError, KeyError):
            return Response(400, b'{"ok":false}')
        if update is None:
            return Response(400, b'{"ok":false}')
        await self.app.update_queue.put(update)
        return Response(200, b'{"ok":true}')

    async def _guide_done(self, request: Request) -> Response:
        """Count a web completion for the guide (and the unit of the page's `?u=`, when its
        tag is valid), then thank the person with a page that leads back to the guide."""
        form = parse_qs(request.body.decode("utf-8", "replace"), max_num_fields=4)
        guide_id = (form.get("g") or [""])[0]
        unit_code = (form.get("u") or [""])[0]
        services = self.app.bot_data.services
        guide = services.library.get(guide_id) if services is not None else None
        if guide is None or services is None:
            return Response(404, b"", "text/plain")
        counted = await services.reach.web_counter.finished(
            guide.id, guide.topic.value, unit_code, clock.now()
        )
        if not counted:  # the unit's daily cap
            return self._not_counted(guide)
        page = services.texts.env.get_template("site/thanks.html.j2").render(
            guide=guide, counted=True
        )
        return Response(200, page.encode(), "text/html; charset=utf-8")


def limits_of(settings: Settings) -> Limits:
    return Limits(
        max_body=settings.webhook_max_body,
        max_connections=settings.webhook_max_connections,
    )


async def serve(app: BotApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Start everything, register the webhook, serve until `stop` is set, shut down cleanly."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    receiver = WebhookReceiver(app, urlsplit(settings.webhook_url).path, secret, settings.site_dir)
    server = HttpServer(receiver.handle, limits_of(settings), receiver.gate)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await server.start(settings.webhook_listen, settings.webhook_port)
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=40,
        )
        log.info("webhook serving on %s:%d", settings.webhook_listen, server.port)
        await stop.wait()
    finally:
        await server.stop()
        if app.bot_data.services is not None:  # dropped clicks still counted in memory
            try:
                await app.bot_data.services.reach.web_counter.flush()
            except Exception as exc:  # a count of dropped clicks must not stop the shutdown
                log.warning("web counter: refused clicks not written: %s", type(exc).__name__)
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run_until_signal(
    app: BotApplication, settings: Settings, loop: asyncio.AbstractEventLoop
) -> None:
    """Serve on `loop`, the loop the runner already checked the token on."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, settings, stop)

    loop.run_until_complete(main())

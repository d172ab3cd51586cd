"""`outreach-bot run --webhook`: Telegram POSTs updates to us instead of being polled.

A small asyncio HTTP server (the same one the stand-in uses) takes the calls: the path must
be WEBHOOK_URL's path, the method POST, and the `X-Telegram-Bot-Api-Secret-Token` header must
equal WEBHOOK_SECRET, compared in constant time; anything else gets 403/404/405 and is never
processed. Accepted updates go to the application's queue, exactly as polling would put them.

Only Telegram is heard on that path: its caller (the socket's peer) must be in WEBHOOK_ALLOW
(Telegram's published webhook ranges and loopback, where the recommended proxy runs), and so
must the client a trusted proxy (TRUSTED_PROXIES) names in X-Forwarded-For; anyone else gets
403 on the head. The site (/huong-dan/) stays public, with its own limits: GET and HEAD carry
no body, and the one body a stranger may send is the counter's POST of at most 1 KB.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from telegram import Bot, Update

from bot import clock
from bot.config import Settings
from bot.guides.models import Guide
from bot.services.keys import HealthProbe, Verdict
from bot.site.serve import StaticSite
from bot.storage.db import StorageError
from bot.telegram.context import BotApplication
from bot.telegram.handlers import ALLOWED_UPDATES
from bot.web.clients import (
    LOOPBACK,
    TELEGRAM_WEBHOOK_RANGES,
    ClientBuckets,
    Networks,
    client_address,
    client_of,
)
from bot.web.http_server import HttpServer, Limits, Request, Response
from bot.web.rate_limit import TokenBucket

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
HEALTH_PATH = "/healthz"  # 200 when the database takes a write and matches the key; else 503


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
MAX_SEGMENT = 255  # a longer path segment names no file (and the file system would refuse it)
MAX_SITE_PATH = 1024
REFUSED_LOG_EVERY = 60.0  # seconds between two lines about callers outside WEBHOOK_ALLOW


class WebhookReceiver:
    def __init__(
        self,
        app: BotApplication,
        path: str,
        secret: str,
        site_dir: Path | None = None,
        *,
        allow: Networks | None = None,
        proxies: Networks | None = None,
    ) -> None:
        self.app = app
        self.path = path or "/"
        self._secret = secret.encode()
        self.allow = allow if allow is not None else Networks(TELEGRAM_WEBHOOK_RANGES + LOOPBACK)
        self.proxies = proxies if proxies is not None else Networks(LOOPBACK)
        self._outsiders = 0  # calls on the webhook path refused by WEBHOOK_ALLOW, not yet logged
        self._outsiders_logged = -REFUSED_LOG_EVERY
        self.site = StaticSite(site_dir, SITE_PREFIX) if site_dir else None
        self._done = TokenBucket(DONE_RATE, DONE_BURST)
        self._done_by_client = ClientBuckets(CLIENT_RATE, CLIENT_BURST, MAX_CLIENTS)
        self._refused_page: Response | None = None
        self._health: HealthProbe | None = None

    def _site_gate(self, request: Request, path: str) -> Response | None:
        if request.method in ("GET", "HEAD"):
            return None if path != DONE_PATH else Response(405, b"", "text/plain")
        if request.method != "POST" or path != DONE_PATH:
            return Response(405, b"", "text/plain")
        if int(request.headers.get("content-length", "0") or 0) > MAX_DONE_BODY:
            return Response(413, b"", "text/plain")
        # The client's own limit first: a client over it spends nothing of everyone's.
        client = client_of(request, self.proxies)
        if not self._done_by_client.allow(client) or not self._done.allow():
            services = self.app.bot_data.services
            if services is not None:
                services.reach.web_counter.refused(clock.now())
            return self._not_counted(None)
        return None

    def _not_counted(self, guide: Guide | None, status: int = 429) -> Response:
        """429, with the thanks page's polite words: the person did their part. The page
        for a click refused on the head is made once, so a flood costs no rendering."""
        services = self.app.bot_data.services
        if services is None:  # not started yet: the server only listens after post_init
            return Response(status, b"", "text/plain")
        if guide is None and status == 429 and self._refused_page is not None:
            return self._refused_page
        page = services.texts.env.get_template("site/thanks.html.j2").render(
            guide=guide, counted=False
        )
        response = Response(status, page.encode(), "text/html; charset=utf-8")
        if guide is None and status == 429:
            self._refused_page = response
        return response

    def gate(self, request: Request) -> Response | None:
        """Decided on the head, before a byte of the body is read: a stranger's 40 MB body
        is refused unread. None lets the request through to `handle`."""
        path = request.path.split("?", 1)[0]
        if path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return self._health_now()  # None: no fresh verdict, `handle` probes
        if self.site is not None and path.startswith(SITE_PREFIX):
            return self._site_gate(request, path)
        if path != self.path:
            return Response(404, b'{"ok":false}')
        if not self.admitted(request):
            return Response(403, b'{"ok":false}')
        offered = request.headers.get(SECRET_HEADER, "").encode()
        # compare_digest takes the same time however much of the secret a guess gets right.
        if not hmac.compare_digest(offered, self._secret):
            return Response(403, b'{"ok":false}')
        if request.method != "POST":
            return Response(405, b'{"ok":false}')
        return None

    def admitted(self, request: Request) -> bool:
        """May this request reach the webhook path? Its peer must be in WEBHOOK_ALLOW, and,
        when the peer is a trusted proxy that names a client, so must that client."""
        forwarded = client_address(request, self.proxies)
        if request.peer in self.allow and forwarded in self.allow:
            return True
        self._outsiders += 1
        now = time.monotonic()
        if now - self._outsiders_logged >= REFUSED_LOG_EVERY:
            log.warning(
                "webhook: %d call(s) refused from outside WEBHOOK_ALLOW (the latest from %s)",
                self._outsiders,
                forwarded[:64] or "an unknown address",
            )
            self._outsiders, self._outsiders_logged = 0, now
        return False

    def _health_now(self) -> Response | None:
        """The cached verdict of the health probe, or None when a probe is due."""
        if self._health is None:
            services = self.app.bot_data.services
            if services is None:  # not started, or stopping
                return Response(503, b'{"ok":false,"why":"starting"}')
            self._health = HealthProbe(services.reach.db)
        verdict = self._health.cached()
        return None if verdict is None else _health_response(verdict)

    async def _healthz(self) -> Response:
        """200 only when the database takes a write, is sound and is the key's database."""
        kept = self._health_now()
        if kept is not None:
            return kept
        assert self._health is not None
        return _health_response(await self._health.verdict(clock.now()))

    async def handle(self, request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        if path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return await self._healthz()
        if self.site is not None and path.startswith(SITE_PREFIX):
            if path == DONE_PATH and request.method == "POST":
                return await self._guide_done(request)
            if len(path) > MAX_SITE_PATH or any(len(s) > MAX_SEGMENT for s in path.split("/")):
                return Response(404, "Không có trang này.".encode(), "text/plain; charset=utf-8")
            return await self.site.handle(request)
        refused = self.gate(request)  # a server without the gate still refuses strangers
        if refused is not None:
            return refused
        # 200 confirms the update to Telegram, so it is given only once the update is queued.
        # When the queue is full (bot/telegram/intake.py: every handler slot busy and the
        # queue at its bound), 503 without parsing: Telegram delivers the update again later.
        queue = self.app.update_queue
        if queue.full():
            return Response(503, b'{"ok":false}')
        update = update_of(request.body, self.app.bot)
        if update is None:  # not JSON, or JSON that is no update: [], null, {"message":5}
            return Response(400, b'{"ok":false}')
        try:
            queue.put_nowait(update)
        except asyncio.QueueFull:
            return Response(503, b'{"ok":false}')
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
        try:
            counted = await services.reach.web_counter.finished(
                guide.id, guide.topic.value, unit_code, clock.now()
            )
        except (StorageError, OSError) as exc:  # a full or failing disk: try again later
            log.warning("web counter: a completion not written: %s", type(exc).__name__)
            return self._not_counted(guide, status=503)
        if not counted:  # the unit's daily cap
            return self._not_counted(guide)
        page = services.texts.env.get_template("site/thanks.html.j2").render(
            guide=guide, counted=True
        )
        return Response(200, page.encode(), "text/html; charset=utf-8")


def update_of(body: bytes, bot: Bot) -> Update | None:
    """The update a webhook body carries, or None: not JSON, nested past the parser's depth,
    or valid JSON that is not an update (`[]`, `null`, `{"message": 5}`)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(data, bot)
    except Exception:  # a field of the wrong shape, however python-telegram-bot says it
        return None


def _health_response(verdict: Verdict) -> Response:
    if verdict.ok:
        return Response(200, b'{"ok":true}')
    return Response(503, b'{"ok":false,"why":"%s"}' % verdict.why.encode())


def limits_of(settings: Settings) -> Limits:
    return Limits(
        max_body=settings.webhook_max_body,
        max_connections=settings.webhook_max_connections,
        per_address_connections=settings.webhook_max_connections_per_address,
        per_address_incomplete=settings.webhook_max_incomplete_per_address,
    )


async def serve(app: BotApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Start everything, register the webhook, serve until `stop` is set, shut down cleanly."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    proxies = Networks(settings.trusted_proxies)
    receiver = WebhookReceiver(
        app,
        urlsplit(settings.webhook_url).path,
        secret,
        settings.site_dir,
        allow=Networks(settings.webhook_allow),
        proxies=proxies,
    )
    server = HttpServer(receiver.handle, limits_of(settings), receiver.gate, proxies=proxies)
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

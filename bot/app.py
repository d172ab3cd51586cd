"""The composition root: `build_application(settings)` is the only place that wires things."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import ssl
import unicodedata
import urllib.request
from collections.abc import Callable

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from bot import clock
from bot.config import Settings
from bot.guides.loader import GuideLibrary, GuidesInvalid, load_guides
from bot.guides.search import SearchIndex, guide_fields
from bot.services import Policy, Reach
from bot.services.keys import key_file_of, open_key
from bot.storage import db
from bot.telegram import handlers
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.context import AppData, BotApplication, BotContext, Services
from bot.telegram.intake import bounded_intake
from bot.telegram.views.guides import Views
from bot.texts.templates import LANGUAGES, Texts

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 64
MAX_QUEUED = 64
COMMANDS = ("start", "search", "help", "language", "privacy")


_INDEXES: dict[int, tuple[GuideLibrary, SearchIndex]] = {}


def _search_index(library: GuideLibrary) -> SearchIndex:
    """One index per loaded library (see load_guides), so tests that build many apps share it."""
    kept = _INDEXES.get(id(library))
    if kept is None or kept[0] is not library:
        _INDEXES.clear()
        kept = _INDEXES[id(library)] = (library, SearchIndex(list(library)))
    return kept[1]


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for both requests (updates, the rest): reading the system's
    certificates takes 40 ms."""
    return ssl.create_default_context()


def _request(connections: int) -> AiohttpRequest:
    """The Bot API's HTTP, over aiohttp (bot/telegram/aiohttp_request.py says why not httpx),
    for every call, uploads and downloads too. A proxy named in the environment (HTTP_PROXY,
    HTTPS_PROXY, NO_PROXY) is honoured, as httpx would."""
    return AiohttpRequest(
        connection_pool_size=connections,
        ssl_context=_tls(),
        trust_env=bool(urllib.request.getproxies()),
    )


def policy_of(settings: Settings) -> Policy:
    return Policy(
        admin_ids=frozenset(settings.admin_ids),
        default_language=settings.default_language,
        undo_minutes=settings.undo_minutes,
        backdate_days=settings.backdate_days,
        invite_days=settings.invite_days,
        invite_uses=settings.invite_uses,
        review_daily_people=settings.review_daily_people,
        review_headcount_floor=settings.review_headcount_floor,
        review_headcount_multiple=settings.review_headcount_multiple,
        review_attendance_cap=tuple(sorted(settings.review_attendance_cap.items())),
        web_unit_daily_cap=settings.web_unit_daily_cap,
        search_gaps_days=settings.search_gaps_days,
    )


def named_in_guides(library: GuideLibrary) -> Callable[[str], bool]:
    """Whether the guides write a word with a capital letter ("VNeID", "Zalo", "Công an"),
    accents kept: a capitalised word a resident types that the guides never capitalise may
    be a name, and the unanswered-questions log hides it (`privacy.gap_question`). Built at
    the first use: most starts never need it."""

    @functools.cache
    def words() -> frozenset[str]:
        return frozenset(
            word.lower()
            for guide in library
            for _, text in guide_fields(guide)
            for word in re.findall(r"\w+", unicodedata.normalize("NFC", text))
            if word[:1].isupper()
        )

    def known(word: str) -> bool:
        return unicodedata.normalize("NFC", word).lower() in words()

    return known


def configured_key(settings: Settings) -> str | None:
    return settings.secret_key.get_secret_value() if settings.secret_key else None


def build_application(settings: Settings, *, token: str | None = None) -> BotApplication:
    """Build the bot. Guides and templates load here, so a broken guide stops the start."""
    texts = Texts(settings.templates_dir)
    library, problems = load_guides(settings.guides_dir)
    if problems:
        raise GuidesInvalid(problems)
    search = _search_index(library)
    views = Views(texts, library)

    async def post_init(app: BotApplication) -> None:
        reach = await _open_reach(settings, library)
        app.bot_data.services = Services(
            settings=settings,
            texts=texts,
            library=library,
            search=search,
            views=views,
            reach=reach,
            bot_username=app.bot.username,
        )
        await _set_commands(app, texts, settings.default_language)
        log.info("ready: %d guides, schema %d", len(library), db.SCHEMA_VERSION)

    app: BotApplication = (
        _builder(settings, token).post_init(post_init).post_shutdown(_post_shutdown).build()
    )
    handlers.register(app)
    return app


async def _open_reach(settings: Settings, library: GuideLibrary) -> Reach:
    """The outreach log's services, started: quick_check, migrations, then the key checked
    against the database, so a damaged file, or a restored one without its key, stops the
    start with one line."""
    database = await db.open_database(settings.db_path, check=True)
    try:
        key = await open_key(database, configured_key(settings), key_file_of(settings.db_path))
    except BaseException:
        await database.close()
        raise
    for warning in key.warnings:
        log.warning("%s", warning)
    reach = Reach(database, key.key, policy_of(settings), known_word=named_in_guides(library))
    await reach.start(clock.now())
    return reach


async def _set_commands(app: BotApplication, texts: Texts, default_language: str) -> None:
    """The command menu in each language. Side by side: each is a round trip to Telegram,
    and nobody is answered until post_init returns."""
    await asyncio.gather(
        *(
            app.bot.set_my_commands(
                [BotCommand(c, texts.label(language, f"cmd_{c}")) for c in COMMANDS],
                language_code=None if language == default_language else language,
            )
            for language in LANGUAGES
        )
    )


async def _post_shutdown(app: BotApplication) -> None:
    services = app.bot_data.services
    if services is not None:
        await services.reach.guide_stats.flush()  # readers' counts still in memory
        # Closed here, not left to the exit: the -wal is merged and the file left whole.
        await services.reach.db.close()
        app.bot_data.services = None


def _builder(settings: Settings, token: str | None) -> ApplicationBuilder:
    """Everything about the application but its start and stop."""
    queue, processor = bounded_intake(MAX_IN_FLIGHT, MAX_QUEUED)
    return (
        Application.builder()
        .token(token or settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_base_url.removesuffix("/bot") + "/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=BotContext, bot_data=AppData))
        # python-telegram-bot confirms fetched updates to Telegram before they are handled, so
        # a crash loses what is queued or in flight. Both are bounded (bot/telegram/intake.py):
        # an update leaves the queue only for a free handler slot, at most MAX_IN_FLIGHT run
        # and MAX_QUEUED wait; past that the poller waits (unconfirmed updates stay with
        # Telegram, to be delivered again) and the webhook answers 503.
        .concurrent_updates(processor)
        .update_queue(queue)
        # A connection for each handler slot (each handler makes one call at a time; opened
        # only when needed): with 8, a Bot API answering in 50 ms capped the replies at
        # 160/s, and the slots' wait for a connection neared the 1 s pool timeout.
        .request(_request(MAX_IN_FLIGHT))
        .get_updates_request(_request(1))
        .rate_limiter(
            # Telegram's published limits are ~30 messages/s for bulk sends and 20/min per
            # group. PTB's default also caps *every* request at 30/s overall, which would
            # throttle ordinary replies to many people at once, so the overall cap is off
            # (the bot sends no bulk messages); groups keep theirs, and a 429 is retried
            # after Telegram's retry_after, up to three times.
            AIORateLimiter(
                overall_max_rate=0, group_max_rate=20, group_time_period=60, max_retries=3
            )
        )
    )

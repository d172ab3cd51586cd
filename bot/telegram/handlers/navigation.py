"""Every inline button: decode, answer the query, edit the screen in place."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot import clock
from bot.domain.taps import InvalidCallback
from bot.guides.models import Guide
from bot.guides.navigation import Notice, Screen, ScreenKind, resolve
from bot.services.guide_stats import FINISHED, REACHED, STUCK
from bot.services.self_serve import DonePress
from bot.telegram.callback_data import Action, decode
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.handlers import search
from bot.telegram.views.view import answer, edit_in_place

_TOASTS = {
    Notice.STALE: "toast_stale",
    Notice.GUIDE_GONE: "toast_guide_gone",
    Notice.GUIDE_UPDATED: "toast_guide_updated",
}


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    who = await context.who(update)
    user_key, lang = who.actor.user_key, who.lang
    toast: str | None = None
    wants_photo = False
    try:
        nav = decode(query.data)
    except InvalidCallback:
        screen = Screen(ScreenKind.MENU, notice=Notice.STALE)
    else:
        if nav.action is Action.LANGUAGE and nav.language in ("vi", "en"):
            lang = nav.language
            await services.reach.languages.choose(user_key, lang)
            context.changed_who()
            toast = services.texts.label(lang, "toast_language_set")
            screen = Screen(ScreenKind.MENU)
        elif nav.action is Action.LANGUAGE:
            screen = Screen(ScreenKind.LANGUAGE, notice=Notice.STALE)
        else:
            screen = resolve(services.library, nav)
            wants_photo = nav.action is Action.PHOTO
            screen = await _self_serve(context, user_key, screen)
            _count_reader(context, user_key, screen)
    if screen.notice in _TOASTS:
        toast = services.texts.label(lang, _TOASTS[screen.notice])
    # Answer first: the spinner on the person's button stops at once, even if editing is slow.
    await answer(query, toast)
    if screen.kind is ScreenKind.RESULTS:
        # Back to the results the guide was opened from, found again from the person's last
        # search; after a restart they are gone, and the person is asked to type it again.
        last = services.recent_searches.last(user_key)
        if last is not None:
            await edit_in_place(query, search.results_view(context, lang, last))
            return
        screen = Screen(ScreenKind.SEARCH_HINT, notice=Notice.STALE)
    standing = who.actor.standing
    view = services.views.render(lang, screen, standing)
    origin = came_from(context, user_key, screen)
    if origin is not None:
        view = services.views.back_to_guide(lang, screen, view, origin)
    await edit_in_place(query, view)
    if wants_photo and screen.kind is ScreenKind.STEP and screen.notice is Notice.NONE:
        await send_step_photo(update, context, lang, screen)


def came_from(context: BotContext, user_key: str, screen: Screen) -> Guide | None:
    """The guide this person opened `screen`'s guide from as a prerequisite, if they did:
    its intro was the last one they saw, and it requires this guide."""
    guide = screen.guide
    if guide is None or screen.notice is not Notice.NONE:
        return None
    services = context.services
    trail = services.guide_trail
    last, origin = trail.get(user_key) or ("", "")
    if screen.kind is ScreenKind.INTRO:
        if last != guide.id:
            before = services.library.get(last) if last else None
            origin = last if before is not None and guide.id in before.requires else ""
        trail.put(user_key, (guide.id, origin))
    elif last != guide.id or screen.kind is not ScreenKind.DONE:
        return None
    return services.library.get(origin) if origin else None


FLUSH_SECONDS = 60  # how often readers' step counts are written (see GuideStats)


def schedule_flush(app: BotApplication) -> None:
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _flush, interval=FLUSH_SECONDS, first=FLUSH_SECONDS, name="guide-stats"
        )


async def _flush(context: BotContext) -> None:
    await context.services.reach.guide_stats.flush()


_FUNNEL = {
    ScreenKind.STEP: REACHED,
    ScreenKind.STUCK: STUCK,
    ScreenKind.DONE: FINISHED,
}


def _count_reader(context: BotContext, user_key: str, screen: Screen) -> None:
    """Where readers get to in a guide, for editors (in memory; no database trip)."""
    kind = _FUNNEL.get(screen.kind)
    guide = screen.guide
    if kind is None or guide is None or screen.notice is not Notice.NONE:
        return
    step = 0 if kind == FINISHED else screen.step
    context.services.reach.guide_stats.saw(
        user_key, guide.id, guide.version, step, kind, clock.now()
    )


async def _self_serve(context: BotContext, user_key: str, screen: Screen) -> Screen:
    """A citizen who finishes a guide counts as self-served, credited to the link's unit.

    The last step's «✅ Xong» carries a tag made for this person, guide, version and unit,
    whatever link opened the guide (posters keep working); a press counts only with it. A
    forged one counts nothing and is answered as a stale button."""
    guide = screen.guide
    if guide is None or screen.notice is not Notice.NONE:
        return screen
    self_serve = context.services.reach.self_serve
    if screen.kind is ScreenKind.STEP and screen.step == len(guide.steps):
        tag = self_serve.done_tag(user_key, guide.id, guide.version, screen.unit)
        return replace(screen, tag=tag)
    if screen.kind is ScreenKind.DONE:
        pressed = await self_serve.pressed_done(
            user_key,
            guide.id,
            guide.version,
            guide.topic.value,
            screen.unit,
            screen.tag,
            clock.now(),
        )
        if pressed is DonePress.FORGED:
            return Screen(ScreenKind.MENU, notice=Notice.STALE)
    return screen


async def send_step_photo(update: Update, context: BotContext, lang: str, screen: Screen) -> None:
    guide, number = screen.guide, screen.step
    assert guide is not None and update.effective_chat is not None
    step = guide.steps[number - 1]
    if not step.image:
        return
    caption = context.services.texts.render(lang, "photo_caption", step=step, number=number)
    path = context.services.settings.guides_dir / step.image
    await context.bot.send_photo(update.effective_chat.id, path.read_bytes(), caption=caption)

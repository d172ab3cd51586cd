"""Property-based tests: any input at all gets an answer or a clean refusal, never a crash."""

from __future__ import annotations

import contextlib
import datetime as dt
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import CallbackQuery, Update, User
from telegram.ext import ApplicationBuilder, CallbackQueryHandler

from bot.config import PROJECT_ROOT
from bot.domain import deep_links
from bot.domain.periods import PeriodError, parse_period
from bot.domain.privacy import looks_like_personal_number, looks_like_secret
from bot.domain.taps import OPS, AssistOp, InvalidCallback, Tap, TapKind, decode_tap
from bot.domain.units_csv import parse_units_csv
from bot.guides.loader import load_guides
from bot.guides.search import SearchIndex
from bot.guides.text_norm import fold
from bot.telegram.callback_data import Action, Nav, decode, encode
from bot.telegram.handlers import register

LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")
INDEX = SearchIndex(list(LIBRARY))
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Mostly noise, and some data shaped like the bot's own (a version, an action or tap kind, then
# fields that are valid ids, numbers, versions and unit codes), which is what decodes.
CALLBACKISH = st.one_of(
    st.text(max_size=80),
    st.lists(st.text(alphabet="1|amsidhtzfurpqlv?0123456789abcdef-", max_size=12), max_size=7).map(
        "|".join
    ),
    st.lists(
        st.sampled_from(
            ["1", "i", "s", "h", "d", "t", "a", "z", "r", "vneid-x", "7", "abcdef", "zz"]
        ),
        min_size=2,
        max_size=6,
    ).map(lambda parts: "|".join(["1", *parts])),
)


@FAST
@given(CALLBACKISH)
def test_callback_data_decodes_or_is_refused(data: str) -> None:
    # Anything that decodes is within Telegram's limits and decodes the same after it is made
    # again; anything else is refused with InvalidCallback, never another error.
    with contextlib.suppress(InvalidCallback):
        nav = decode(data)
        assert len(data.encode()) <= 64 and decode(encode(nav)) == nav
    with contextlib.suppress(InvalidCallback):
        tap = decode_tap(data)
        assert tap.encode() == data


@FAST
@given(
    st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?", fullmatch=True),
    st.integers(min_value=0, max_value=999),
    st.from_regex(r"[0-9a-f]{6}", fullmatch=True),
    st.integers(min_value=0, max_value=36**4 - 1),
)
def test_every_button_the_bot_makes_round_trips(
    guide: str, step: int, version: str, unit: int
) -> None:
    for action in (Action.STEP, Action.HELP, Action.PHOTO):
        nav = Nav(action, guide, step, version, unit=unit)
        data = encode(nav)
        assert len(data.encode()) <= 64 and decode(data) == nav
    tap = Tap(TapKind.ASSIST, guide.replace("-", "")[:16] or "x", AssistOp.SERVICE, str(step))
    assert decode_tap(tap.encode()) == tap


EVERY_KIND_AND_OP = [(kind, op) for kind, ops in OPS.items() for op in ops]


@FAST
@given(
    st.sampled_from(EVERY_KIND_AND_OP),
    st.from_regex(r"[a-z0-9]{1,16}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9.+-]{0,20}", fullmatch=True),
)
def test_every_kind_and_op_round_trips_through_encode_route_and_decode(
    kind_and_op: tuple[TapKind, StrEnum], ref: str, arg: str
) -> None:
    kind, op = kind_and_op
    data = Tap(kind, ref, op, arg).encode()
    assert len(data.encode()) <= 64
    # Routed: exactly one registered handler takes it, the one of its kind.
    takers = [route for route in TAP_ROUTES if route.check_update(_press(data))]
    assert [route.callback for route in takers] == [ROUTED[kind]]
    # Decoded: the same kind, ref, arg and the same member of the kind's enum.
    tap = decode_tap(data, kind)
    assert tap == Tap(kind, ref, op, arg) and tap.op is op
    # Another kind's handler refuses it.
    other = next(k for k in TapKind if k is not kind)
    with pytest.raises(InvalidCallback):
        decode_tap(data, other)


def test_every_kind_of_button_has_a_handler_and_guide_buttons_go_elsewhere() -> None:
    assert set(ROUTED) == set(TapKind)
    guide_button = encode(Nav(Action.MENU))
    assert not any(route.check_update(_press(guide_button)) for route in TAP_ROUTES)


def _press(data: str) -> Update:
    user = User(1, "A", is_bot=False)
    return Update(1, callback_query=CallbackQuery("q", user, "chat", data=data))


def _registered_tap_routes() -> list[CallbackQueryHandler[Any, Any]]:
    """The CallbackQueryHandlers `register` adds for outreach buttons, from a real
    application built the way production builds it (no network: nothing is started)."""
    app = ApplicationBuilder().token("1:x").build()
    register(app)  # type: ignore[arg-type]  # the typed context is not needed to route
    return [
        handler
        for handler in app.handlers[0]
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None
    ]


TAP_ROUTES = _registered_tap_routes()
ROUTED = {
    kind: route.callback
    for route in TAP_ROUTES
    for kind in TapKind
    if route.check_update(_press(Tap(kind, "x", next(iter(OPS[kind]))).encode()))
}


@FAST
@given(st.text(max_size=100))
@example("cf_")  # cut-off links
@example("ci_")
@example("_01")
def test_any_deep_link_payload_is_understood_or_politely_ignored(payload: str) -> None:
    link = deep_links.parse(payload)
    assert isinstance(link, deep_links.Link)
    if isinstance(link, deep_links.CheckInLink | deep_links.AttendLink | deep_links.ConfirmLink):
        assert link.token and payload.endswith(link.token)
    if isinstance(link, deep_links.GuideLink):
        assert link.guide_id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=4096))
def test_search_takes_any_unicode_text(text: str) -> None:
    hits = INDEX.search(text)
    assert len(hits) <= 5
    fold(text)
    looks_like_secret(text, fold(text))
    looks_like_personal_number(text)


@FAST
@given(st.text(max_size=2000))
def test_unit_csv_parses_or_reports_lines(text: str) -> None:
    rows, problems = parse_units_csv(text)
    assert all(p.startswith("line ") for p in problems)
    assert all(row.code and row.line >= 2 for row in rows)


@FAST
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789ABCD-", min_size=0, max_size=6),
            st.text(max_size=10),
            st.sampled_from(["ward", "commune", "Bad!", ""]),
            st.text(alphabet="0123456789ABCD-", max_size=6),
        ),
        max_size=30,
    )
)
def test_unit_csv_rows(rows: list[tuple[str, str, str, str]]) -> None:
    text = "code,name,kind,parent_code\n" + "".join(
        ",".join(f'"{v}"' if ("," in v or "\n" in v) else v.replace('"', "") for v in row) + "\n"
        for row in rows
    )
    _parsed, problems = parse_units_csv(text)
    assert all(p.startswith("line ") for p in problems)


@FAST
@given(st.text(max_size=60))
def test_periods_parse_or_refuse(text: str) -> None:
    try:
        period = parse_period(text, dt.date(2026, 11, 28))
    except PeriodError:
        return
    assert period.first <= period.last
    previous = period.previous()
    assert previous is None or previous.last < period.first

"""The web counter («✅ Tôi đã làm xong» on a guide's page) against a stranger (issue 23):
one address flooding it cannot starve the others, only a link signed by `qr --web --unit`
credits a unit, each unit has a daily cap, and every dropped click is counted as refused.
Over real sockets, with the real `run --webhook` listener and a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.domain.periods import all_time
from bot.domain.privacy import load_or_create_key
from bot.domain.units_csv import parse_units_csv
from bot.services.web_counter import FLUSH_AFTER
from bot.standin import StandinBotApi
from bot.telegram.webhook import CLIENT_BURST
from bot.web import unit_tag
from bot.web.clients import ClientBuckets, client_of
from bot.web.http_server import Request
from tests.cli import run_bot_command
from tests.test_webhook_listener import counter_site, fetch, serving  # noqa: F401 (a fixture)

GUIDE = "vneid-forgot-password"
UNITS = """code,name,kind,parent_code
00004,Phường Ba Đình,ward,01
00008,Phường Ngọc Hà,ward,01
"""
FLOODER, READER = "127.0.0.1", "127.0.0.2"


# ---- the tag and the client, on their own ----


def test_a_signed_unit_round_trips_and_anything_else_is_unsigned() -> None:
    key, other_key = b"k" * 32, b"o" * 32
    value = unit_tag.signed(key, "00004")
    code, _, tag = value.partition(".")
    assert code == "00004" and len(tag) == 12 and tag.replace("-", "").replace("_", "").isalnum()
    assert unit_tag.verified(key, value) == "00004"
    assert unit_tag.verified(other_key, value) is None  # another bot's key
    assert unit_tag.verified(key, "00004") is None  # unsigned (a poster printed before)
    assert unit_tag.verified(key, "00008." + tag) is None  # the tag moved to another unit
    flipped = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    assert unit_tag.verified(key, f"00004.{flipped}") is None
    assert unit_tag.verified(key, f".{tag}") is None
    assert unit_tag.verified(key, "") is None
    assert unit_tag.signed(key, "00004") == value  # stable: printed posters keep working


def test_the_client_is_the_peer_unless_a_trusted_proxy_forwarded_it() -> None:
    def request(peer: str, forwarded: str = "") -> Request:
        headers = {"x-forwarded-for": forwarded} if forwarded else {}
        return Request("POST", "/huong-dan/xong", headers, b"", peer=peer)

    # Anyone may send X-Forwarded-For: without trusted proxies it is ignored.
    assert client_of(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    proxy = {"10.0.0.1"}
    assert client_of(request("10.0.0.1", "6.6.6.6, 198.51.100.1"), proxy) == "198.51.100.1"
    assert client_of(request("203.0.113.5", "198.51.100.1"), proxy) == "203.0.113.5"
    # One phone's IPv6 addresses are one client; a mapped IPv4 address is the IPv4 one.
    assert client_of(request("2001:db8:1:2::1")) == client_of(request("2001:db8:1:2::ffff"))
    assert client_of(request("2001:db8:1:2::1")) != client_of(request("2001:db8:1:3::1"))
    assert client_of(request("::ffff:198.51.100.7")) == "198.51.100.7"


def test_the_per_client_table_stays_bounded_and_one_client_cannot_spend_anothers() -> None:
    now = [0.0]
    buckets = ClientBuckets(rate=1.0, burst=3, max_clients=100, clock=lambda: now[0])
    assert [buckets.allow("a") for _ in range(5)] == [True] * 3 + [False] * 2
    assert buckets.allow("b")  # a's flood left b's bucket alone
    for n in range(1000):
        buckets.allow(f"10.0.{n // 256}.{n % 256}")
    assert len(buckets) == 100
    # Forgotten: back with a full bucket, as any new client…
    assert [buckets.allow("a") for _ in range(4)] == [True] * 3 + [False]
    # …but a recently seen flooder keeps its empty bucket.
    buckets = ClientBuckets(rate=0.0, burst=1, max_clients=2, clock=lambda: now[0])
    assert buckets.allow("x") and not buckets.allow("x")
    buckets.allow("y")
    assert not buckets.allow("x")  # x was used last, so y is the one to go next
    buckets.allow("z")
    assert not buckets.allow("x")


# ---- over real sockets ----


@pytest.fixture
async def counter(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811 (the imported fixture)
    request: pytest.FixtureRequest,
) -> AsyncIterator[Counter]:
    extra = getattr(request, "param", {})
    async with serving(api, tmp_path, site_dir=counter_site, **extra) as (app, settings):
        services = app.bot_data.services
        assert services is not None
        rows, problems = parse_units_csv(UNITS)
        assert not problems
        assert not (await services.reach.import_units(rows, [])).problems
        yield Counter(services, settings.webhook_port, tmp_path)


class Counter:
    def __init__(self, services: Any, port: int, tmp_path: Path) -> None:
        self.services, self.port, self.tmp_path = services, port, tmp_path

    async def press(self, u: str = "", source: str = READER) -> tuple[int, bytes]:
        """Press «✅ Tôi đã làm xong» as the page's form does, from `source`: the status and
        the page that comes back."""
        body = f"g={GUIDE}&u={u}".encode()
        request = (
            b"POST /huong-dan/xong HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = await fetch(self.port, request, source)
        head, _, page = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), page

    def bot_key(self) -> bytes:
        """The running bot's own key (made next to DB_PATH at its start)."""
        return load_or_create_key(None, self.services.settings.db_path.parent / "secret.key")

    async def units_credited(self) -> list[str | None]:
        """The unit of each web completion, in the order they were counted."""
        rows = await self.services.reach.db.fetchall(
            "SELECT u.code FROM self_serve s LEFT JOIN units u ON u.id = s.unit_id "
            "WHERE s.user_key LIKE 'web:%' ORDER BY s.rowid"
        )
        return [row[0] for row in rows]

    async def refused_written(self) -> int:
        row = await self.services.reach.db.fetchone("SELECT coalesce(sum(n), 0) FROM web_refused")
        return int(row[0])

    def poster_link(self, monkeypatch: pytest.MonkeyPatch, unit: str) -> str:
        """The link `outreach-bot qr GUIDE --web --unit CODE` puts in the poster's QR code."""
        import bot.reports.posters

        drawn: list[Any] = []

        def save_posters(texts: list[Any], out: Path) -> list[Path]:
            drawn.extend(texts)
            return [out]

        monkeypatch.setattr(bot.reports.posters, "save_posters", save_posters)
        settings = self.services.settings
        done = run_bot_command(
            *("qr", GUIDE, "--web", "--unit", unit, "--out", str(self.tmp_path / "p.png")),
            *("--base-url", "https://example.vn/huong-dan"),
            cwd=self.tmp_path,
            DB_PATH=str(settings.db_path),
        )
        assert done.returncode == 0, done.stderr
        [poster] = drawn
        return str(poster.link)


async def test_one_address_flooding_the_counter_does_not_starve_another(
    counter: Counter,
) -> None:
    statuses: list[int] = []
    pages: list[bytes] = []

    async def flood() -> None:
        for _ in range(200):
            status, page = await counter.press(source=FLOODER)
            statuses.append(status)
            pages.append(page)

    started = time.monotonic()
    flooding = asyncio.create_task(flood())
    while len(statuses) < 60:  # well past the flooder's burst, and everyone's (30)
        await asyncio.sleep(0.01)
    reader = [await counter.press(source=READER) for _ in range(5)]
    await flooding
    seconds = time.monotonic() - started
    print(f"200 presses from one address in {seconds:.1f} s: {statuses.count(200)} counted")

    assert [status for status, _ in reader] == [200] * 5, "the reader's presses all count"
    assert all("Đã ghi nhận".encode() in page for _, page in reader)
    counted = statuses.count(200)
    assert counted <= CLIENT_BURST + seconds * 0.2 + 1, counted
    assert statuses.count(429) == 200 - counted
    refused_page = pages[statuses.index(429)]
    assert "Cảm ơn bạn".encode() in refused_page and "chưa được ghi nhận".encode() in refused_page
    assert len(await counter.units_credited()) == counted + 5
    # Dropped clicks are counted, written together within FLUSH_AFTER seconds.
    for _ in range(int(FLUSH_AFTER * 20) + 40):
        if await counter.refused_written() == 200 - counted:
            break
        await asyncio.sleep(0.05)
    assert await counter.refused_written() == 200 - counted
    refused = await counter.services.reach.web_counter.refused_in(all_time(dt.date.today()))
    assert refused == 200 - counted


async def test_only_a_link_signed_by_qr_credits_its_unit(
    counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = counter.poster_link(monkeypatch, "00004")
    assert link.startswith(f"https://example.vn/huong-dan/{GUIDE}/?u=00004.")
    signed = parse_qs(urlsplit(link).query)["u"][0]
    _, _, tag = signed.partition(".")
    forged = [
        "00004",  # unsigned: a page opened without a poster, or a poster printed before
        "00004.AAAAAAAAAAAA",  # a guessed tag
        f"00008.{tag}",  # 00004's tag on another unit
        f"{signed}x",  # altered
        "",  # no ?u= at all
    ]
    assert (await counter.press(signed))[0] == 200
    for value in forged:
        status, page = await counter.press(value)
        assert status == 200 and "Đã ghi nhận".encode() in page, value  # still counted…
    # …but only the signed press credits a unit.
    assert await counter.units_credited() == ["00004"] + [None] * len(forged)
    # A signed code of a unit that does not exist credits none either.
    key = counter.bot_key()
    assert (await counter.press(unit_tag.signed(key, "99999")))[0] == 200
    assert (await counter.units_credited())[-1] is None


@pytest.mark.parametrize("counter", [{"web_unit_daily_cap": 3}], indirect=True)
async def test_a_units_daily_cap_drops_and_counts_what_is_past_it(
    counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = counter.bot_key()
    signed = unit_tag.signed(key, "00004")
    assert signed == parse_qs(urlsplit(counter.poster_link(monkeypatch, "00004")).query)["u"][0]
    answers = [await counter.press(signed, source=f"127.0.0.{10 + n}") for n in range(5)]
    assert [status for status, _ in answers] == [200, 200, 200, 429, 429]
    assert "chưa được ghi nhận".encode() in answers[3][1]
    assert f'href="{GUIDE}/"'.encode() in answers[3][1]  # back to the guide
    # The cap is the unit's: another unit, and a press for no unit, still count.
    assert (await counter.press(unit_tag.signed(key, "00008")))[0] == 200
    assert (await counter.press("00004"))[0] == 200
    assert await counter.units_credited() == ["00004"] * 3 + ["00008", None]
    assert await counter.refused_written() == 2  # written with the decision, at once
    refused = await counter.services.reach.web_counter.refused_in(all_time(dt.date.today()))
    assert refused == 2

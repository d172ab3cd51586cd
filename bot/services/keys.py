"""The key checked against the database at start, and the bot's health as /healthz sees it.

The database keeps a check value of its key (`privacy.check_value`), stored at the first
start, or on the upgrade that brought it, from the key in use. A start with another key, or
none, while pseudonyms are stored, is refused with one line (see `privacy.settle_key`).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bot.domain.privacy import KEY_FILE, Key, KeyRefused, check_value, settle_key
from bot.storage.db import Database, DatabaseUnusable, StorageError
from bot.storage.meta import MetaRepository


def key_file_of(db_path: Path) -> Path:
    return db_path.parent / KEY_FILE


async def open_key(db: Database, configured: str | None, key_file: Path) -> Key:
    """The key for `db`: checked against its check value, made only for a database that
    holds no pseudonyms, and sealed (its check value stored) when the database has none."""
    meta = MetaRepository(db)
    stored, pseudonyms = await meta.key_state()
    key = settle_key(configured, key_file, stored, pseudonyms)
    assert key is not None  # may_create: a key is always there or made
    if key.seal:
        sealed = await meta.seal(check_value(key.key), only_if_empty=key.made)
        if sealed is None or sealed != check_value(key.key):
            if key.made:  # a key made during this start is never sealed over stored data
                key_file.unlink(missing_ok=True)
            raise KeyRefused(
                f"the key does not match the database in {key_file.parent}, which another "
                "process sealed or filled meanwhile: restore its key, then start again"
            )
    _in_use[id(db)] = check_value(key.key)
    return key


# The check value of the key each open database was started with (by id of the Database):
# the health probe compares the stored one with it.
_in_use: dict[int, str] = {}


HEALTH_SECONDS = 5.0  # a probe's verdict is reused this long: /healthz is public
QUICK_CHECK_SECONDS = 3600.0  # a full read of the file, in the background, this often


@dataclass(frozen=True)
class Verdict:
    ok: bool
    why: str  # one word for the monitor: ok, starting, read-only, damaged, key, failed


class HealthProbe:
    """Can the bot write its database, is the file sound, is it the key's database?

    A probe is a real committed write and a read of the stored check value; its verdict is
    cached for HEALTH_SECONDS, and concurrent callers share one probe, so a flood of
    /healthz costs at most one write per few seconds. A `quick_check` runs on a reader in
    the background at most once per QUICK_CHECK_SECONDS (the start has just run one)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.meta = MetaRepository(db)
        # Started through open_key, as the bot is; else the first value seen is the one.
        self.expected = _in_use.get(id(db))
        self._verdict: Verdict | None = None
        self._at = 0.0
        self._running: asyncio.Task[Verdict] | None = None
        self._damage: str | None = None
        self._checked_at = time.monotonic()
        self._checking: asyncio.Task[None] | None = None

    def cached(self) -> Verdict | None:
        if self._verdict is not None and time.monotonic() - self._at < HEALTH_SECONDS:
            return self._verdict
        return None

    async def verdict(self, now: int) -> Verdict:
        kept = self.cached()
        if kept is not None:
            return kept
        if self._running is None or self._running.done():
            self._running = asyncio.get_running_loop().create_task(self._probe(now))
        return await asyncio.shield(self._running)

    async def _probe(self, now: int) -> Verdict:
        try:
            stored = await self.meta.probe(now)
        except (StorageError, DatabaseUnusable, ValueError) as exc:
            text = str(exc).lower()
            why = "read-only" if "readonly" in text or "read-only" in text else "failed"
            if "malformed" in text or "not a database" in text:
                why = "damaged"
            verdict = Verdict(False, why)
        else:
            if self.expected is None:
                self.expected = stored
            if stored is None or stored != self.expected:
                verdict = Verdict(False, "key")
            elif self._damage is not None:
                verdict = Verdict(False, "damaged")
            else:
                verdict = Verdict(True, "ok")
            self._maybe_quick_check()
        self._verdict, self._at = verdict, time.monotonic()
        return verdict

    def _maybe_quick_check(self) -> None:
        if time.monotonic() - self._checked_at < QUICK_CHECK_SECONDS:
            return
        if self._checking is None or self._checking.done():
            self._checked_at = time.monotonic()
            self._checking = asyncio.get_running_loop().create_task(self._quick_check())

    async def _quick_check(self) -> None:
        try:
            found = await self.meta.quick_check()
        except (StorageError, ValueError) as exc:
            found = [str(exc)]
        self._damage = None if found == ["ok"] else " ".join("; ".join(found).split())[:200]

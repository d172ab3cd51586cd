"""The one bounded cache: least recently used goes first, single keys can be dropped, and the
languages kept with it forget an erased person."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bounded import BoundedCache
from bot.services.access import Languages
from bot.storage import db
from bot.storage.prefs import PrefsRepository


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now "b" is the one used longest ago
    cache.put("c", 3)
    assert len(cache) == cache.size == 2
    assert "b" not in cache
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_a_value_is_made_once_and_kept() -> None:
    cache: BoundedCache[int, str] = BoundedCache(10)
    made: list[int] = []

    def make(n: int) -> str:
        made.append(n)
        return str(n)

    assert cache.get_or_make(1, lambda: make(1)) == "1"
    assert cache.get_or_make(1, lambda: make(1)) == "1"
    assert made == [1]


def test_an_unhashable_key_raises_as_a_dict_would() -> None:
    cache: BoundedCache[object, str] = BoundedCache(1)
    with pytest.raises(TypeError):
        cache.get(["a", "list"])
    with pytest.raises(ValueError):
        BoundedCache(0)


async def test_an_erased_person_s_language_is_not_kept(tmp_path: Path) -> None:
    conn = await db.connect(tmp_path / "bot.db")
    database = db.Database(conn)
    languages = Languages(PrefsRepository(database), "vi")
    await languages.choose("key-Lan", "en")
    assert languages.of("key-Lan") == "en"
    again = Languages(PrefsRepository(database), "vi")  # a restart: loaded from the database
    await again.load()
    assert again.of("key-Lan") == "en" and again.of("key-Minh") == "vi"
    await database.execute("DELETE FROM user_prefs WHERE user_key = ?", ("key-Lan",))
    assert languages.of("key-Lan") == "en"  # kept in memory until forgotten
    languages.forget("key-Lan")
    assert languages.of("key-Lan") == "vi"
    await conn.close()

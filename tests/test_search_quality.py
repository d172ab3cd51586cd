"""Search quality over a table of realistic queries: the right guide must be in the top 3.

The table (tests/data/search_quality.tsv) is content: editors add the searches that missed.
The test reports the hit rate and every miss, and fails below 90 %.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.guides.loader import load_guides
from bot.guides.search import SearchIndex

TABLE = Path(__file__).parent / "data" / "search_quality.tsv"
TOP = 3
REQUIRED_HIT_RATE = 0.90


def read_table() -> list[tuple[str, set[str]]]:
    rows = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        query, _, expected = line.partition("\t")
        assert expected.strip(), f"{TABLE.name}:{number}: no expected guide"
        rows.append((query, set(expected.split())))
    return rows


def test_table_is_large_and_names_real_guides() -> None:
    library, _ = load_guides(PROJECT_ROOT / "guides")
    known = {guide.id for guide in library}
    rows = read_table()
    assert len(rows) >= 60
    assert len({query for query, _ in rows}) == len(rows), "duplicate query"
    for query, expected in rows:
        assert expected <= known, (query, expected - known)


def test_top3_hit_rate(capsys) -> None:  # type: ignore[no-untyped-def]
    library, _ = load_guides(PROJECT_ROOT / "guides")
    index = SearchIndex(list(library))
    rows = read_table()
    misses = []
    for query, expected in rows:
        found = [hit.guide.id for hit in index.search(query, limit=TOP)]
        if not expected & set(found):
            misses.append(f"  {query!r}: wanted {sorted(expected)}, got {found}")
    rate = 1 - len(misses) / len(rows)
    report = f"search quality: {len(rows) - len(misses)}/{len(rows)} in top {TOP} ({rate:.1%})"
    with capsys.disabled():
        print("\n" + report + ("\n" + "\n".join(misses) if misses else ""))
    assert rate >= REQUIRED_HIT_RATE, report + "\n" + "\n".join(misses)


def test_the_measure_can_fail() -> None:
    """Control: pair each query with the next row's guides; a real ranking must score badly."""
    library, _ = load_guides(PROJECT_ROOT / "guides")
    index = SearchIndex(list(library))
    rows = read_table()
    shifted = [(rows[i][0], rows[(i + 7) % len(rows)][1]) for i in range(len(rows))]
    hits = sum(
        bool(expected & {h.guide.id for h in index.search(query, limit=TOP)})
        for query, expected in shifted
    )
    assert hits / len(rows) < 0.3

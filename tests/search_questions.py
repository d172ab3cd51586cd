"""Every question of the search tables, for the page-parity test and the search benchmark:
residents' (tests/data/search_residents.tsv), the quality table and the off-topic list."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def _column(name: str, column: int) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [
        line.split("\t")[column].strip()
        for line in lines
        if line.strip() and not line.startswith("#")
    ]


def table_questions() -> list[str]:
    return [
        *_column("search_residents.tsv", 1),
        *_column("search_quality.tsv", 0),
        *_column("search_offtopic.txt", 0),
    ]

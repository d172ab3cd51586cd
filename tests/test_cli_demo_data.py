"""Issue 26, finding 17: demo-data writes only into a new database or one it made (marked in
`meta`); run twice it refuses instead of doubling; `--replace` makes its own data anew and
never touches records it did not make."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli import run_bot_command


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("assists", "members", "self_serve", "activities", "campaigns")
        }


def _demo(path: Path, *extra: str):
    return run_bot_command("demo-data", "--assists", "400", *extra, DB_PATH=str(path))


def test_twice_refuses_and_replace_does_not_double(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert _demo(path).returncode == 0
    first = _counts(path)
    assert first["assists"] == 400
    again = _demo(path)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "already holds demo data" in again.stderr and "--replace" in again.stderr
    assert _counts(path) == first
    replaced = _demo(path, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert _counts(path) == first  # the same seed: the same data, not twice as much
    with sqlite3.connect(path) as conn:
        [(total,)] = conn.execute("SELECT sum(n) FROM guide_funnel WHERE kind = 'reached'")
    assert _demo(path, "--replace", "--seed", "3").returncode == 0
    with sqlite3.connect(path) as conn:
        # Reader counts are sums: added once, not again on every --replace.
        assert conn.execute(
            "SELECT sum(n) FROM guide_funnel WHERE kind = 'reached'"
        ).fetchone() == (total,)
        assert conn.execute("SELECT count(*) FROM assists").fetchone() == (400,)


def test_a_database_with_real_records_is_refused_even_with_replace(tmp_path: Path) -> None:
    path = tmp_path / "real.db"
    made = run_bot_command(
        "campaigns", "add", "--code", "HTN", "--name", "Hè tình nguyện",
        "--from", "01/06/2026", "--to", "31/08/2026", DB_PATH=str(path),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    for extra in ((), ("--replace",)):
        refused = _demo(path, *extra)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "1 campaigns" in refused.stderr and "new file" in refused.stderr
    assert _counts(path)["assists"] == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT code FROM campaigns").fetchall() == [("HTN",)]


def test_units_alone_are_no_records(tmp_path: Path) -> None:
    """The README's order: import the official units, then demo data."""
    path = tmp_path / "o.db"
    imported = run_bot_command(
        "units", "import", "--official", "--province", "01", DB_PATH=str(path)
    )
    assert imported.returncode == 0, imported.stderr
    assert _demo(path).returncode == 0


def test_replace_keeps_records_made_since_by_real_use(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert _demo(path).returncode == 0
    with sqlite3.connect(path) as conn:
        # A real assist, logged by the bot on the demo database (a real token has no dash).
        conn.execute(
            "INSERT INTO assists (token, volunteer_id, unit_id, services, people, consent, "
            "occurred_at, created_at, day) SELECT 'realtoken2', NULL, unit_id, 1, 1, 0, "
            "occurred_at, created_at, day FROM assists LIMIT 1"
        )
        conn.execute(
            "INSERT INTO members (user_key, display_name, role, unit_id, active, joined_at) "
            "VALUES ('k' || hex(randomblob(8)), 'Chị Lan', 'coordinator', 1, 1, 1760000000)"
        )
    replaced = _demo(path, "--replace", "--seed", "2")
    assert replaced.returncode == 0, replaced.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM assists").fetchone() == (401,)
        assert conn.execute(
            "SELECT count(*) FROM assists WHERE token = 'realtoken2'"
        ).fetchone() == (1,)
        assert conn.execute(
            "SELECT count(*) FROM members WHERE display_name = 'Chị Lan'"
        ).fetchone() == (1,)

"""Keys and databases that fail safe, and an honest health check (issue 24, parts 3-5).

A database restored without its key, with a short, corrupt or other key; a damaged, empty,
foreign or missing file, or a folder: each stops `run` with one line and status 2, creates
nothing and makes no key. `health` never creates or migrates. /healthz fails when writes do.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.privacy import check_value
from bot.storage import migrations
from bot.storage.db import SCHEMA_VERSION
from tests.cli import run_bot_command
from tests.conftest import start_bot

HEX_KEY = "0123456789abcdef" * 4
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Nothing listens there: a start that got past the database and the key would fail to reach
# the Bot API with status 1, not 2.
NO_API = "http://127.0.0.1:9/bot"


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single line a refused command prints; no traceback, nothing else on stderr but
    log lines."""
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    lines = [line for line in done.stderr.splitlines() if line.startswith("outreach-bot:")]
    assert len(lines) == 1, output
    assert "\n" not in lines[0]
    return lines[0]


def run_bot(db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`outreach-bot run`, in this process, against DB_PATH=db."""
    return run_bot_command(
        "run", BOT_TOKEN=TOKEN, BOT_API_BASE_URL=NO_API, DB_PATH=str(db), LOG_LEVEL="WARNING",
        env=env,
    )  # fmt: skip


def _database(
    path: Path, *, key: bytes | None, pseudonyms: bool, version: int | None = None
) -> None:
    """A database as a deployment leaves it: schema `version` (default: current), sealed with
    `key` (None: never sealed, as before schema 10), holding a volunteer's pseudonym or not."""

    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    migrations.apply(conn, version)
    conn.close()
    with sqlite3.connect(path) as conn:
        if pseudonyms:
            conn.execute(
                "INSERT INTO user_prefs (user_key, language, updated_at) VALUES ('p', 'vi', 'x')"
            )
        if key is not None:
            conn.execute("INSERT INTO meta VALUES ('key_check', ?)", (check_value(key),))
    conn.close()


@pytest.fixture
def restored(tmp_path: Path) -> Iterator[Path]:
    """A database restored from a backup: sealed with HEX_KEY, volunteers in it, no key."""
    db = tmp_path / "data" / "bot.db"
    _database(db, key=bytes.fromhex(HEX_KEY), pseudonyms=True)
    yield db


# -- keys --------------------------------------------------------------------------------


def test_a_restored_database_without_its_key_is_refused_and_no_key_is_made(
    restored: Path,
) -> None:
    done = run_bot(restored)
    assert done.returncode == 2
    line = one_line(done)
    assert "no key" in line and "restore" in line and str(restored.parent) in line
    assert not (restored.parent / "secret.key").exists()
    # The same again: still no key made, still refused (a second start must not "heal" it).
    assert run_bot(restored).returncode == 2
    assert not (restored.parent / "secret.key").exists()


@pytest.mark.parametrize("secret", ["a", "short-but-not-hex", HEX_KEY.replace("0", "1")])
def test_a_short_or_other_secret_key_is_refused(restored: Path, secret: str) -> None:
    done = run_bot(restored, SECRET_KEY=secret)
    assert done.returncode == 2
    assert "SECRET_KEY does not match the database" in one_line(done)


def test_a_corrupt_key_file_is_refused_in_one_line(restored: Path) -> None:
    (restored.parent / "secret.key").write_text("not a key at all\n")
    done = run_bot(restored)
    assert done.returncode == 2
    line = one_line(done)
    assert "secret.key is damaged" in line and "restore it" in line


def test_another_key_file_is_refused(restored: Path) -> None:
    (restored.parent / "secret.key").write_text(HEX_KEY.replace("a", "b"))
    done = run_bot(restored)
    assert done.returncode == 2 and "does not match the database" in one_line(done)


def test_the_right_key_starts_whether_in_the_file_or_pasted_into_secret_key(
    restored: Path,
) -> None:
    """Past the database and the key, the start goes on to the Bot API (not here: status 1)."""
    (restored.parent / "secret.key").write_text(HEX_KEY + "\n")
    os.chmod(restored.parent / "secret.key", 0o600)
    from_file = run_bot(restored)
    assert from_file.returncode == 1 and "cannot reach the Bot API" in from_file.stderr
    (restored.parent / "secret.key").unlink()
    pasted = run_bot(restored, SECRET_KEY=HEX_KEY)
    assert pasted.returncode == 1 and "cannot reach the Bot API" in pasted.stderr


def test_a_new_deployment_refuses_a_short_secret_key_and_makes_no_database_key(
    tmp_path: Path,
) -> None:
    db = tmp_path / "data" / "bot.db"
    done = run_bot(db, SECRET_KEY="a")
    assert done.returncode == 2 and "64 hex characters" in one_line(done)
    assert not (tmp_path / "data" / "secret.key").exists()


def test_an_upgrade_keeps_its_short_key_with_a_warning_and_seals_it(tmp_path: Path) -> None:
    """Before schema 10 nothing was sealed; SECRET_KEY was read as text. Its pseudonyms are
    kept: the key in use is sealed, with a warning at start and in `health`."""
    db = tmp_path / "data" / "bot.db"
    _database(db, key=None, pseudonyms=True, version=SCHEMA_VERSION - 1)
    health = run_bot_command("health", DB_PATH=str(db), SECRET_KEY="legacy")
    assert health.returncode == 0, health.stdout
    assert "key: WARNING SECRET_KEY is 6 bytes, shorter than 32" in health.stdout
    done = run_bot(db, SECRET_KEY="legacy")
    assert done.returncode == 1 and "cannot reach the Bot API" in done.stderr
    assert "shorter than 32" not in done.stderr or "WARNING" in done.stderr
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    conn.close()
    assert stored == (check_value(b"legacy"),)
    # From now on another key is refused.
    assert run_bot(db, SECRET_KEY="legacy2").returncode == 2


def test_a_key_file_made_while_pseudonyms_are_stored_is_never_sealed(tmp_path: Path) -> None:
    """An upgrade from before schema 10 whose key file is gone: no key is made, none sealed."""
    db = tmp_path / "data" / "bot.db"
    _database(db, key=None, pseudonyms=True, version=SCHEMA_VERSION - 1)
    done = run_bot(db)
    assert done.returncode == 2 and "no key" in one_line(done)
    assert not (tmp_path / "data" / "secret.key").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM meta").fetchone() == (0,)
    conn.close()


def test_a_key_file_readable_by_others_is_warned_about_in_health(restored: Path) -> None:
    key_file = restored.parent / "secret.key"
    key_file.write_text(HEX_KEY)
    os.chmod(key_file, 0o644)
    health = run_bot_command("health", DB_PATH=str(restored))
    assert health.returncode == 0, health.stdout
    assert f"key: WARNING the key file {key_file} is readable by others (mode 644)" in (
        health.stdout
    )
    os.chmod(key_file, 0o600)
    assert "WARNING" not in run_bot_command("health", DB_PATH=str(restored)).stdout


async def test_the_first_start_seals_the_key_and_warns_of_a_readable_key_file(
    api, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, api.base_url)
    running = await start_bot(settings, api)
    await running.stop()
    key_file = tmp_path / "data" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(settings.db_path) as conn:
        stored = conn.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    conn.close()
    assert stored == (check_value(bytes.fromhex(key_file.read_text())),)
    os.chmod(key_file, 0o640)
    running = await start_bot(settings, api)
    await running.stop()
    assert any("readable by others (mode 640)" in r.getMessage() for r in caplog.records)


# -- databases ---------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("zero", "is empty (0 bytes)"),
        ("text", "is not an SQLite database"),
        ("folder", "is a folder, not a database"),
        ("header", "is not an SQLite database"),
        ("truncated", "is truncated"),
    ],
)
def test_a_file_that_is_no_database_is_refused_by_run_and_report(
    tmp_path: Path, case: str, said: str
) -> None:
    db = tmp_path / "data" / "bot.db"
    if case == "zero":
        _write(db, b"")
    elif case == "text":
        _write(db, "Xin chào, đây là một tệp văn bản.\n".encode() * 20)
    elif case == "folder":
        db.mkdir(parents=True)
    else:
        _database(db, key=None, pseudonyms=False)
        data = db.read_bytes()
        if case == "header":
            _write(db, b"SQLite format 2\x00" + data[16:])
        else:
            _write(db, data[: len(data) // 2])
    before = sorted(p.name for p in db.parent.iterdir())
    for done in (run_bot(db), run_bot_command("report", DB_PATH=str(db))):
        assert done.returncode == 2, done.stderr
        line = one_line(done)
        assert said in line and str(db) in line
        if case != "folder":
            assert "restore the latest backup" in line
    assert sorted(p.name for p in db.parent.iterdir()) == before  # nothing made, no key
    if case == "zero":
        assert db.stat().st_size == 0  # not turned into an empty database


def test_commands_that_only_read_refuse_a_missing_database_and_create_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "missing" / "bot.db"
    for argv in (
        ("report",),
        ("export", "--out", str(tmp_path / "x.xlsx")),
        ("chart", "--out", str(tmp_path / "c.png")),
        ("units", "list"),
        ("activities", "list"),
        ("campaigns", "list"),
        ("guides", "funnel"),
        ("guides", "gaps"),
        ("review", "list"),
        ("backup", str(tmp_path / "b.db")),
        ("console", "--db", str(db)),
    ):
        done = run_bot_command(*argv, DB_PATH=str(db))
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert f"no database at {db}" in one_line(done), argv
    assert not (tmp_path / "missing").exists()
    assert not (tmp_path / "b.db").exists()
    health = run_bot_command("health", DB_PATH=str(db))
    assert health.returncode == 1 and f"database: FAILED (no database at {db}" in health.stdout
    assert "Traceback" not in health.stdout + health.stderr
    assert not (tmp_path / "missing").exists()


def test_commands_that_write_may_create_a_database_private_to_its_owner(tmp_path: Path) -> None:
    db = tmp_path / "new" / "bot.db"
    done = run_bot_command("groups", "add", "G1", "--name", "Cụm", "--units", "01", DB_PATH=str(db))
    assert done.returncode == 0, done.stderr
    for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if name.exists():
            assert name.stat().st_mode & 0o777 == 0o600, name
    backup = tmp_path / "backups" / "b.db"
    copied = run_bot_command("backup", str(backup), DB_PATH=str(db))
    assert copied.returncode == 0
    assert backup.stat().st_mode & 0o777 == 0o600
    assert "keep it safe, apart from the backups" in copied.stderr
    assert not (tmp_path / "backups" / "secret.key").exists()


def test_an_existing_database_readable_by_others_is_tightened_at_start(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    _database(db, key=None, pseudonyms=False)
    os.chmod(db, 0o644)
    run_bot(db)  # stops at the Bot API, after the database was opened
    assert db.stat().st_mode & 0o777 == 0o600
    for name in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if name.exists():
            assert name.stat().st_mode & 0o777 == 0o600, name


def test_health_never_creates_or_migrates(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    _write(db, b"")
    zero = run_bot_command("health", DB_PATH=str(db))
    assert zero.returncode == 1 and "is empty (0 bytes)" in zero.stdout
    assert db.stat().st_size == 0
    db.unlink()
    _database(db, key=None, pseudonyms=False, version=SCHEMA_VERSION - 1)
    old = run_bot_command("health", DB_PATH=str(db))
    assert old.returncode == 0, old.stdout
    assert f"upgraded to {SCHEMA_VERSION} at start" in old.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION - 1,)
    conn.close()


def test_health_fails_when_the_key_does_not_match(restored: Path) -> None:
    done = run_bot_command("health", DB_PATH=str(restored))
    assert done.returncode == 1 and "key: FAILED (no key for the database" in done.stdout
    right = run_bot_command("health", DB_PATH=str(restored), SECRET_KEY=HEX_KEY)
    assert right.returncode == 0 and "key: ok (SECRET_KEY, matches the database)" in right.stdout


def _overwrite_a_page(db: Path) -> None:
    """One page in the middle of the units table, as a failing disk leaves it."""
    with sqlite3.connect(db) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'units'").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with db.open("r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\x55" * size)


def test_health_finds_a_page_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    _database(db, key=None, pseudonyms=False)
    _overwrite_a_page(db)
    done = run_bot_command("health", DB_PATH=str(db))
    assert done.returncode == 1 and f"the database {db} is damaged" in done.stdout
    assert len(done.stdout.splitlines()) == 3  # database, guides, time: one line each


async def test_run_refuses_a_database_with_a_page_overwritten(api, tmp_path: Path) -> None:
    """`python -m bot run` as a process: quick_check at start, one line, status 2."""
    db = tmp_path / "data" / "bot.db"
    await asyncio.to_thread(_database, db, key=None, pseudonyms=False)
    _overwrite_a_page(db)
    env = {**os.environ, "BOT_TOKEN": api.token, "BOT_API_BASE_URL": api.base_url}
    env |= {"DB_PATH": str(db), "SECRET_KEY": HEX_KEY}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    done = subprocess.CompletedProcess([], process.returncode or 0, out.decode(), err.decode())
    assert process.returncode == 2, done.stderr
    line = one_line(done)
    assert f"the database {db} is damaged" in line and "restore the latest backup" in line


def _as_nobody(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """`main(argv)` in a forked process that has become `nobody` (its modules are already
    loaded: the interpreter's own folder is closed to nobody here): the status and stderr."""
    from bot.cli.main import main

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 99
        try:
            os.close(read)
            sys.stdout = sys.stderr = os.fdopen(write, "w")
            os.environ.update(env)
            os.setgid(65534)
            os.setuid(65534)
            code = main(argv)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as output:
        text = output.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), text


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a command as nobody")
def test_a_read_only_database_gives_one_line(tmp_path: Path) -> None:
    """As root, a mode never stops a write: the command runs as `nobody`, for whom the file
    and its folder are read-only, as on a read-only disk."""
    hidden = tmp_path / "data" / "bot.db"  # pytest's folders are closed to others
    _database(hidden, key=None, pseudonyms=False)
    run_bot_command("report", DB_PATH=str(hidden))  # every module loaded before the fork
    run_bot_command("groups", "list", DB_PATH=str(hidden))
    code, text = _as_nobody(["report"], {"DB_PATH": str(hidden)})
    assert code == 2 and "cannot reach the database" in one_line(
        subprocess.CompletedProcess([], code, "", text)
    )
    folder = Path(tempfile.mkdtemp(prefix="outreach-ro-"))
    try:
        db = folder / "bot.db"
        shutil.copy(hidden, db)
        os.chmod(folder, 0o555)
        os.chmod(db, 0o444)
        for argv in (["report"], ["groups", "add", "G", "--name", "n", "--units", "01"]):
            code, text = _as_nobody(argv, {"DB_PATH": str(db)})
            assert code == 2, text
            line = one_line(subprocess.CompletedProcess(argv, code, "", text))
            assert str(db) in line and ("read-only" in line or "cannot open" in line), line
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


# -- /healthz ----------------------------------------------------------------------------


async def _status(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )  # fmt: skip
        return head + await asyncio.wait_for(reader.readexactly(length), 5)
    finally:
        writer.close()


async def test_healthz_fails_when_the_database_refuses_writes_or_the_key_changes(
    api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only is made with `PRAGMA query_only` on the bot's writing connection: it refuses
    every write with SQLite's own "attempt to write a readonly database", as a read-only
    disk does (tests run as root, for whom modes stop nothing, and cannot remount)."""
    from bot.services import keys
    from tests.test_webhook_listener import serving

    async with serving(api, tmp_path) as (app, settings):
        port = settings.webhook_port
        first = await _status(port)
        assert first.startswith(b"HTTP/1.1 200"), first
        services = app.bot_data.services
        assert services is not None
        database = services.reach.db
        # Within the cache, a flood of probes costs no trip to the database.
        trips = database.trips
        for _ in range(20):
            assert (await _status(port)).startswith(b"HTTP/1.1 200")
        assert database.trips == trips
        monkeypatch.setattr(keys, "HEALTH_SECONDS", 0.0)
        await database.run(lambda conn: conn.execute("PRAGMA query_only = ON"))
        refused = await _status(port)
        assert refused.startswith(b"HTTP/1.1 503") and b'"why":"read-only"' in refused
        await database.run(lambda conn: conn.execute("PRAGMA query_only = OFF"))
        assert (await _status(port)).startswith(b"HTTP/1.1 200")
        # Another database (another key's) put in its place while the bot runs.
        with sqlite3.connect(settings.db_path) as other:
            other.execute("UPDATE meta SET value = 'x' WHERE name = 'key_check'")
        other.close()
        changed = await _status(port)
        assert changed.startswith(b"HTTP/1.1 503") and b'"why":"key"' in changed


async def test_healthz_fails_when_a_page_is_damaged_while_the_bot_runs(
    api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write probe cannot see a damaged page far from what it writes: a `quick_check`
    runs in the background (hourly; here at once) and its finding fails /healthz."""
    from bot.services import keys
    from tests.test_webhook_listener import serving

    async with serving(api, tmp_path) as (app, settings):
        port = settings.webhook_port
        assert (await _status(port)).startswith(b"HTTP/1.1 200")
        monkeypatch.setattr(keys, "HEALTH_SECONDS", 0.0)
        monkeypatch.setattr(keys, "QUICK_CHECK_SECONDS", 0.0)
        services = app.bot_data.services
        assert services is not None
        await services.reach.db.checkpoint()
        await asyncio.to_thread(_overwrite_a_page, settings.db_path)
        answer = b""
        for _ in range(200):  # the check runs in the background: a few probes later
            answer = await _status(port)
            if answer.startswith(b"HTTP/1.1 503"):
                break
            await asyncio.sleep(0.05)
        assert answer.startswith(b"HTTP/1.1 503") and b'"why":"damaged"' in answer, answer

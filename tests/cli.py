"""Run `outreach-bot ...` as a person at a terminal would: its arguments, environment, working
folder and stdin, and what it prints and exits with.

`run_bot_command` runs the command in this process, through the same `main(argv)` the console
script calls: a fresh interpreter costs about a second of imports, and the suite runs some
hundred commands. What only a separate process shows (the console script itself, `python -m
bot run`, signals, kill -9) is checked with real processes, in the tests that are about it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import runpy
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from bot.config import PROJECT_ROOT

# Settings a developer may have exported that would change what the command does.
_CLEARED = ("BOT_TOKEN", "ADMIN_IDS", "GUIDES_DIR", "DB_PATH")


def run_bot_command(
    *args: str,
    cwd: Path = PROJECT_ROOT,
    stdin: str | None = None,
    cleared: tuple[str, ...] = _CLEARED,
    env: Mapping[str, str] | None = None,
    **variables: str,
) -> subprocess.CompletedProcess[str]:
    """`outreach-bot *args`, in this process, with the variables of `env` and the keywords
    (a dict as `env=`: as `**env` a key could as well be `cwd`, which mypy refuses)."""
    from bot.cli.main import main

    argv = ["outreach-bot", *args]
    variables = {**(env or {}), **variables}
    return run_in_process(lambda: main(list(args)), argv, cwd, stdin, cleared, variables)


def run_script(
    script: Path, *args: str, cwd: Path = PROJECT_ROOT, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python script *args`, in this process (as `__main__`)."""
    run = _as_main(lambda: runpy.run_path(str(script), run_name="__main__"), str(script), args)
    return run_in_process(run, [sys.executable, str(script), *args], cwd, stdin, _CLEARED, env)


def run_module(
    module: str, *args: str, cwd: Path = PROJECT_ROOT, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m module *args`, in this process (its `__main__`)."""
    run = _as_main(
        lambda: runpy.run_module(module, run_name="__main__", alter_sys=True), module, args
    )
    return run_in_process(run, [sys.executable, "-m", module, *args], cwd, stdin, _CLEARED, env)


def _as_main(run: Callable[[], object], name: str, args: tuple[str, ...]) -> Callable[[], int]:
    """`run` with sys.argv as that program would see it (a script exits by SystemExit)."""

    def call() -> int:
        saved = sys.argv
        sys.argv = [name, *args]
        try:
            run()
        finally:
            sys.argv = saved
        return 0

    return call


def run_in_process(
    call: Callable[[], int | None],
    argv: list[str],
    cwd: Path,
    stdin: str | None,
    cleared: tuple[str, ...],
    env: Mapping[str, str],
) -> subprocess.CompletedProcess[str]:
    """Run `call` as a process would run it: exit status from its return value or SystemExit,
    an uncaught exception printed as a traceback with status 1, and every setting it changes
    (environment, folder, streams, logging) put back afterwards."""
    out, err = io.StringIO(), io.StringIO()
    status: list[int] = []

    def body() -> None:
        try:
            result = call()
            status.append(int(result or 0))
        except SystemExit as exc:
            code = exc.code
            if isinstance(code, str):
                print(code, file=sys.stderr)
                code = 1
            status.append(int(code or 0))
        except BaseException:  # what the interpreter would print before exiting 1
            traceback.print_exc(file=sys.stderr)
            status.append(1)

    with _as_a_process(cwd, stdin, cleared, env, out, err):
        if _loop_running():
            # asyncio.run refuses to start inside a running loop (an async test): a thread
            # has none.
            worker = threading.Thread(target=body)
            worker.start()
            worker.join()
        else:
            body()
    return subprocess.CompletedProcess(argv, status[0], out.getvalue(), err.getvalue())


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@contextlib.contextmanager
def _as_a_process(
    cwd: Path,
    stdin: str | None,
    cleared: tuple[str, ...],
    env: Mapping[str, str],
    out: io.StringIO,
    err: io.StringIO,
) -> Iterator[None]:
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in _loggers()}
    try:
        for name in cleared:
            os.environ.pop(name, None)
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin or ""), out, err
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def _loggers() -> list[str]:
    """Every logger that exists now, plus those the bot's logging set-up sets a level on."""
    return [*logging.Logger.manager.loggerDict, "httpx", "httpcore", "telegram", "apscheduler"]

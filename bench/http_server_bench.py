"""The webhook's HTTP server against the one it replaced, at saturation, in the same run.

    .venv/bin/python bench/http_server_bench.py [--clients 32] [--seconds 5] [--rounds 3]

Each client keeps one connection open and POSTs a Telegram-sized update (1 KB, with the
secret header) as fast as the answers come back; the handler answers at once, so what is
measured is the server: reading and checking heads, reading bodies, writing answers. The
old server is read from git (`git show BASELINE:bot/web/http_server.py`), so the repo keeps
one copy. For the whole bot behind each kind of delivery, see `e2e_bench.py --webhook`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.web import http_server  # noqa: E402

BASELINE = "e44075b"  # the last commit with the server this one replaced
SECRET = "bench-webhook-secret-0123456789"
BODY = b'{"update_id":1,"message":{"text":"' + b"x" * 1000 + b'"}}'
REQUEST = (
    f"POST /hook HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
    f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(BODY)}\r\n\r\n"
).encode() + BODY


def old_server_module():  # type: ignore[no-untyped-def]  # loaded from git at run time
    source = subprocess.run(
        ["git", "show", f"{BASELINE}:bot/web/http_server.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_http_server.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_http_server", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_http_server"] = module
    spec.loader.exec_module(module)
    return module


async def client(port: int, stop: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(REQUEST)
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(11)  # {"ok":true}
            latencies.append(time.perf_counter() - started)
            done += 1
    finally:
        writer.close()
    return done


# server: the current HttpServer or the old one from git, which has no static type.
async def measure(server, clients: int, seconds: float) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]  # either server
    port = await server.start()
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    counts = await asyncio.gather(*(client(port, stop, latencies) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    await server.stop()
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000
    return sum(counts) / elapsed, statistics.median(ordered) * 1000, p95


async def main(clients: int, seconds: float, rounds: int) -> int:
    old = old_server_module()

    async def answer(request):  # type: ignore[no-untyped-def]  # as old_answer
        return http_server.Response(200, b'{"ok":true}')

    async def old_answer(request):  # type: ignore[no-untyped-def]  # old: from git
        return old.Response(200, b'{"ok":true}')

    def gate(request: http_server.Request) -> http_server.Response | None:
        secret = request.headers.get("x-telegram-bot-api-secret-token")
        return None if secret == SECRET else http_server.Response(403, b'{"ok":false}')

    results: dict[str, list[tuple[float, float, float]]] = {"old": [], "new": []}
    for _ in range(rounds):
        results["old"].append(await measure(old.HttpServer(old_answer), clients, seconds))
        new = http_server.HttpServer(answer, http_server.Limits(), gate)
        results["new"].append(await measure(new, clients, seconds))
    print(f"{clients} keep-alive clients, {seconds:.0f} s a run, {rounds} rounds, 1 KB updates")
    print("| server | requests/s (median) | p50 / p95 ms |\n| --- | --- | --- |")
    medians = {}
    for name, runs in results.items():
        rate = statistics.median(r[0] for r in runs)
        medians[name] = rate
        p50 = statistics.median(r[1] for r in runs)
        p95 = statistics.median(r[2] for r in runs)
        print(f"| {name} | {rate:.0f} | {p50:.2f} / {p95:.2f} |")
    ratio = medians["new"] / medians["old"]
    verdict = "ok" if ratio >= 0.95 else "SLOWER"
    print(f"new / old throughput: {ratio:.2f} (target: not slower) {verdict}")
    return 0 if ratio >= 0.95 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.clients, args.seconds, args.rounds)))

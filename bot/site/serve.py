"""Serve a built site folder over HTTP (`outreach-bot site serve`), read-only and strict:
GET and HEAD only, nothing outside the folder, the same limits as the webhook."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path

from bot.web.http_server import HttpServer, Limits, Request, Response

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".json": "application/json"}


class StaticSite:
    def __init__(self, root: Path, prefix: str = "/") -> None:
        self.root = root.resolve()
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"

    def gate(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, b"", "text/plain")
        if request.headers.get("content-length", "0") != "0":
            return Response(400, b"", "text/plain")
        return None

    def file_for(self, path: str) -> Path | None:
        """The file a URL path names, or None (unknown, or outside the folder)."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return None
        relative = path[len(self.prefix) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    async def handle(self, request: Request) -> Response:
        found = self.file_for(request.path)
        if found is None:
            return Response(404, "Không có trang này.".encode(), "text/plain; charset=utf-8")
        kind = TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0]
        body = await asyncio.to_thread(found.read_bytes)
        return Response(
            200, b"" if request.method == "HEAD" else body, kind or "application/octet-stream"
        )


async def serve_folder(root: Path, host: str, port: int, stop: asyncio.Event) -> None:
    site = StaticSite(root)
    server = HttpServer(site.handle, Limits(max_body=0, idle_timeout=30.0), site.gate)
    bound = await server.start(host, port)
    print(f"Serving {root} at http://{host}:{bound}/ (Ctrl-C stops)", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()

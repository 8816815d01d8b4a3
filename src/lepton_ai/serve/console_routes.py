"""The web console at ``/ui``: three packaged files, no CDN, no build step.

The page is static; everything it shows comes from the API it sits beside. It reads
``/openapi.json`` to list the tasks and build their option forms, and calls the same
``/v1`` routes (with the same validation and API keys) as any client. The files need
no key (they hold no data); the calls they make do.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

router = APIRouter(include_in_schema=False)

CONSOLE = Path(__file__).resolve().parent / "console"
#: The files the page loads, with their media types; nothing else is served.
FILES = {"index.html": "text/html; charset=utf-8",
         "console.js": "text/javascript; charset=utf-8",
         "console.css": "text/css; charset=utf-8"}
#: Paths that answer without an API key.
CONSOLE_PATHS = frozenset({"/ui", "/ui/", *(f"/ui/{name}" for name in FILES)})


@router.get("/ui")
async def console_page() -> FileResponse:
    return _file("index.html")


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/ui")


@router.get("/ui/{name}")
async def console_file(name: str) -> FileResponse:
    if name not in FILES:  # a fixed list: no path from the request reaches the disk
        raise HTTPException(404, f"The console has no file {name!r}: open /ui.")
    return _file(name)


def _file(name: str) -> FileResponse:
    return FileResponse(CONSOLE / name, media_type=FILES[name],
                        headers={"Cache-Control": "no-cache"})

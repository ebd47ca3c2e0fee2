"""``GET /``: the workspace the token belongs to."""

from __future__ import annotations

from ..call import Call
from ..routing import Answer, route
from ..state import Workspace


@route("GET", "/", "getWorkspace")
def get_workspace(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"workspace": {"id": ws.id, "slug": ws.slug, "name": ws.name}}}

"""A local, faithful emulator of the Segment Public API (aiohttp.web), the project's "stripe-mock".

It serves every operation the component calls, plus ``GET /``, ``POST /warehouses`` and
``GET /roles``, with the live API's (73.2.0) paths, envelopes, status codes, pagination, bearer
auth, media types and rate limits, over a seeded demo workspace (see :mod:`.demo`).

    async with running_emulator() as emu:          # a free loopback port
        url, token = emu.url, emu.api_key
        emu.faults.inject(method="GET", path="/sources/*", status=503, times=2)

``python -m component.emulator --port 8787 [--seed N] [--no-rate-limits]`` serves from a shell.
This package imports only aiohttp and the standard library, never the component's client.
"""

from .app import RecordedRequest
from .demo import DEMO_API_KEY, DEMO_IDS, DEMO_SUBDOMAIN, build_demo_workspace, build_workspace
from .errors import ApiError
from .faults import Fault, FaultInjector
from .ratelimit import DEFAULT_PER_MINUTE, OPERATION_LIMITS, RateLimiter
from .server import Emulator, running_emulator, serve
from .state import MASK, Workspace

__all__ = [
    "DEFAULT_PER_MINUTE",
    "DEMO_API_KEY",
    "DEMO_IDS",
    "DEMO_SUBDOMAIN",
    "MASK",
    "OPERATION_LIMITS",
    "ApiError",
    "Emulator",
    "Fault",
    "FaultInjector",
    "RateLimiter",
    "RecordedRequest",
    "Workspace",
    "build_demo_workspace",
    "build_workspace",
    "running_emulator",
    "serve",
]

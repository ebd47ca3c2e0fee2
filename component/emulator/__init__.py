"""A local, faithful emulator of the Segment Public API (aiohttp.web), the project's "stripe-mock".

It serves every operation the component calls, plus ``GET /``, ``POST /warehouses`` and
``GET /roles``, with the live API's (73.2.0) paths, envelopes, status codes, pagination, bearer
auth, media types and rate limits, over a seeded demo workspace (see :mod:`.demo`).

    async with running_emulator() as emu:          # a free loopback port
        url, token = emu.url, emu.api_key
        emu.faults.inject(method="GET", path="/sources/*", status=503, times=2)

``python -m component.emulator --port 8787 [--seed N] [--no-rate-limits] [--state FILE]`` serves
from a shell. This package imports only aiohttp and the standard library, never the component's
client.

Layout: :mod:`.app` is the HTTP layer (auth, faults, recording, negotiation in :mod:`.media`,
rollback of failed writes), :mod:`.routing` matches paths to the operations that
:mod:`.resources` declares (one module per resource), :mod:`.call` reads bodies, limits and pages,
:mod:`.state` holds the workspace, :mod:`.demo` loads the demo workspace from its JSON file, and
:mod:`.server` runs it all (and keeps the state in a file when asked).
"""

from .demo import DEMO_API_KEY, DEMO_IDS, DEMO_SUBDOMAIN, build_demo_workspace, build_workspace
from .errors import ApiError, StateFileError
from .faults import Fault, FaultInjector
from .ratelimit import DEFAULT_PER_MINUTE, OPERATION_LIMITS, RateLimiter
from .recording import RecordedRequest
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
    "StateFileError",
    "Workspace",
    "build_demo_workspace",
    "build_workspace",
    "running_emulator",
    "serve",
]

"""``python -m component.emulator``: serve the emulator from a shell."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .demo import DEMO_API_KEY
from .server import serve_from_shell


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m component.emulator", description="Serve a local Segment Public API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", default="8787", help="port; 0 picks a free one (default 8787)")
    parser.add_argument("--seed", default=None, metavar="N", help="add N sources, destinations and catalog entries")
    parser.add_argument("--state", metavar="FILE", default=None, help="keep the workspace in FILE across restarts")
    parser.add_argument("--no-rate-limits", action="store_true", help="never answer 429; send no limit headers")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="TOKEN",
        help=f"accepted bearer token, repeatable (default {DEMO_API_KEY})",
    )
    args = parser.parse_args(argv)
    return serve_from_shell(
        args.host,
        args.port,
        args.seed,
        rate_limits=not args.no_rate_limits,
        api_keys=args.api_keys or (DEMO_API_KEY,),
        state_file=args.state,
    )


if __name__ == "__main__":
    raise SystemExit(main())

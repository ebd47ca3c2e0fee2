"""The terminal harness: `segment-component` (also `python -m component`).

    segment-component list                       every handler, one a line, with its label
    segment-component describe KEY               its inputs (JSON Schema) and example payload
    segment-component run KEY [--input JSON|@FILE] [--set key=value ...] [--debug] [--emulator]
    segment-component manifest [--check|--write] print manifest.json, check it, or regenerate it
    segment-component fixtures [--check]         regenerate (or check) the example payloads
    segment-component emulator [--host H] [--port P] [--seed N] [--no-rate-limits]
    segment-component check-connection          test the connection (GET /, workspace slug)
    segment-component export [-o FILE]           the workspace as a snapshot file (workspace as code)
    segment-component diff A B [--json]          two workspaces or snapshots (live, env:PREFIX, FILE)
    segment-component plan FILE [--prune]        what apply would do to make the workspace match FILE
    segment-component apply FILE [--prune] [--dry-run] [--secrets FILE]

The connection comes from SEGMENT_API_KEY, SEGMENT_SUBDOMAIN, SEGMENT_REGION and
SEGMENT_API_BASE_URL. With no API key, `run` and `check-connection` start the built-in emulator
and say so on stderr. Results go to stdout as JSON; errors to stderr as one line, with exit code 2
for bad input and 1 for an API or network failure.

`list` and `--help` read the generated handler index and import neither pydantic nor aiohttp, so
they answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
INDEX_PATH = PACKAGE_DIR / "handlers.json"
MANIFEST_PATH = PROJECT_DIR / "manifest.json"

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {message}\n")
    return code


# --- list -----------------------------------------------------------------------------------------


def cmd_list(_: argparse.Namespace) -> int:
    try:
        index = json.loads(INDEX_PATH.read_text())
    except FileNotFoundError:
        from component.manifest import handler_index

        index = handler_index()
    width = max(len(entry["key"]) for entry in index)
    for entry in index:
        kind = "action" if entry["kind"] == "action" else "picklist"
        sys.stdout.write(f"{entry['key']:<{width}}  {kind:<8}  {entry['label']}\n")
    return EXIT_OK


# --- describe, manifest, fixtures -----------------------------------------------------------------


def cmd_describe(args: argparse.Namespace) -> int:
    from component import segment
    from component.segment.errors import InputError

    try:
        handler = segment.component.get(args.key)
    except InputError as exc:
        return _fail(str(exc), EXIT_INPUT)
    description = handler.describe()
    fixture = PROJECT_DIR / handler.fixture_path
    description["examplePayload"] = json.loads(fixture.read_text()) if fixture.exists() else None
    _print_json(description)
    return EXIT_OK


def cmd_manifest(args: argparse.Namespace) -> int:
    from component.manifest import check, render, write

    if args.check:
        problems = check(MANIFEST_PATH, INDEX_PATH)
        for problem in problems:
            sys.stderr.write(f"error: {problem}\n")
        return EXIT_FAILURE if problems else EXIT_OK
    if args.write:
        write(MANIFEST_PATH, INDEX_PATH)
        sys.stderr.write(f"wrote {MANIFEST_PATH.name} and {INDEX_PATH.relative_to(PROJECT_DIR)}\n")
        return EXIT_OK
    sys.stdout.write(render())
    return EXIT_OK


def cmd_fixtures(args: argparse.Namespace) -> int:
    import asyncio

    from component.fixtures import regenerate

    problems = asyncio.run(regenerate(PROJECT_DIR, check_only=args.check))
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")
    return EXIT_FAILURE if problems else EXIT_OK


# --- run, check-connection --------------------------------------------------------------------------


def _parse_inputs(args: argparse.Namespace) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    if args.input:
        text = Path(args.input[1:]).read_text() if args.input.startswith("@") else args.input
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--input is not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(loaded, dict):
            raise ValueError("--input must be a JSON object")
        inputs.update(loaded)
    for pair in args.set or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set takes key=value, got {key or pair!r}")
        inputs[key] = value  # text, read as the input's type by the runtime's lax rules
    return inputs


async def _with_connection(
    use_emulator: bool, call: Callable[[dict[str, Any]], Awaitable[Any]]
) -> Any:
    """Run `call` with the environment's connection, or against the built-in emulator."""
    from component import segment
    from component.segment.environment import host_connection

    try:
        async with host_connection(use_emulator) as host:
            if host.note:
                sys.stderr.write(f"note: {host.note}\n")
            return await call(host.connection)
    finally:
        await segment.aclose()


def _run_async(main: Callable[[], Coroutine[Any, Any, Any]]) -> int:
    """Run, print the result, and turn every failure into one line and an exit code."""
    import asyncio

    from component.framework.debug import secrets
    from component.segment.errors import InputError, SegmentError

    try:
        result: Any = asyncio.run(main())
    except InputError as exc:
        return _fail(str(exc), EXIT_INPUT)
    except SegmentError as exc:
        return _fail(str(exc), EXIT_FAILURE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_FAILURE)
    except Exception as exc:  # never a bare traceback, and never a secret
        return _fail(secrets.redact(f"unexpected {type(exc).__name__}: {exc}"), EXIT_FAILURE)
    _print_json(result)
    return EXIT_OK


def _enable_debug_logging() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("debug: %(message)s"))
    logger = logging.getLogger("component")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def cmd_run(args: argparse.Namespace) -> int:
    try:
        inputs = _parse_inputs(args)
    except (OSError, ValueError) as exc:
        return _fail(str(exc), EXIT_INPUT)
    from component.segment.environment import env_region

    region = env_region()
    if region and "region" not in inputs:
        inputs["region"] = region
    if args.debug:
        _enable_debug_logging()

    async def main() -> Any:
        from component import segment

        return await _with_connection(
            args.emulator,
            lambda connection: segment.invoke(args.key, inputs, connection=connection, debug=args.debug),
        )

    return _run_async(main)


def cmd_check_connection(args: argparse.Namespace) -> int:
    if args.debug:
        _enable_debug_logging()
    from component.segment.environment import env_region

    region = env_region()

    async def main() -> Any:
        from component import segment

        return await _with_connection(
            args.emulator,
            lambda connection: segment.test_connection(connection, debug=args.debug, region=region),
        )

    return _run_async(main)


# --- emulator -----------------------------------------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> int:
    from component.emulator import serve

    serve(host=args.host, port=args.port, seed=args.seed, rate_limits=not args.no_rate_limits)
    return EXIT_OK


# --- workspace as code: export, diff, plan, apply ------------------------------------------------------


def cmd_workspace(args: argparse.Namespace) -> int:
    from component.workspace.commands import run_command

    return run_command(args)


def _add_workspace_commands(commands: Any) -> None:
    emulator_help = "use the built-in emulator even with a token"
    export = commands.add_parser("export", help="write the workspace as a snapshot (JSON)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    diff = commands.add_parser("diff", help="compare two sides: live, env:PREFIX, a connection file or a snapshot")
    diff.add_argument("a")
    diff.add_argument("b")
    diff.add_argument("--json", action="store_true", help="the differences as JSON")
    plan = commands.add_parser("plan", help="the operations that would make the workspace match FILE")
    plan.add_argument("file")
    plan.add_argument("--json", action="store_true", help="the operations as JSON")
    apply = commands.add_parser("apply", help="make the workspace match FILE")
    apply.add_argument("file")
    apply.add_argument("--dry-run", action="store_true", help="apply to a throwaway emulator seeded from the live one")
    apply.add_argument("--secrets", metavar="FILE", help="values of $secret references (JSON or NAME=VALUE lines)")
    for parser in (plan, apply):
        parser.add_argument("--prune", action="store_true", help="also delete what FILE does not hold")
    for parser in (export, diff, plan, apply):
        parser.add_argument("--emulator", action="store_true", help=emulator_help)
        parser.set_defaults(func=cmd_workspace)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segment-component",
        description="Run the Segment component's actions and picklists from a terminal.",
        epilog="Connection: SEGMENT_API_KEY, SEGMENT_SUBDOMAIN, SEGMENT_REGION (api|eu1.api), "
        "SEGMENT_API_BASE_URL. Without an API key, run uses the built-in emulator.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("list", help="every handler, one a line").set_defaults(func=cmd_list)

    describe = commands.add_parser("describe", help="a handler's inputs and example payload")
    describe.add_argument("key")
    describe.set_defaults(func=cmd_describe)

    run = commands.add_parser("run", help="invoke an action or picklist")
    run.add_argument("key")
    run.add_argument("--input", help="inputs as a JSON object, or @FILE to read them from a file")
    run.add_argument("--set", action="append", metavar="KEY=VALUE", help="one input (repeatable)")
    run.add_argument("--debug", action="store_true", help="log each HTTP call on stderr")
    run.add_argument("--emulator", action="store_true", help="use the built-in emulator even with a token")
    run.set_defaults(func=cmd_run)

    manifest = commands.add_parser("manifest", help="print manifest.json (or --check / --write it)")
    mode = manifest.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail when manifest.json is stale")
    mode.add_argument("--write", action="store_true", help="regenerate manifest.json and the handler index")
    manifest.set_defaults(func=cmd_manifest)

    fixtures = commands.add_parser("fixtures", help="regenerate the example payloads against the emulator")
    fixtures.add_argument("--check", action="store_true", help="fail when any is stale or missing")
    fixtures.set_defaults(func=cmd_fixtures)

    emulator = commands.add_parser("emulator", help="serve the local Segment Public API emulator")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8787)
    emulator.add_argument("--seed", type=int, default=None, help="build a large workspace of N items")
    emulator.add_argument("--no-rate-limits", action="store_true", help="turn the rate limits off")
    emulator.set_defaults(func=cmd_emulator)

    check = commands.add_parser("check-connection", help="test the connection (GET /)")
    check.add_argument("--debug", action="store_true")
    check.add_argument("--emulator", action="store_true")
    check.set_defaults(func=cmd_check_connection)
    _add_workspace_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

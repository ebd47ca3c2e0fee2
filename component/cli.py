"""The terminal harness: `segment-component` (also `python -m component`).

    segment-component list                       every handler, one a line, with its label
    segment-component describe KEY               its inputs (JSON Schema) and example payload
    segment-component run KEY [--input JSON|@FILE|@-] [--set key=value ...] [--debug] [--emulator]
    segment-component manifest [--check|--write] print manifest.json, check it, or regenerate it
    segment-component fixtures [--check]         regenerate (or check) the example payloads
    segment-component emulator [--host H] [--port P] [--seed N] [--no-rate-limits] [--state FILE]
    segment-component check-connection          test the connection (GET /, workspace slug)
    segment-component mcp [--read-only|--allow-writes] [--emulator] [--http PORT]   an MCP server
    segment-component serve [--host H] [--port P] [--emulator] [--allow-remote]
                                                 the configuration screen in a browser
    segment-component export [-o FILE]           the workspace as a snapshot file (workspace as code)
    segment-component diff A B [--json]          two workspaces or snapshots (live, env:PREFIX, FILE)
    segment-component plan FILE [--prune]        what apply would do to make the workspace match FILE
    segment-component apply FILE [--prune] [--dry-run] [--secrets FILE]

The connection comes from SEGMENT_API_KEY, SEGMENT_SUBDOMAIN, SEGMENT_REGION and
SEGMENT_API_BASE_URL. With no API key, `run` and `check-connection` use the server at
SEGMENT_API_BASE_URL with the emulator's demo credentials, or else start the built-in emulator
(its workspace kept between commands; `--reset-emulator` starts it again), and say so on stderr.
Results go to stdout as JSON; errors to stderr as one line, with exit code 2 for bad input, 1 for
an API or network failure and 130 when interrupted (Ctrl-C). A reader that closes the pipe early
(`| head -1`) ends the program quietly with 141, as SIGPIPE ends a Unix tool.
When stderr is a terminal, waits (rate limits, retries) and long page walks show progress there.

`list` and `--help` read the generated handler index and import neither pydantic nor aiohttp, so
they answer at once. A plain `run KEY [--input ...] [--set ...] [flags]` is read without building
argparse's parser for every subcommand (see `_run_arguments`); anything else goes through argparse.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from component import console
from component.paths import DATA_DIR, INDEX_PATH, MANIFEST_PATH

if TYPE_CHECKING:
    import argparse

    from component.segment.environment import HostConnection

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2
#: The shell's codes for a program ended by SIGINT (Ctrl-C) and by SIGPIPE (a reader that left).
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141
DISTRIBUTION = "segment-component"


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {message}\n")
    return code


def _discard_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a reader that left (or for a write that
    Ctrl-C interrupted) would fail, or block, again when Python flushes it at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to flush
        pass


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        from component import __version__

        return __version__


@contextmanager
def _progress_on_stderr() -> Iterator[None]:
    """Show waits and page walks on stderr while the block runs, when stderr is a terminal: a pipe
    or a log file gets nothing, and stdout (the result) never does."""
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield
        return
    from component.framework.progress import TerminalReporter, reporting

    reporter = TerminalReporter(sys.stderr)
    try:
        with reporting(reporter):
            yield
    finally:
        reporter.close()  # clears the status line before the result or the error is written


#: The environment variable behind each input the CLI fills from the environment.
_VARIABLES = {
    "connection.apiKey": "SEGMENT_API_KEY",
    "connection.subdomain": "SEGMENT_SUBDOMAIN",
    "connection.baseUrl": "SEGMENT_API_BASE_URL",
    "region": "SEGMENT_REGION",
}


def _variables_behind(fields: Sequence[str]) -> str:
    """For an input error about values the environment gave: which variables to change."""
    names = [_VARIABLES[field] for field in fields if field in _VARIABLES and os.environ.get(_VARIABLES[field])]
    return f" (set by {', '.join('$' + name for name in dict.fromkeys(names))})" if names else ""


def _check_environment(use_emulator: bool) -> None:
    """Refuse, before anything starts, an environment the run cannot use; names the variable."""
    from component.segment.client import pool

    if (
        not use_emulator
        and os.environ.get("SEGMENT_API_KEY", "").strip()
        and not os.environ.get("SEGMENT_SUBDOMAIN", "").strip()
    ):
        raise ValueError(
            "SEGMENT_SUBDOMAIN is not set: set it to the workspace slug (app.segment.com/<slug>) "
            "that SEGMENT_API_KEY belongs to"
        )
    pool.max_concurrency  # noqa: B018 -- reads $SEGMENT_MAX_CONCURRENCY, so a bad value is refused now


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
        console.write(f"{entry['key']:<{width}}  {kind:<8}  {entry['label']}\n")
    return EXIT_OK


# --- describe, manifest, fixtures -----------------------------------------------------------------


def cmd_describe(args: argparse.Namespace) -> int:
    from component import segment
    from component.framework.fixtures import read_example
    from component.segment.errors import InputError

    try:
        handler = segment.component.get(args.key)
    except InputError as exc:
        return _fail(str(exc), EXIT_INPUT)
    description = handler.describe()
    description["examplePayload"] = read_example(DATA_DIR, handler.fixture_path)
    console.print_json(description)
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
        sys.stderr.write(f"wrote {MANIFEST_PATH} and {INDEX_PATH}\n")
        return EXIT_OK
    sys.stdout.write(render())
    return EXIT_OK


def cmd_fixtures(args: argparse.Namespace) -> int:
    import asyncio

    from component.fixtures import regenerate
    from component.segment.errors import SegmentError

    try:
        problems = asyncio.run(regenerate(DATA_DIR, check_only=args.check))
    except SegmentError as exc:  # an example that no longer runs: one line, as for `run`
        return _fail(f"an example payload could not be made: {exc}", EXIT_FAILURE)
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")
    return EXIT_FAILURE if problems else EXIT_OK


# --- run, check-connection --------------------------------------------------------------------------


def _parse_inputs(args: argparse.Namespace) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    if args.input:
        text = _read_input(args.input)
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


def _read_input(option: str) -> str:
    """--input's text: JSON itself, @FILE, or @- for standard input."""
    if not option.startswith("@"):
        return option
    name = option[1:]
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"--input: {'standard input' if name == '-' else name} is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"--input: cannot read {name or '(no file name)'}: {exc.strerror or exc}") from None


async def _with_connection(
    use_emulator: bool, call: Callable[[dict[str, Any]], Awaitable[Any]], *, reset_emulator: bool = False
) -> Any:
    """Run `call` with the environment's connection, or against the built-in emulator."""
    from component import segment
    from component.segment.environment import host_connection

    try:
        async with host_connection(use_emulator, reset_emulator=reset_emulator) as host:
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

    async def quiet_when_interrupted() -> Any:
        # Ctrl-C cancels the call; callbacks of sockets it left half-open may still fail as the
        # loop shuts down, and asyncio would log each with a traceback. After an interrupt the one
        # line "interrupted" is all there is to say.
        loop = asyncio.get_running_loop()
        try:
            return await main()
        except asyncio.CancelledError:
            loop.set_exception_handler(lambda _loop, _context: None)
            raise

    try:
        with _progress_on_stderr():
            result: Any = asyncio.run(quiet_when_interrupted())
    except InputError as exc:
        return _fail(str(exc) + _variables_behind(exc.fields), EXIT_INPUT)
    except SegmentError as exc:
        return _fail(str(exc), EXIT_FAILURE)
    except Exception as exc:  # never a bare traceback, and never a secret
        return _fail(secrets.redact(f"unexpected {type(exc).__name__}: {exc}"), EXIT_FAILURE)
    console.print_json(result)
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
        _check_environment(args.emulator)
        inputs = _parse_inputs(args)
    except ValueError as exc:  # InputError included
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
            reset_emulator=args.reset_emulator,
        )

    return _run_async(main)


def cmd_check_connection(args: argparse.Namespace) -> int:
    try:
        _check_environment(args.emulator)
    except ValueError as exc:  # InputError included
        return _fail(str(exc), EXIT_INPUT)
    if args.debug:
        _enable_debug_logging()
    from component.segment.environment import env_region

    region = env_region()

    async def main() -> Any:
        from component import segment

        return await _with_connection(
            args.emulator,
            lambda connection: segment.test_connection(connection, debug=args.debug, region=region),
            reset_emulator=args.reset_emulator,
        )

    return _run_async(main)


# --- emulator -----------------------------------------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> int:
    from component.emulator.server import serve_from_shell

    return serve_from_shell(args.host, args.port, args.seed, rate_limits=not args.no_rate_limits, state_file=args.state)


_RESET_HELP = "start the built-in emulator's saved workspace again from the demo workspace"


def _serve_with_connection(
    use_emulator: bool, serve: Callable[[HostConnection, dict[str, Any]], Awaitable[None]]
) -> int:
    """Run a long-lived host with the environment's connection (or the built-in emulator) until it
    stops or Ctrl-C; `serve(host, default_inputs)` gets the connection and the inputs every call
    takes from the environment (the region)."""
    import asyncio

    async def main() -> None:
        from component import segment
        from component.segment.environment import env_region, host_connection

        region = env_region()
        try:
            async with host_connection(use_emulator) as host:
                if host.note:
                    sys.stderr.write(f"note: {host.note}\n")
                await serve(host, {"region": region} if region else {})
        finally:
            await segment.aclose()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK


# --- mcp ------------------------------------------------------------------------------------------------


def cmd_mcp(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("mcp") is None:
        return _fail("the MCP server needs the MCP SDK: pip install 'segment-component[mcp]'", EXIT_FAILURE)

    async def serve(host: HostConnection, default_inputs: dict[str, Any]) -> None:
        from component import segment
        from component.hosts.mcp import McpHost, serve_http, serve_stdio
        from component.segment.methods import HTTP_METHODS

        server = McpHost(
            segment,
            host.connection,
            methods=HTTP_METHODS,
            read_only=args.read_only,
            allow_writes=args.allow_writes,
            note=host.note,
            default_inputs=default_inputs,
            examples_dir=DATA_DIR,
        )
        if args.http is None:
            await serve_stdio(server)
        else:
            sys.stderr.write(f"note: serving MCP at http://127.0.0.1:{args.http}/mcp\n")
            await serve_http(server, args.http)

    return _serve_with_connection(args.emulator, serve)


# --- serve ---------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from component.hosts.web.server import is_loopback

    if not is_loopback(args.host):
        if not args.allow_remote:
            return _fail(
                f"--host {args.host} is not a loopback address: the server holds the API token, "
                "so serving it to the network needs --allow-remote",
                EXIT_INPUT,
            )
        sys.stderr.write(
            f"warning: serving on {args.host}: anyone who can reach this port can run every "
            "handler with the server's connection\n"
        )

    async def serve(host: HostConnection, default_inputs: dict[str, Any]) -> None:
        from component import segment
        from component.hosts.web.server import serve as serve_web

        await serve_web(
            segment,
            bind=args.host,
            port=args.port,
            connection=host.connection,
            emulator_url=host.emulator_url,
            note=host.note,
            examples_dir=DATA_DIR,
            default_inputs=default_inputs or None,
        )

    try:
        return _serve_with_connection(args.emulator, serve)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        return _fail(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", EXIT_FAILURE)


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


def _version_action() -> type[argparse.Action]:
    """--version, reading the installed distribution's metadata only when asked (it costs an import)."""
    import argparse

    class VersionAction(argparse.Action):
        def __init__(
            self,
            option_strings: Sequence[str],
            dest: str = argparse.SUPPRESS,
            default: Any = argparse.SUPPRESS,
            help: str | None = None,
        ) -> None:
            super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

        def __call__(
            self,
            parser: argparse.ArgumentParser,
            namespace: argparse.Namespace,
            values: Any,
            option_string: str | None = None,
        ) -> None:
            sys.stdout.write(f"{DISTRIBUTION} {_version()}\n")
            parser.exit()

    return VersionAction


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="segment-component",
        description="Run the Segment component's actions and picklists from a terminal.",
        epilog="Connection: SEGMENT_API_KEY, SEGMENT_SUBDOMAIN, SEGMENT_REGION (api|eu1.api), "
        "SEGMENT_API_BASE_URL. Without an API key, run uses the server at SEGMENT_API_BASE_URL with the "
        "emulator's demo credentials, or else the built-in emulator (its state kept between commands).",
    )
    parser.add_argument("--version", action=_version_action(), help="print the installed version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("list", help="every handler, one a line").set_defaults(func=cmd_list)

    describe = commands.add_parser("describe", help="a handler's inputs and example payload")
    describe.add_argument("key")
    describe.set_defaults(func=cmd_describe)

    run = commands.add_parser("run", help="invoke an action or picklist")
    run.add_argument("key")
    run.add_argument("--input", help="inputs as a JSON object, @FILE to read them from a file, or @- from stdin")
    run.add_argument("--set", action="append", metavar="KEY=VALUE", help="one input (repeatable)")
    run.add_argument("--debug", action="store_true", help="log each HTTP call on stderr")
    run.add_argument("--emulator", action="store_true", help="use the built-in emulator even with a token")
    run.add_argument("--reset-emulator", action="store_true", help=_RESET_HELP)
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
    emulator.add_argument("--port", default="8787", help="0 picks a free port (checked by the emulator)")
    emulator.add_argument("--seed", default=None, help="build a large workspace of N items")
    emulator.add_argument("--no-rate-limits", action="store_true", help="turn the rate limits off")
    emulator.add_argument("--state", metavar="FILE", help="keep the workspace in FILE across restarts")
    emulator.set_defaults(func=cmd_emulator)

    check = commands.add_parser("check-connection", help="test the connection (GET /)")
    check.add_argument("--debug", action="store_true")
    check.add_argument("--emulator", action="store_true")
    check.add_argument("--reset-emulator", action="store_true", help=_RESET_HELP)
    check.set_defaults(func=cmd_check_connection)

    mcp = commands.add_parser("mcp", help="serve every handler as an MCP tool over stdio (safe by default)")
    writes = mcp.add_mutually_exclusive_group()
    writes.add_argument("--read-only", action="store_true", help="offer only the tools that read")
    writes.add_argument("--allow-writes", action="store_true", help="send writes (default: answer with a preview)")
    mcp.add_argument("--emulator", action="store_true", help="use the built-in emulator even with a token")
    mcp.add_argument("--http", type=int, metavar="PORT", help="serve streamable HTTP on 127.0.0.1:PORT, not stdio")
    mcp.set_defaults(func=cmd_mcp)

    serve = commands.add_parser("serve", help="the configuration screen: forms and live picklists in a browser")
    serve.add_argument("--host", default="127.0.0.1", help="the address to bind (loopback by default)")
    serve.add_argument("--port", type=int, default=8788)
    serve.add_argument("--emulator", action="store_true", help="use the built-in emulator even with a token")
    serve.add_argument("--allow-remote", action="store_true", help="allow a --host that is not loopback")
    serve.set_defaults(func=cmd_serve)

    _add_workspace_commands(commands)
    return parser


#: `run`'s options that take no value, and those that take one (`--set` repeatable), as argparse
#: declares them in `build_parser`.
_RUN_FLAGS = {"--debug": "debug", "--emulator": "emulator", "--reset-emulator": "reset_emulator"}
_RUN_VALUES = ("--input", "--set")


def _run_arguments(argv: Sequence[str]) -> SimpleNamespace | None:
    """`run`'s arguments read by hand, or None when argparse must read them.

    Building argparse's parser for every subcommand costs more than the rest of the command line
    work of a `run`, which is the command a host starts once per call. Only the plain form is read
    here: `run KEY` then the options spelled out in full (`--set k=v`, `--set=k=v`, the flags).
    Anything else (an abbreviation, --help, a value that looks like an option, a missing value,
    an extra word) goes to argparse, which reads it, or refuses it, exactly as before."""
    if len(argv) < 2 or argv[0] != "run" or argv[1].startswith("-"):
        return None
    args = SimpleNamespace(
        command="run",
        key=argv[1],
        input=None,
        set=None,
        debug=False,
        emulator=False,
        reset_emulator=False,
        func=cmd_run,
    )
    rest = iter(argv[2:])
    for word in rest:
        name, equals, value = word.partition("=")
        if word in _RUN_FLAGS:
            setattr(args, _RUN_FLAGS[word], True)
            continue
        if name not in _RUN_VALUES:
            return None
        if not equals:
            following = next(rest, None)
            if following is None or following.startswith("-"):  # argparse says what is missing
                return None
            value = following
        if name == "--set":
            args.set = [*(args.set or ()), value]
        else:
            args.input = value
    return args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            words = sys.argv[1:] if argv is None else list(argv)
            args: Any = _run_arguments(words) or build_parser().parse_args(words)
        except SystemExit:
            sys.stdout.flush()  # --help or --version into a closed pipe fails here, not at exit
            raise
        code: int = args.func(args)
        sys.stdout.flush()  # a reader that closed early shows here, where it is handled
        return code
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # during the call (asyncio.run re-raises it) or while the result is written
        _discard_stdout()
        return _fail("interrupted", EXIT_INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

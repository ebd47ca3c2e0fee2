"""The CLI's workspace commands: export, diff, plan and apply (`segment-component --help`).

A live side is `live` (the environment's connection: SEGMENT_API_KEY and the rest, or the
built-in emulator when no token is set or `--emulator` is given), `env:PREFIX` (another
workspace, from PREFIX + SEGMENT_API_KEY, PREFIX + SEGMENT_SUBDOMAIN, PREFIX + SEGMENT_REGION
and PREFIX + SEGMENT_API_BASE_URL) or a connection file (a JSON object with apiKey, subdomain and
optionally baseUrl and region). Any other argument is a snapshot file.

Results go to stdout, progress and notes to stderr. `diff` exits 0 when equal, 1 when not, 2 on
trouble (like diff); the others exit 0, 1 on an API or network failure and 2 on bad input.
"""

from __future__ import annotations

import json
import os
import sys
from collections import ChainMap
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from component import console
from component.segment.errors import InputError
from component.workspace.export import Invoke
from component.workspace.model import Snapshot, check, dumps, load

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2


def note(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def invoker(connection: Mapping[str, Any], region: str | None) -> Invoke:
    """Runs the component's actions with one connection (and region), through `segment.invoke`."""
    from component import segment

    async def invoke(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if region and "region" not in inputs:
            inputs = {**inputs, "region": region}
        return await segment.invoke(key, inputs, connection=connection)

    return invoke


def _prefixed(prefix: str) -> dict[str, str]:
    return {k[len(prefix) :]: v for k, v in os.environ.items() if k.startswith(prefix)}


def _connection_file(path: Path, data: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    allowed = {"apiKey", "subdomain", "baseUrl", "region"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError.single(
            f"{path}.{unknown[0]}", "is not a connection field (apiKey, subdomain, baseUrl, region)"
        )
    region = data.get("region")
    return {k: v for k, v in data.items() if k != "region"}, region if isinstance(region, str) else None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except OSError as exc:
        raise InputError.single(str(path), f"is not 'live', 'env:PREFIX' or a readable file ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise InputError.single(str(path), f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _write(path: str, text: str) -> None:
    Path(path).write_text(text)


@asynccontextmanager
async def side(spec: str, use_emulator: bool) -> AsyncIterator[tuple[Invoke | None, Snapshot | None]]:
    """A diff side: (invoke, None) for a live workspace, (None, snapshot) for a snapshot file."""
    from component.segment.environment import env_connection, env_region, host_connection

    if spec == "live":
        async with host_connection(use_emulator) as host:
            if host.note:
                note(f"note: {host.note}")
            yield invoker(host.connection, None if host.emulator_url else env_region()), None
        return
    if spec.startswith("env:"):
        prefix = spec[4:]
        environ = _prefixed(prefix)
        connection = env_connection(environ)
        if not prefix or connection is None:
            raise InputError.single(spec, f"{prefix}SEGMENT_API_KEY is not set in the environment")
        yield invoker(connection, env_region(environ)), None
        return
    path = Path(spec)
    data = _read_json(path)
    if isinstance(data, dict) and "apiKey" in data and "formatVersion" not in data:
        connection, region = _connection_file(path, data)
        yield invoker(connection, region), None
        return
    yield None, check(data, spec)


async def _snapshot_of(invoke: Invoke | None, snapshot: Snapshot | None) -> Snapshot:
    from component.workspace.export import export_workspace

    if snapshot is not None:
        return snapshot
    assert invoke is not None
    return (await export_workspace(invoke)).snapshot


def load_secrets(path: str | None) -> Mapping[str, str]:
    """The secrets file's values (JSON object, or NAME=VALUE lines) over the environment's."""
    values: dict[str, str] = {}
    if path:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise InputError.single("--secrets", f"cannot be read ({exc.strerror})") from None
        stripped = text.lstrip()
        if stripped.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError.single("--secrets", f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
            bad = [k for k, v in data.items() if not isinstance(v, str)]
            if bad:
                raise InputError.single(f"--secrets.{bad[0]}", "must be a string")
            values = dict(data)
        else:
            for number, line in enumerate(text.splitlines(), 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                name, sep, value = line.partition("=")
                if not sep or not name.strip():
                    raise InputError.single(f"--secrets line {number}", "must be NAME=VALUE")
                values[name.strip()] = value.strip()
    return ChainMap(values, dict(os.environ))


async def run_export(output: str | None, use_emulator: bool) -> int:
    from component.workspace.export import export_workspace

    async with side("live", use_emulator) as (invoke, _):
        assert invoke is not None
        result = await export_workspace(invoke)
    text = dumps(result.snapshot)
    if output:
        _write(output, text)
        note(f"wrote {output}")
    else:
        console.write(text)
    if result.secrets:
        note(
            f"{len(result.secrets)} secret reference(s) written (apply reads them from the environment or "
            f"--secrets FILE): {', '.join(result.secrets)}"
        )
    return EXIT_OK


async def run_diff(a: str, b: str, as_json: bool, use_emulator: bool) -> int:
    from component.workspace.diff import compare

    async with side(a, use_emulator) as left, side(b, use_emulator) as right:
        diff = compare(await _snapshot_of(*left), await _snapshot_of(*right))
    if as_json:
        console.print_json(diff.as_json(), sort_keys=True)  # sorted: two runs compare line by line
    else:
        console.write(diff.text())
    return EXIT_OK if diff.equal else EXIT_FAILURE


async def run_plan(file: str, prune: bool, as_json: bool, use_emulator: bool) -> int:
    from component.workspace.apply import plan_snapshot

    wanted = load(file)
    async with side("live", use_emulator) as (invoke, _):
        assert invoke is not None
        plan, _current = await plan_snapshot(invoke, wanted, prune=prune)
    if as_json:
        console.print_json(plan.as_json(), sort_keys=True)
    else:
        console.write(plan.text())
    return EXIT_OK


async def run_apply(file: str, prune: bool, dry_run: bool, secrets_file: str | None, use_emulator: bool) -> int:
    from component.workspace.apply import Applier, apply_snapshot

    wanted = load(file)
    secrets = load_secrets(secrets_file)
    async with side("live", use_emulator) as (invoke, _):
        assert invoke is not None
        if dry_run:
            from component.workspace.dryrun import dry_run as run_dry

            note("dry run: applying to a throwaway emulator seeded from the live workspace")
            result = await run_dry(invoke, wanted, prune=prune, progress=note)
            _print_done(result.outcome.done, result.outcome.plan.left, dry=True)
            console.write("the workspace would then differ from today's by:\n" + (result.changes.text() or "nothing\n"))
            return EXIT_OK
        runner: list[Applier] = []
        try:
            outcome = await apply_snapshot(invoke, wanted, prune=prune, secrets=secrets, progress=note, applier=runner)
        except BaseException:
            if runner and runner[0].done:
                _print_done(runner[0].done, [], dry=False)
                note(
                    "apply stopped part-way: run it again to continue (the plan is recomputed from the "
                    "workspace, so nothing is done twice)"
                )
            raise
    _print_done(outcome.done, outcome.plan.left, dry=False)
    return EXIT_OK


def _print_done(done: list[str], left: list[str], *, dry: bool) -> None:
    would = "would be " if dry else ""
    if not done:
        console.write(f"nothing {would}done: the workspace already matches\n")
    else:
        console.write(f"{len(done)} operation(s) {would}done:\n" + "".join(f"  {d}\n" for d in done))
    if left:
        console.write(f"left as they are ({len(left)}; --prune would remove them):\n")
        console.write("".join(f"  - {item}\n" for item in left))


def run_command(args: Any) -> int:
    """Run `export`, `diff`, `plan` or `apply` from parsed arguments; every failure becomes one
    line on stderr and an exit code (2 for bad input; for diff, 2 for any trouble)."""
    import asyncio

    from component import segment
    from component.framework.debug import secrets
    from component.segment.errors import SegmentError

    emulator = bool(getattr(args, "emulator", False))

    async def work() -> int:
        if args.command == "export":
            return await run_export(args.output, emulator)
        if args.command == "diff":
            return await run_diff(args.a, args.b, args.json, emulator)
        if args.command == "plan":
            return await run_plan(args.file, args.prune, args.json, emulator)
        return await run_apply(args.file, args.prune, args.dry_run, args.secrets, emulator)

    async def main() -> int:
        try:
            return await work()
        finally:
            await segment.aclose()

    failure = EXIT_INPUT if args.command == "diff" else EXIT_FAILURE
    try:
        return asyncio.run(main())
    except InputError as exc:
        message, code = str(exc), EXIT_INPUT
    except SegmentError as exc:
        message, code = str(exc), failure
    except KeyboardInterrupt:
        message, code = "interrupted", failure
    except Exception as exc:  # never a bare traceback, and never a secret
        message, code = secrets.redact(f"unexpected {type(exc).__name__}: {exc}"), failure
    sys.stderr.write(f"error: {message}\n")
    return code

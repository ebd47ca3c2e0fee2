"""The benchmark suite: what users pay for the component, as ratios against raw aiohttp.

    python -m bench            full run (emulator seeded with 100,000 sources); writes bench/REPORT.md
                               and bench/report.json
    python -m bench --smoke    a few iterations of everything, to keep the suite working (CI); writes
                               its report to a temporary folder unless --out is given

Every figure is measured in this run on this machine; nothing is typed in. The emulator runs in
its own process, so the client under test and the server do not share an event loop. Timings run
in paired rounds: each component round next to a baseline round (their order alternating), so a
noisy moment of a shared machine hits both; the ratio is the median of the per-pair ratios, with
their interquartile range (IQR). Beside wall time: the client's CPU per call (`time.process_time`),
gc collections per run, and the gc-tracked objects each in-flight call keeps alive.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_IDS, DEMO_SUBDOMAIN
from component.segment.client import pool
from component.segment.policy import DEFAULT_MAX_CONCURRENCY

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
HEADERS = {"Authorization": f"Bearer {DEMO_API_KEY}", "Accept": "application/vnd.segment.v1+json"}


@dataclass
class Settings:
    seed: int
    calls: int
    repeats: int
    #: Paired rounds of the sequential calls: their runs are short and their ratio's target is
    #: close to what this shared machine's noise moves a 21-pair median by, so they get more pairs
    #: than the long picklist walks.
    call_repeats: int
    concurrency: int
    #: Paired rounds at `concurrency`: the noisiest figure (pairs' IQR ~0.25 wide) and the cheapest
    #: run (~0.2 s), so the most pairs: about ±0.02 on the median at 151.
    concurrency_repeats: int
    process_runs: int
    emulator_seconds: float


FULL = Settings(
    seed=100_000,
    calls=2_000,
    repeats=21,
    call_repeats=51,
    concurrency=50,
    concurrency_repeats=151,
    process_runs=15,
    emulator_seconds=5.0,
)
SMOKE = Settings(
    seed=300,
    calls=50,
    repeats=2,
    call_repeats=2,
    concurrency=10,
    concurrency_repeats=2,
    process_runs=1,
    emulator_seconds=0.5,
)
#: The small workspace of the picklist's linearity check (per-item cost at this size and at `seed`).
SMALL_SEED = 1_000


@dataclass
class Figure:
    name: str
    unit: str
    runs: list[float]
    baseline_runs: list[float] = field(default_factory=list)
    target: str = ""
    note: str = ""
    paired: bool = False
    """Runs and baseline runs were taken in pairs: the ratio is the median of per-pair ratios."""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def baseline(self) -> float | None:
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def pair_ratios(self) -> list[float]:
        if not (self.paired and self.baseline_runs):
            return []
        return [run / base for run, base in zip(self.runs, self.baseline_runs, strict=True) if base]

    @property
    def ratio(self) -> float | None:
        if self.pair_ratios:
            return statistics.median(self.pair_ratios)
        return self.median / self.baseline if self.baseline else None

    @property
    def ratio_iqr(self) -> tuple[float, float] | None:
        ratios = self.pair_ratios
        if len(ratios) < 2:
            return None
        quartiles = statistics.quantiles(ratios, n=4, method="inclusive")
        return quartiles[0], quartiles[2]

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "median": self.median,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "pair_ratios": self.pair_ratios,
            "ratio_iqr": self.ratio_iqr,
        }


# --- the emulator in its own process -------------------------------------------------------------


@contextmanager
def emulator_process(seed: int) -> Iterator[str]:
    """Serve the emulator (rate limits off) in a child process; yield its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "component.emulator", "--port", "0", "--seed", str(seed), "--no-rate-limits"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if not match:
            detail = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the emulator did not start: {line!r} {detail}")
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def connection(url: str) -> dict[str, str]:
    return {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": url}


# --- measurements ------------------------------------------------------------------------------------


@dataclass
class Round:
    seconds: float
    cpu: float
    collections: int


def _collections() -> int:
    return sum(generation["collections"] for generation in gc.get_stats())


async def timed(work: Callable[[], Awaitable[Any]]) -> float:
    return (await measured(work)).seconds


async def measured(work: Callable[[], Awaitable[Any]]) -> Round:
    """Wall time, this process's CPU time and gc collections of one run of `work`.

    Every run starts right after a full collection, outside its timing, so each starts from the
    same collector state: otherwise a full collection of this process's heap (~30 ms, a tenth of
    a concurrency run) falls inside whichever run crosses the threshold, and what earlier runs
    left behind changes how often the collector runs inside the next (at 50 in flight, a run's
    young collections went from ~35 to ~67 for the same calls). The collections a run's own
    calls cause still happen inside it, and are counted."""
    gc.collect()
    collections, cpu, started = _collections(), time.process_time(), time.perf_counter()
    await work()
    return Round(time.perf_counter() - started, time.process_time() - cpu, _collections() - collections)


async def pairs(
    component: Callable[[], Awaitable[Any]], raw: Callable[[], Awaitable[Any]], repeats: int
) -> tuple[list[Round], list[Round]]:
    """`repeats` paired rounds, the order inside a pair alternating."""
    component_rounds, raw_rounds = [], []
    for index in range(repeats):
        if index % 2:
            component_rounds.append(await measured(component))
            raw_rounds.append(await measured(raw))
        else:
            raw_rounds.append(await measured(raw))
            component_rounds.append(await measured(component))
    return component_rounds, raw_rounds


async def per_call(url: str, s: Settings) -> list[Figure]:
    """Sequential getSource through invoke() against a raw aiohttp loop over one open session."""
    source_url = f"{url}/sources/{DEMO_IDS['source']}"
    conn = connection(url)

    async def component_calls() -> None:
        for _ in range(s.calls):
            await segment.invoke("getSource", {"sourceId": DEMO_IDS["source"]}, connection=conn)

    async with aiohttp.ClientSession() as session:

        async def raw_calls() -> None:
            for _ in range(s.calls):
                async with session.get(source_url, headers=HEADERS) as response:
                    response.raise_for_status()
                    await response.json(content_type=None)

        await raw_calls()  # warm both paths: connections, imports, first-use builds
        await component_calls()
        ours, raw = await pairs(component_calls, raw_calls, s.call_repeats)
    await segment.aclose()
    return [
        Figure(
            "per-call overhead: getSource, sequential",
            "µs/call",
            [r.seconds / s.calls * 1e6 for r in ours],
            [r.seconds / s.calls * 1e6 for r in raw],
            "ratio ≤ 1.08",
            paired=True,
        ),
        Figure(
            "per-call client CPU: getSource, sequential",
            "µs/call",
            [r.cpu / s.calls * 1e6 for r in ours],
            [r.cpu / s.calls * 1e6 for r in raw],
            paired=True,
            note="time.process_time of the client process (the emulator runs in its own)",
        ),
        Figure(
            "gc collections per run: getSource, sequential",
            f"per {s.calls:,} calls",
            [float(r.collections) for r in ours],
            [float(r.collections) for r in raw],
            paired=True,
        ),
    ]


def raw_walk(url: str, session: aiohttp.ClientSession) -> Callable[[], Awaitable[int]]:
    """What a user would write without the component: walk every page, label, sort."""

    async def raw_list() -> int:
        items: list[dict[str, str]] = []
        cursor: str | None = None
        while True:
            params = {"pagination[count]": "1000", **({"pagination[cursor]": cursor} if cursor else {})}
            async with session.get(f"{url}/sources", headers=HEADERS, params=params) as response:
                response.raise_for_status()
                data = (await response.json(content_type=None))["data"]
            for source in data["sources"]:
                name, slug = source.get("name"), source.get("slug") or source["id"]
                items.append({"key": source["id"], "label": f"{name} ({slug})" if name else slug})
            cursor = data["pagination"].get("next")
            if not cursor:
                break
        items.sort(key=lambda c: (c["label"].casefold(), c["key"]))
        return len(items)

    return raw_list


def component_walk(url: str) -> Callable[[], Awaitable[int]]:
    conn = connection(url)

    async def component_list() -> int:
        result = await segment.invoke("sources", {}, connection=conn)
        return len(result["result"])

    return component_list


async def picklist(url: str, s: Settings) -> tuple[Figure, Figure]:
    """The `sources` picklist over every source against a raw walk of the same pages."""
    component_list = component_walk(url)
    peaks: list[float] = []
    raw_peaks: list[float] = []
    async with aiohttp.ClientSession() as session:
        raw_list = raw_walk(url, session)
        count = await raw_list()
        if await component_list() != count:
            raise AssertionError("the picklist and the raw walk disagree on the number of sources")
        ours, raw = await pairs(component_list, raw_list, s.repeats)
        # Memory apart from timing: tracemalloc slows both sides.
        for run, peaks_of in ((raw_list, raw_peaks), (component_list, peaks)):
            tracemalloc.start()
            await run()
            peaks_of.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
    await segment.aclose()
    timing = Figure(
        f"picklist: sources over {count:,} sources",
        "ms",
        [r.seconds * 1000 for r in ours],
        [r.seconds * 1000 for r in raw],
        "ratio ≤ 1.08",
        paired=True,
    )
    memory = Figure("picklist: peak memory", "MiB", peaks, raw_peaks, note="tracemalloc peak during one run")
    return timing, memory


SMALL_WALKS = 10
"""Walks of the small workspace per measured run: one walk takes ~10 ms of CPU, short enough for
the scheduler's noise to move single runs by half; ten make a run as long as a tenth of the large
walk."""


async def picklist_linearity(url: str, size: str, s: Settings) -> list[Figure]:
    """Client CPU ms per 1,000 items: the whole workspace at `url` (`size` sources) against a
    SMALL_SEED workspace (its own emulator), in paired rounds, for the component's picklist and,
    as the yardstick of what this machine and Python do at that size, for the raw walk. CPU, not
    wall time: the emulator's own cost per page is not the client's. Paired because this machine's
    speed drifts by more than the target's margin between one part of the bench and the next."""
    figures = []
    with emulator_process(SMALL_SEED) as small_url:
        async with aiohttp.ClientSession() as session:
            walks = (
                ("picklist", component_walk(url), component_walk(small_url), "ratio ≤ 1.10"),
                ("raw walk", raw_walk(url, session), raw_walk(small_url, session), ""),
            )
            for name, large_walk, small_walk, target in walks:
                large_items, small_items = await large_walk(), await small_walk()

                async def small_walks(walk: Callable[[], Awaitable[int]] = small_walk) -> None:
                    for _ in range(SMALL_WALKS):
                        await walk()

                large, small = await pairs(large_walk, small_walks, max(5, s.repeats // 2))
                figures.append(
                    Figure(
                        f"{name}: client CPU per 1,000 items, {size} against {small_items:,}",
                        "ms/1,000 items",
                        [r.cpu / large_items * 1e6 for r in large],
                        [r.cpu / SMALL_WALKS / small_items * 1e6 for r in small],
                        target,
                        "linear when the cost per item at the large size is that at the small size (ratio near "
                        f"1); each small run walks its workspace {SMALL_WALKS} times"
                        if target
                        else "the same measure for the raw walk: how much the cost per item grows at that size "
                        "on this machine (memory and the collector) without the component",
                        paired=True,
                    )
                )
    await segment.aclose()
    return figures


async def concurrency(url: str, s: Settings) -> list[Figure]:
    """getSource at a fixed concurrency, against raw aiohttp at the same concurrency."""
    source_url = f"{url}/sources/{DEMO_IDS['source']}"
    conn = connection(url)

    async def fan_out(call: Callable[[], Awaitable[Any]]) -> None:
        gate = asyncio.Semaphore(s.concurrency)

        async def one() -> None:
            async with gate:
                await call()

        await asyncio.gather(*(one() for _ in range(s.calls)))

    async def component_call() -> None:
        await segment.invoke("getSource", {"sourceId": DEMO_IDS["source"]}, connection=conn)

    # The component is configured for the concurrency the caller uses, as a user running 50 at
    # once would (its default, 16, would otherwise queue the rest: a limit, not overhead).
    pool.max_concurrency = s.concurrency
    async with aiohttp.ClientSession() as session:

        async def raw_call() -> None:
            async with session.get(source_url, headers=HEADERS) as response:
                response.raise_for_status()
                await response.json(content_type=None)

        await fan_out(raw_call)
        await fan_out(component_call)
        ours, raw = await pairs(lambda: fan_out(component_call), lambda: fan_out(raw_call), s.concurrency_repeats)
    await segment.aclose()
    pool.max_concurrency = DEFAULT_MAX_CONCURRENCY
    return [
        Figure(
            f"concurrency: {s.calls:,} getSource at {s.concurrency}",
            "ms",
            [r.seconds * 1000 for r in ours],
            [r.seconds * 1000 for r in raw],
            "ratio ≤ 1.15",
            f"the component's per-connection limit set to {s.concurrency} for this run",
            paired=True,
        ),
        Figure(
            f"concurrency: client CPU per call at {s.concurrency}",
            "µs/call",
            [r.cpu / s.calls * 1e6 for r in ours],
            [r.cpu / s.calls * 1e6 for r in raw],
            paired=True,
        ),
        Figure(
            f"concurrency: gc collections per run at {s.concurrency}",
            f"per {s.calls:,} calls",
            [float(r.collections) for r in ours],
            [float(r.collections) for r in raw],
            paired=True,
        ),
    ]


BLACK_HOLE = """
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1024)
print(server.getsockname()[1], flush=True)
held = []
while True:
    held.append(server.accept()[0])  # accepted, never answered: every call stays in flight
"""


@contextmanager
def black_hole() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-c", BLACK_HOLE], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield f"http://127.0.0.1:{process.stdout.readline().strip()}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def objects_in_flight(s: Settings) -> Figure:
    """gc-tracked objects each in-flight call keeps alive: N calls wait on a server that accepts and
    never answers; (objects then - objects before) / N, for the component and for raw aiohttp."""
    with black_hole() as url:
        conn = connection(url)
        n = s.concurrency
        pool.max_concurrency = n
        ours, raw = [], []
        async with aiohttp.ClientSession() as session:

            async def raw_call() -> None:
                async with session.get(f"{url}/sources/x", headers=HEADERS) as response:
                    await response.read()

            async def component_call() -> None:
                await segment.invoke("getSource", {"sourceId": "x"}, connection=conn)

            async def alive_per_call(call: Callable[[], Coroutine[Any, Any, None]]) -> float:
                gc.collect()
                before = len(gc.get_objects())
                tasks = [asyncio.create_task(call()) for _ in range(n)]
                await asyncio.sleep(0.5)  # every call connected and waiting for its answer
                gc.collect()
                during = len(gc.get_objects())
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await asyncio.sleep(0.1)  # closed connections finish closing before the next count
                return (during - before) / n

            await alive_per_call(component_call)  # first use: models, the session
            await alive_per_call(raw_call)
            for _ in range(max(2, s.repeats // 2)):
                raw.append(await alive_per_call(raw_call))
                ours.append(await alive_per_call(component_call))
        await segment.aclose()
        pool.max_concurrency = DEFAULT_MAX_CONCURRENCY
    return Figure(
        f"objects alive per in-flight call ({n} in flight)",
        "gc-tracked objects",
        ours,
        raw,
        "≤ baseline + 9",
        "len(gc.get_objects()) while N calls wait on a server that never answers, "
        "minus before, over N. Each call opens a new connection here, whose objects (socket, transport, "
        "parser, timers) count on both sides; what the component adds is the difference. The target: ~15 "
        "alive per call where raw aiohttp keeps 6, that is at most 9 more than raw",
    )


RAW_SCRIPT = """
import asyncio, json, sys, aiohttp
async def main():
    async with aiohttp.ClientSession() as session:
        async with session.get(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2],
                               "Accept": "application/vnd.segment.v1+json"}) as response:
            print(json.dumps({"data": await response.json(content_type=None)}))
asyncio.run(main())
"""

#: The raw script plus pydantic's import alone (no model built): the least a process that
#: declares its inputs with pydantic pays at start.
PYDANTIC_IMPORT_SCRIPT = "from pydantic import BaseModel\n" + RAW_SCRIPT

#: The raw script plus what any pydantic-declared component pays at start: pydantic's import and
#: the build of an input model and a connection model (with a secret) on first use. The component's
#: ratio to this script is what its own code adds to start-up.
PYDANTIC_SCRIPT = """
import asyncio, json, sys, aiohttp
from pydantic import BaseModel, ConfigDict, SecretStr
class Connection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    apiKey: SecretStr
    subdomain: str
    baseUrl: str | None = None
class Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sourceId: str
async def main():
    conn = Connection.model_validate({"apiKey": sys.argv[2], "subdomain": "demo", "baseUrl": sys.argv[1]})
    inputs = Inputs.model_validate({"sourceId": sys.argv[1].rsplit("/", 1)[1]})
    async with aiohttp.ClientSession() as session:
        async with session.get(sys.argv[1], headers={"Authorization": "Bearer " + conn.apiKey.get_secret_value(),
                               "Accept": "application/vnd.segment.v1+json"}) as response:
            print(json.dumps({"data": await response.json(content_type=None), "id": inputs.sourceId}))
asyncio.run(main())
"""


def wall(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, from the OS's accounting of the child) of one process, in ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed * 1000, cpu * 1000


def process_env(cache: str, **extra: str) -> dict[str, str]:
    """The environment of every timed process: bytecode kept in `cache`. An installed package comes
    with its modules compiled (pip compiles them); run from a source tree with
    PYTHONDONTWRITEBYTECODE set (as on this machine), the component's own modules would be compiled
    from source on every start while aiohttp's and pydantic's are not: every side gets the same cache,
    filled by the warm-up runs."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": cache, **extra}


def startup(url: str, s: Settings) -> list[Figure]:
    cache = tempfile.mkdtemp(prefix="bench-pycache-")
    env = process_env(cache, SEGMENT_API_KEY=DEMO_API_KEY, SEGMENT_SUBDOMAIN=DEMO_SUBDOMAIN, SEGMENT_API_BASE_URL=url)
    plain = process_env(cache)
    cli = [sys.executable, "-m", "component"]
    run = [*cli, "run", "getSource", "--set", f"sourceId={DEMO_IDS['source']}"]
    source_url = f"{url}/sources/{DEMO_IDS['source']}"
    raw = [sys.executable, "-c", RAW_SCRIPT, source_url, DEMO_API_KEY]
    floor = [sys.executable, "-c", PYDANTIC_SCRIPT, source_url, DEMO_API_KEY]
    imported = [sys.executable, "-c", PYDANTIC_IMPORT_SCRIPT, source_url, DEMO_API_KEY]
    for _ in range(2):  # warm-up: the bytecode cache, the OS's file cache
        wall(run, env), wall(raw, plain), wall(floor, plain), wall(imported, plain), wall([*cli, "list"], plain)
    run_times: list[float] = []
    raw_times: list[float] = []
    floor_times: list[float] = []
    import_times: list[float] = []
    list_times: list[float] = []
    run_cpu: list[float] = []
    raw_cpu: list[float] = []
    for index in range(s.process_runs):
        # Paired rounds, the order turning each time, so a noisy moment hits every side alike.
        sides = [
            (run, env, run_times, run_cpu),
            (raw, plain, raw_times, raw_cpu),
            (floor, plain, floor_times, []),
            (imported, plain, import_times, []),
        ]
        for command, environment, times, cpus in sides[index % 4 :] + sides[: index % 4]:
            elapsed, cpu = wall(command, environment)
            times.append(elapsed)
            cpus.append(cpu)
        list_times.append(wall([*cli, "list"], plain)[0])
    imports = []
    for _ in range(s.process_runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import component"],
            capture_output=True,
            text=True,
            check=True,
            env=plain,
        )
        cumulative = [int(line.split("|")[1]) for line in result.stderr.splitlines() if line.endswith("component")]
        imports.append(cumulative[-1] / 1000 if cumulative else float("nan"))
    shutil.rmtree(cache, ignore_errors=True)
    return [
        Figure(
            "start-up: `segment-component run getSource` process",
            "ms",
            run_times,
            raw_times,
            "ratio ≤ 1.20",
            "baseline: a minimal Python script doing the same request with aiohttp; paired rounds; "
            "bytecode compiled for both, as an installed package has it",
            paired=True,
        ),
        Figure(
            "start-up: `run getSource` process, CPU (user + system)",
            "ms",
            run_cpu,
            raw_cpu,
            note="the OS's accounting of each child process, against the same raw script",
            paired=True,
        ),
        Figure(
            "start-up: raw aiohttp plus `from pydantic import BaseModel`, against raw aiohttp",
            "ms",
            import_times,
            raw_times,
            note="the raw script with pydantic imported and nothing built: the least any process "
            "that declares its inputs with pydantic pays; above 1.20 on its own, the target cannot be "
            "met while pydantic declares the inputs",
            paired=True,
        ),
        Figure(
            "start-up: a minimal aiohttp + pydantic script, against raw aiohttp",
            "ms",
            floor_times,
            raw_times,
            note="the raw script plus pydantic's import and one input model and one connection model "
            "(with a secret) built and used: what declaring inputs with pydantic costs any component",
            paired=True,
        ),
        Figure(
            "start-up: `run getSource` process, against the aiohttp + pydantic script",
            "ms",
            run_times,
            floor_times,
            note="what the component's own code adds at start-up",
            paired=True,
        ),
        Figure("start-up: `segment-component list` process", "ms", list_times, target="< 150 ms"),
        Figure("start-up: `import component` (importtime, cumulative)", "ms", imports),
    ]


async def emulator_throughput(url: str, s: Settings) -> Figure:
    """Requests per second the emulator serves for GET /sources/{id} at concurrency 32."""
    source_url = f"{url}/sources/{DEMO_IDS['source']}"
    runs = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:

        async def worker(deadline: float) -> int:
            done = 0
            while time.perf_counter() < deadline:
                async with session.get(source_url, headers=HEADERS) as response:
                    await response.read()
                    response.raise_for_status()
                done += 1
            return done

        for _ in range(max(1, s.repeats // 2)):
            started = time.perf_counter()
            deadline = started + s.emulator_seconds
            counts = await asyncio.gather(*(worker(deadline) for _ in range(32)))
            runs.append(sum(counts) / (time.perf_counter() - started))
    return Figure(
        "emulator: GET /sources/{id} at concurrency 32",
        "requests/s",
        runs,
        target="≥ 2,000/s",
        note="client and emulator share the machine's 2 cores",
    )


# --- the report ------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    names = ["aiohttp", "pydantic", "pydantic-core", "jsonschema", "tenacity", "yarl", "multidict"]
    out = {"python": platform.python_version(), "implementation": platform.python_implementation()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": str(os.cpu_count())}


def target_met(figure: Figure) -> str:
    if figure.target.startswith("≤ baseline + ") and figure.baseline is not None:
        return "met" if figure.median <= figure.baseline + float(figure.target.split()[-1]) else "NOT met"
    if figure.target.startswith("≤ ") and not figure.target.startswith("≤ 1."):
        return "met" if figure.median <= float(figure.target.split()[1]) else "NOT met"
    if figure.target.startswith("ratio") and figure.ratio is not None:
        limit = float(figure.target.split()[-1])
        return "met" if figure.ratio <= limit else "NOT met"
    if figure.target.startswith("<"):
        return "met" if figure.median < float(figure.target.split()[1]) else "NOT met"
    if figure.target.startswith("≥"):
        return "met" if figure.median >= float(figure.target.split()[1].rstrip("/s").replace(",", "")) else "NOT met"
    return ""


def spread(values: list[float]) -> str:
    return f"{min(values):,.1f} to {max(values):,.1f}" if values else ""


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def render(
    figures: list[Figure],
    settings: Settings,
    mode: str,
    load: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> str:
    lines = [
        "# Benchmark report",
        "",
        f"Generated by `python -m bench{' --smoke' if mode == 'smoke' else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Every figure below was measured in that run.",
        "",
        "| machine | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in {**machine(), **versions()}.items()],
        "",
        f"Settings: {settings.calls:,} calls per run, {settings.call_repeats} paired runs of the sequential calls, "
        f"{settings.concurrency_repeats} of the concurrent ones, {settings.repeats} of the others, "
        f"emulator seeded with {settings.seed:,} sources, concurrency {settings.concurrency}, "
        f"{settings.process_runs} process runs.",
        "",
        "The machine is shared (other work runs on its 2 cores while this runs): expect noise, and read",
        "the paired ratios and their IQR rather than single timings. Load average (1, 5, 15 minutes) at the",
        f"start of the run: {_load(load[0])}; at its end: {_load(load[1])}.",
        "",
        "| measurement | unit | component (median) | spread | baseline (median) | baseline spread | ratio "
        "| ratio IQR | target | |",
        "| --- | --- | ---: | --- | ---: | --- | ---: | --- | --- | --- |",
    ]
    for f in figures:
        baseline = f"{f.baseline:,.1f}" if f.baseline is not None else ""
        ratio = f"{f.ratio:.3f}" if f.ratio is not None else ""
        iqr = f"{f.ratio_iqr[0]:.3f} to {f.ratio_iqr[1]:.3f}" if f.ratio_iqr else ""
        lines.append(
            f"| {f.name} | {f.unit} | {f.median:,.1f} | {spread(f.runs)} | {baseline} | {spread(f.baseline_runs)} "
            f"| {ratio} | {iqr} | {f.target} | {target_met(f)} |"
        )
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "Notes:", *notes]
    notes_file = BENCH_DIR / "NOTES.md"
    if notes_file.exists():
        lines += ["", notes_file.read_text().strip()]
    return "\n".join(lines) + "\n"


#: One side of the instruction count: N getSource calls after 50 warm ones, one at a time or
#: `concurrency` in flight, on the component's path or raw aiohttp over one session (the same calls
#: as `per_call` and `concurrency`).
INSTRUCTIONS_SCRIPT = """
import asyncio, gc, sys, aiohttp
from component import segment
from component.segment.client import pool
url, side, n, source, key, subdomain = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:7]
concurrency = int(sys.argv[7])
conn = {"apiKey": key, "subdomain": subdomain, "baseUrl": url}
headers = {"Authorization": "Bearer " + key, "Accept": "application/vnd.segment.v1+json"}
pool.max_concurrency = max(concurrency, pool.max_concurrency)
async def main():
    async with aiohttp.ClientSession() as session:
        async def raw():
            async with session.get(url + "/sources/" + source, headers=headers) as response:
                response.raise_for_status()
                await response.json(content_type=None)
        async def component():
            await segment.invoke("getSource", {"sourceId": source}, connection=conn)
        call = raw if side == "raw" else component
        async def calls(count):
            if concurrency == 1:
                for _ in range(count):
                    await call()
                return
            gate = asyncio.Semaphore(concurrency)
            async def one():
                async with gate:
                    await call()
            await asyncio.gather(*(one() for _ in range(count)))
        await calls(50)
        if concurrency > 1:
            gc.disable()
        await calls(n)
    await segment.aclose()
asyncio.run(main())
"""
#: Cachegrind's summary lines: instructions, then the first level's and the last level's misses.
_CACHEGRIND = {
    "instructions": re.compile(r"I\s+refs:\s+([\d,]+)"),
    "I1": re.compile(r"I1\s+misses:\s+([\d,]+)"),
    "D1": re.compile(r"D1\s+misses:\s+([\d,]+)"),
    "LL": re.compile(r"LL misses:\s+([\d,]+)"),
}


def cachegrind_counts(summary: str) -> dict[str, int]:
    """The counts of `_CACHEGRIND` read from cachegrind's summary (what it prints on stderr)."""
    counts = {}
    for name, pattern in _CACHEGRIND.items():
        found = pattern.search(summary)
        if found is None:
            raise RuntimeError(f"cachegrind printed no count of {name}")
        counts[name] = int(found.group(1).replace(",", ""))
    return counts


#: The caches cachegrind simulates: one core's own, as this machine's cores have them (32 KiB
#: first-level instruction and data caches, a 1 MiB second level). What misses the second level
#: comes from the third, shared with the other core (where the emulator and other tenants run).
#: Given explicitly: valgrind reads this virtual machine's third level as one 256 MiB direct-mapped
#: cache, which would hide every miss.
_FIRST_LEVEL = ("--I1=32768,8,64", "--D1=32768,8,64")
_SIMULATED_CACHES = (*_FIRST_LEVEL, "--LL=1048576,8,64")


def cachegrind(valgrind: str, caches: tuple[str, ...], command: list[str]) -> tuple[str, dict[str, int]]:
    """Run `command` under cachegrind with the simulated `caches`: its output and its counts."""
    result = subprocess.run(
        [valgrind, "--tool=cachegrind", "--cache-sim=yes", *caches, "--cachegrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_DIR,
    )
    return result.stdout, cachegrind_counts(result.stderr)


def instructions_command(url: str, side: str, calls: int, concurrency: int) -> list[str]:
    """The command of one side of the instruction count (what valgrind runs)."""
    arguments = [url, side, str(calls), DEMO_IDS["source"], DEMO_API_KEY, DEMO_SUBDOMAIN, str(concurrency)]
    return [sys.executable, "-c", INSTRUCTIONS_SCRIPT, *arguments]


def run_script(command: list[str], what: str) -> str:
    """Run one side of a count without valgrind (what smoke mode does, so that the scripts the full
    run counts keep working where valgrind is not installed); its output."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)
    if result.returncode:
        raise RuntimeError(f"{what} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def check_instructions_script(url: str, concurrency: int) -> None:
    """Run each side of the instruction count for a few calls, sequential and at `concurrency`."""
    for side in ("component", "raw"):
        for at in (1, concurrency):
            run_script(instructions_command(url, side, 5, at), f"the instruction count's {side} side at {at}")


def instructions(url: str, concurrency: int) -> list[Figure]:
    """Instructions and simulated cache misses per getSource (valgrind's cachegrind counts them),
    sequential and at `concurrency`: the component against raw aiohttp. A count does not swing
    with the machine's load as times do; it is the process's whole count at 600 calls less that at
    100, over 500, so start-up and warm-up cancel out. It still moves a little with how the
    server's answers interleave with the client's event loop (a few thousand instructions a call).
    At `concurrency` the collector is off while the calls are counted, on both sides: a full
    collection costs as much as ~100 calls here and would land in one count or the other at random
    (the timed runs report the collections). The misses are the client's alone, in a simulated
    core (`_SIMULATED_CACHES`): on the real machine the server and other tenants evict its lines
    too. Empty where valgrind is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return []

    def count(side: str, calls: int, at: int) -> dict[str, int]:
        return cachegrind(valgrind, _SIMULATED_CACHES, instructions_command(url, side, calls, at))[1]

    runs = [(side, calls, at) for at in (1, concurrency) for side in ("component", "raw") for calls in (600, 100)]
    with ThreadPoolExecutor(max_workers=4) as pool_of_runs:  # counts do not depend on timing
        counted = dict(zip(runs, pool_of_runs.map(lambda run: count(*run), runs), strict=True))

    def per_call(side: str, at: int, *names: str) -> float:
        return sum(counted[side, 600, at][name] - counted[side, 100, at][name] for name in names) / 500

    def figure(name: str, unit: str, at: int, counts: tuple[str, ...], note: str) -> Figure:
        return Figure(name, unit, [per_call("component", at, *counts)], [per_call("raw", at, *counts)], note=note)

    return [
        figure(
            "instructions per call (cachegrind): getSource, sequential",
            "instructions",
            1,
            ("instructions",),
            "valgrind's count of the client process's instructions, 600 calls less 100, over 500: "
            "a steadier yardstick than times on a shared machine (one run each; the server runs natively)",
        ),
        figure(
            f"instructions per call (cachegrind): getSource at {concurrency}",
            "instructions",
            concurrency,
            ("instructions",),
            f"as above, {concurrency} in flight, the collector off while the calls are counted (both sides)",
        ),
        figure(
            f"first-level cache misses per call (simulated): getSource at {concurrency}",
            "misses",
            concurrency,
            ("I1", "D1"),
            "instruction and data misses of 32 KiB first-level caches, counted by cachegrind in the "
            "runs above: how much more of its own memory the component's call touches",
        ),
        figure(
            f"second-level cache misses per call (simulated): getSource at {concurrency}",
            "misses",
            concurrency,
            ("LL",),
            "misses of a 1 MiB second level, one core's own: what must come from the cache shared "
            "with the server's core, or from memory",
        ),
    ]


#: One side of the picklist's count: `walks` walks of the workspace at `url`, by the component's
#: `sources` picklist or by the raw walk (the same walks the timed linearity figures run).
PICKLIST_COUNT_SCRIPT = """
import asyncio, sys, aiohttp
from bench.__main__ import component_walk, raw_walk
from component import segment
url, side, walks = sys.argv[1], sys.argv[2], int(sys.argv[3])
async def main():
    async with aiohttp.ClientSession() as session:
        walk = raw_walk(url, session) if side == "raw" else component_walk(url)
        items = 0
        for _ in range(walks):
            items = await walk()
    await segment.aclose()
    print("items", items)
asyncio.run(main())
"""
#: The machine's last level as cachegrind simulates it for the picklist: the 32 MiB third-level
#: cache, 16-way (what lscpu reports here), as if the client had it to itself.
_SIMULATED_THIRD_LEVEL = (*_FIRST_LEVEL, "--LL=33554432,16,64")
#: Walks counted at each size: the figure is the count at the second number less that at the
#: first, so start-up, imports and the first walk's one-time work cancel out.
_COUNTED_WALKS = {"large": (1, 2), "small": (2, 12)}


def picklist_count_command(url: str, side: str, walks: int) -> list[str]:
    """The command of one side of the picklist's count (run from the project's folder)."""
    return [sys.executable, "-c", PICKLIST_COUNT_SCRIPT, url, side, str(walks)]


def _items(output: str) -> int:
    found = re.search(r"^items (\d+)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"the picklist count printed no item count: {output[-500:]!r}")
    return int(found.group(1))


def check_picklist_count_script(url: str) -> None:
    """Run each side of the picklist's count for one walk."""
    for side in ("component", "raw"):
        if _items(run_script(picklist_count_command(url, side, 1), f"the picklist count's {side} side")) < 1:
            raise RuntimeError(f"the picklist count's {side} side walked no item")


def picklist_counts(url: str) -> list[Figure]:
    """The picklist's linearity counted: instructions and simulated third-level cache misses per
    item over the workspace at `url` against a SMALL_SEED workspace, for the component's picklist
    and for the raw walk. The timed figures say how much the cost per item grows; these say
    whether the work per item grows (instructions), or what the same work costs once the items kept
    for the answer outgrow the machine's caches (misses of its 32 MiB third level; the emulator
    shares that cache on the real machine, so it misses more there). Empty where valgrind is not
    installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return []
    with emulator_process(SMALL_SEED) as small_url:
        urls = {"large": url, "small": small_url}
        runs = [(side, at, walks) for side in ("component", "raw") for at in urls for walks in _COUNTED_WALKS[at]]
        with ThreadPoolExecutor(max_workers=4) as pool_of_runs:
            counted = dict(
                zip(
                    runs,
                    pool_of_runs.map(
                        lambda run: cachegrind(
                            valgrind, _SIMULATED_THIRD_LEVEL, picklist_count_command(urls[run[1]], run[0], run[2])
                        ),
                        runs,
                    ),
                    strict=True,
                )
            )

    def per_item(side: str, at: str, name: str) -> float:
        first, second = _COUNTED_WALKS[at]
        output, counts = counted[side, at, second]
        return (counts[name] - counted[side, at, first][1][name]) / ((second - first) * _items(output))

    size = f"{_items(counted['component', 'large', _COUNTED_WALKS['large'][0]][0]):,} sources"
    small_items = _items(counted["component", "small", _COUNTED_WALKS["small"][0]][0])
    figures = [
        Figure(
            f"{name}: instructions per item (cachegrind), {size} against {small_items:,}",
            "instructions/item",
            [per_item(side, "large", "instructions")],
            [per_item(side, "small", "instructions")],
            note="the work per item at the large size against the small: linear work reads 1 or a little "
            "below (each walk's fixed work spreads over more items)",
        )
        for side, name in (("component", "picklist"), ("raw", "raw walk"))
    ]
    small_misses = {side: per_item(side, "small", "LL") for side in ("component", "raw")}
    figures.append(
        Figure(
            f"picklist: third-level cache misses per item (simulated), {size}",
            "misses/item",
            [per_item("component", "large", "LL")],
            [per_item("raw", "large", "LL")],
            note="misses of a 32 MiB last level (this machine's third level), against the raw walk's at the "
            f"same size; at {small_items:,} sources, where every item fits in it: {small_misses['component']:.1f} "
            f"and {small_misses['raw']:.1f} (the raw walk's), numbers that move from run to run with where each page's "
            "buffer lands. What is missed at the large size is memory: each miss waits for it",
        )
    )
    return figures


async def measure_in_process(url: str, s: Settings) -> list[Figure]:
    figures = await per_call(url, s)
    timing, memory = await picklist(url, s)
    figures += [timing, memory, *await picklist_linearity(url, timing.name.split(" over ")[1], s)]
    figures += await concurrency(url, s)
    figures.append(await objects_in_flight(s))
    figures.append(await emulator_throughput(url, s))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few iterations only, to check the suite works")
    parser.add_argument("--out", type=Path, help="folder for REPORT.md and report.json")
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    out = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.smoke else BENCH_DIR)
    load_at_start = os.getloadavg()
    with emulator_process(settings.seed) as url:
        figures = asyncio.run(measure_in_process(url, settings))
        if args.smoke:  # under valgrind a call takes ~50 times as long: smoke only runs the scripts
            check_instructions_script(url, settings.concurrency)
            check_picklist_count_script(url)
        else:
            figures += instructions(url, settings.concurrency)
            figures += picklist_counts(url)
        figures += startup(url, settings)
    load = (load_at_start, os.getloadavg())
    mode = "smoke" if args.smoke else "full"
    out.mkdir(parents=True, exist_ok=True)
    (out / "REPORT.md").write_text(render(figures, settings, mode, load))
    payload = {
        "mode": mode,
        "settings": asdict(settings),
        "machine": machine(),
        "versions": versions(),
        "load_average": {"start": load[0], "end": load[1]},
        "figures": [f.as_dict() for f in figures],
    }
    (out / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    for figure in figures:
        ratio = f" ratio {figure.ratio:.3f}" if figure.ratio is not None else ""
        print(f"{figure.name}: {figure.median:,.1f} {figure.unit}{ratio} {target_met(figure)}")
    print(f"report: {out / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark suite: what users pay for the component, as ratios against raw aiohttp.

    python -m bench            full run (emulator seeded with 10,000 sources); writes bench/REPORT.md
                               and bench/report.json
    python -m bench --smoke    a few iterations of everything, to keep the suite working (CI); writes
                               its report to a temporary folder unless --out is given

Every figure is measured in this run on this machine; nothing is typed in. The emulator runs in
its own process, so the client under test and the server do not share an event loop. Each
measurement is repeated; the report gives the median and the spread (min to max), and each ratio
is the median of the component's runs over the median of the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
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
    concurrency: int
    process_runs: int
    emulator_seconds: float


FULL = Settings(seed=10_000, calls=2_000, repeats=5, concurrency=50, process_runs=7, emulator_seconds=5.0)
SMOKE = Settings(seed=300, calls=50, repeats=1, concurrency=10, process_runs=1, emulator_seconds=0.5)


@dataclass
class Figure:
    name: str
    unit: str
    runs: list[float]
    baseline_runs: list[float] = field(default_factory=list)
    target: str = ""
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def baseline(self) -> float | None:
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        return self.median / self.baseline if self.baseline else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "median": self.median, "baseline": self.baseline, "ratio": self.ratio}


# --- the emulator in its own process -------------------------------------------------------------


@contextmanager
def emulator_process(seed: int) -> Iterator[str]:
    """Serve the emulator (rate limits off) in a child process; yield its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "component.emulator", "--port", "0", "--seed", str(seed), "--no-rate-limits"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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


async def timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def per_call(url: str, s: Settings) -> Figure:
    """Sequential getSource through invoke() against a raw aiohttp loop over one open session."""
    source_url = f"{url}/sources/{DEMO_IDS['source']}"
    conn = connection(url)

    async def component_calls() -> None:
        for _ in range(s.calls):
            await segment.invoke("getSource", {"sourceId": DEMO_IDS["source"]}, connection=conn)

    async def raw_calls(session: aiohttp.ClientSession) -> None:
        for _ in range(s.calls):
            async with session.get(source_url, headers=HEADERS) as response:
                response.raise_for_status()
                await response.json(content_type=None)

    component_runs, raw_runs = [], []
    async with aiohttp.ClientSession() as session:
        await raw_calls(session)  # warm both paths: connections, imports, first-use builds
        await component_calls()
        for _ in range(s.repeats):
            raw_runs.append(await timed(lambda: raw_calls(session)) / s.calls * 1e6)
            component_runs.append(await timed(component_calls) / s.calls * 1e6)
    await segment.aclose()
    return Figure("per-call overhead: getSource, sequential", "µs/call", component_runs, raw_runs, "ratio ≤ 1.10")


async def picklist(url: str, s: Settings) -> tuple[Figure, Figure]:
    """The `sources` picklist over every source against a raw walk of the same pages."""
    conn = connection(url)

    async def component_list() -> int:
        result = await segment.invoke("sources", {}, connection=conn)
        return len(result["result"])

    async def raw_list(session: aiohttp.ClientSession) -> int:
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

    component_runs, raw_runs, peaks, raw_peaks = [], [], [], []
    async with aiohttp.ClientSession() as session:
        count = await raw_list(session)
        if await component_list() != count:
            raise AssertionError("the picklist and the raw walk disagree on the number of sources")
        for _ in range(s.repeats):
            raw_runs.append(await timed(lambda: raw_list(session)) * 1000)
            component_runs.append(await timed(component_list) * 1000)
        # Memory apart from timing: tracemalloc slows both sides.
        for run, peaks_of in ((lambda: raw_list(session), raw_peaks), (component_list, peaks)):
            tracemalloc.start()
            await run()
            peaks_of.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
    await segment.aclose()
    timing = Figure(f"picklist: sources over {count:,} sources", "ms", component_runs, raw_runs, "ratio ≤ 1.10")
    memory = Figure("picklist: peak memory", "MiB", peaks, raw_peaks, note="tracemalloc peak during one run")
    return timing, memory


async def concurrency(url: str, s: Settings) -> Figure:
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
    component_runs, raw_runs = [], []
    async with aiohttp.ClientSession() as session:

        async def raw_call() -> None:
            async with session.get(source_url, headers=HEADERS) as response:
                response.raise_for_status()
                await response.json(content_type=None)

        await fan_out(raw_call)
        await fan_out(component_call)
        for _ in range(s.repeats):
            raw_runs.append(await timed(lambda: fan_out(raw_call)) * 1000)
            component_runs.append(await timed(lambda: fan_out(component_call)) * 1000)
    await segment.aclose()
    pool.max_concurrency = DEFAULT_MAX_CONCURRENCY
    return Figure(f"concurrency: {s.calls:,} getSource at {s.concurrency}", "ms", component_runs, raw_runs,
                  "ratio ≤ 1.15", f"the component's per-connection limit set to {s.concurrency} for this run")


RAW_SCRIPT = """
import asyncio, json, sys, aiohttp
async def main():
    async with aiohttp.ClientSession() as session:
        async with session.get(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2],
                               "Accept": "application/vnd.segment.v1+json"}) as response:
            print(json.dumps({"data": await response.json(content_type=None)}))
asyncio.run(main())
"""


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return (time.perf_counter() - started) * 1000


def startup(url: str, s: Settings) -> list[Figure]:
    env = {**os.environ, "SEGMENT_API_KEY": DEMO_API_KEY, "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN,
           "SEGMENT_API_BASE_URL": url}
    cli = [sys.executable, "-m", "component"]
    run = [*cli, "run", "getSource", "--set", f"sourceId={DEMO_IDS['source']}"]
    raw = [sys.executable, "-c", RAW_SCRIPT, f"{url}/sources/{DEMO_IDS['source']}", DEMO_API_KEY]
    wall(run, env)
    wall(raw)
    run_times, raw_times, list_times = [], [], []
    for _ in range(s.process_runs):
        raw_times.append(wall(raw))
        run_times.append(wall(run, env))
        list_times.append(wall([*cli, "list"]))
    imports = []
    for _ in range(s.process_runs):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import component"],
                                capture_output=True, text=True, check=True)
        cumulative = [int(line.split("|")[1]) for line in result.stderr.splitlines() if line.endswith("component")]
        imports.append(cumulative[-1] / 1000 if cumulative else float("nan"))
    return [
        Figure("start-up: `segment-component run getSource` process", "ms", run_times, raw_times, "ratio ≤ 1.25",
               "baseline: a minimal Python script doing the same request with aiohttp"),
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
    return Figure("emulator: GET /sources/{id} at concurrency 32", "requests/s", runs, target="≥ 2,000/s",
                  note="client and emulator share the machine's 2 cores")


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


def render(figures: list[Figure], settings: Settings, mode: str) -> str:
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
        f"Settings: {settings.calls:,} calls per run, {settings.repeats} runs, emulator seeded with "
        f"{settings.seed:,} sources, concurrency {settings.concurrency}, {settings.process_runs} process runs.",
        "",
        "| measurement | unit | component (median) | spread | baseline (median) | baseline spread | ratio | target | |",
        "| --- | --- | ---: | --- | ---: | --- | ---: | --- | --- |",
    ]
    for f in figures:
        baseline = f"{f.baseline:,.1f}" if f.baseline is not None else ""
        ratio = f"{f.ratio:.3f}" if f.ratio is not None else ""
        lines.append(
            f"| {f.name} | {f.unit} | {f.median:,.1f} | {spread(f.runs)} | {baseline} | {spread(f.baseline_runs)} "
            f"| {ratio} | {f.target} | {target_met(f)} |"
        )
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "Notes:", *notes]
    notes_file = BENCH_DIR / "NOTES.md"
    if notes_file.exists():
        lines += ["", notes_file.read_text().strip()]
    return "\n".join(lines) + "\n"


async def measure_in_process(url: str, s: Settings) -> list[Figure]:
    figures = [await per_call(url, s)]
    figures += list(await picklist(url, s))
    figures.append(await concurrency(url, s))
    figures.append(await emulator_throughput(url, s))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few iterations only, to check the suite works")
    parser.add_argument("--out", type=Path, help="folder for REPORT.md and report.json")
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    out = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.smoke else BENCH_DIR)
    with emulator_process(settings.seed) as url:
        figures = asyncio.run(measure_in_process(url, settings))
        figures += startup(url, settings)
    mode = "smoke" if args.smoke else "full"
    out.mkdir(parents=True, exist_ok=True)
    (out / "REPORT.md").write_text(render(figures, settings, mode))
    payload = {"mode": mode, "settings": asdict(settings), "machine": machine(), "versions": versions(),
               "figures": [f.as_dict() for f in figures]}
    (out / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    for figure in figures:
        ratio = f" ratio {figure.ratio:.3f}" if figure.ratio is not None else ""
        print(f"{figure.name}: {figure.median:,.1f} {figure.unit}{ratio} {target_met(figure)}")
    print(f"report: {out / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A dry run: apply a snapshot to a throwaway in-process emulator seeded from the live workspace.

The emulator starts empty (its catalogs only), learns the catalog entries the live workspace
uses, and is filled by applying the live workspace's own export (secrets get placeholder values:
nothing secret is read or written). The snapshot's ids are then mapped to the emulator's, so a
rename is recognised as it would be live, and the snapshot is applied with the same planner and
executor as a real apply (no pacing: the emulator runs without rate limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from component.workspace.apply import Outcome, Pacer, Progress, apply_snapshot
from component.workspace.diff import Diff, compare
from component.workspace.export import Export, Invoke, export_workspace
from component.workspace.model import Snapshot, flatten, remap_ids, secret_references


@dataclass
class DryRun:
    outcome: Outcome
    changes: Diff  # the live workspace (as seeded) against the result


def _teach_catalog(state: Any, live: Export) -> None:
    adders = {
        "source": (state.source_catalog, state.add_source_metadata),
        "destination": (state.destination_catalog, state.add_destination_metadata),
        "warehouse": (state.warehouse_catalog, state.add_warehouse_metadata),
    }
    for kind, entries in live.catalog.items():
        known, add = adders[kind]
        for metadata_id, entry in entries.items():
            if metadata_id and metadata_id not in known:
                entry = dict(entry)
                for name, empty in (("options", []), ("actions", []), ("supportedFeatures", {})):
                    entry.setdefault(name, empty)
                add(entry)


async def dry_run(
    live_invoke: Invoke, wanted: Snapshot, *, prune: bool = False, progress: Progress | None = None
) -> DryRun:
    from component import segment
    from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, running_emulator

    live = await export_workspace(live_invoke)
    async with running_emulator(rate_limits=False, empty=True, record_requests=False) as emulator:
        _teach_catalog(emulator.state, live)
        connection = {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}

        async def invoke(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
            return await segment.invoke(key, inputs, connection=connection)

        placeholders = {
            name: f"dry-run-{name.lower()}" for name in {*secret_references(live.snapshot), *secret_references(wanted)}
        }
        unlimited = Pacer(limit=1 << 30)
        await apply_snapshot(invoke, live.snapshot, secrets=placeholders, pacer=unlimited)
        seeded = (await export_workspace(invoke)).snapshot
        live_objects, seeded_objects = flatten(live.snapshot), flatten(seeded)
        ids = {
            obj.id: seeded_objects[key].id
            for key, obj in live_objects.items()
            if obj.id and key in seeded_objects and seeded_objects[key].id
        }
        outcome = await apply_snapshot(
            invoke,
            remap_ids(wanted, {k: v for k, v in ids.items() if v}),
            prune=prune,
            secrets=placeholders,
            progress=progress or (lambda _: None),
            pacer=unlimited,
        )
        result = (await export_workspace(invoke)).snapshot
    return DryRun(outcome, compare(seeded, result))

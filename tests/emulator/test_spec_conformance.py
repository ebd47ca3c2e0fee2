"""Every operation's success body against the official OpenAPI spec, when present beside the repo
(skipped, saying why, when it is absent).

`test_operations.test_success` already validates each operation's body through the client; this
module checks coverage and the cases the spec relaxations exist for.
"""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client
from .operations import EVENTS_QUERY, OPERATIONS
from .spec import SKIP_REASON, SPEC

pytestmark = pytest.mark.skipif(not SPEC.available, reason=SKIP_REASON)

D = DEMO_IDS


def test_every_route_is_in_the_spec_and_in_the_operation_table(emu: Emulator) -> None:
    served = {op for _, _, op in emu.api.router.templates}
    assert served <= SPEC.operation_ids()
    assert served == {op.operation_id for op in OPERATIONS}
    for method, template, op_id in emu.api.router.templates:
        sample = template.replace("{", "").replace("}", "")
        assert SPEC.operation(method, sample)[0] == op_id


@pytest.mark.parametrize(
    "kind", ["SOURCE", "DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION"]
)
async def test_functions_of_every_type(api: Client, kind: str) -> None:
    # Relaxed: the 32.0.5 enum has only DESTINATION and SOURCE.
    listed = await api.get(f"/functions?resourceType={kind}")
    assert listed.operation_id == "listFunctions"
    fid = listed.data["functions"][0]["id"]
    assert (await api.get(f"/functions/{fid}")).operation_id == "getFunction"


@pytest.mark.parametrize("group_by", ["", "&groupBy=source", "&groupBy=eventName&groupBy=eventType"])
async def test_events_volume_shapes(api: Client, group_by: str) -> None:
    # Relaxed: `source` is only present when grouping by source.
    reply = await api.get(f"/events/volume?{EVENTS_QUERY}{group_by}")
    assert reply.operation_id == "getEventsVolumeFromWorkspace"


async def test_full_objects(api: Client) -> None:
    for path in (
        "/sources?pagination[count]=1000",
        "/destinations?pagination[count]=1000",
        "/warehouses",
        "/transformations",
        "/users",
        "/catalog/destinations?pagination[count]=1000",
    ):
        assert (await api.get(path)).operation_id is not None

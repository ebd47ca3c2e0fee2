"""Transformations end to end against the emulator: every action, the create-to-delete cycle,
booleans sent as booleans, and only what was given sent."""

from __future__ import annotations

from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import InputError, NotFound
from tests.e2e.conftest import run

RENAME_SIGNUP = DEMO_IDS["transformation"]
DROP_TESTS = "NhhTceEdLdzvd6SoX33xqv"
RENAME_CART = "zxcGSD5BpXzXUzTg5a8i3j"
WEBSITE = DEMO_IDS["source"]
IOS = DEMO_IDS["secondSource"]
WEBHOOKS = DEMO_IDS["destinationMetadata"]
RENAMES = [{"oldName": "total", "newName": "revenue"}]
VALUES = [{"propertyPaths": ["properties.currency", "context.currency"], "propertyValue": "USD"}]
FQL = [{"fql": "lowercase(properties.email)", "propertyName": "properties.email_lower"}]
HASHING = {"algorithm": "SHA-256", "paths": ["properties.email"], "key": "pepper", "encoding": "BASE64"}
SAMPLE_FIELDS = ("propertyRenames", "propertyValueTransformations")


def sent(emulator: Emulator, method: str) -> list[Any]:
    """The bodies of the requests to /transformations* made with `method`, in order."""
    return [r.json for r in emulator.requests if r.method == method and r.path.startswith("/transformations")]


def minimal(**extra: Any) -> dict[str, Any]:
    return {"name": "Rename Orders", "sourceId": WEBSITE, "enabled": True, "ifInput": 'event = "Order"', **extra}


async def test_get_transformation(emulator: Emulator, conn: dict[str, Any]) -> None:
    found = (await run("getTransformation", {"transformationId": RENAME_SIGNUP}, conn))["data"]["transformation"]
    assert found == emulator.state.transformations[RENAME_SIGNUP]
    assert (found["name"], found["sourceId"], found["if"]) == ("Rename Signup Event", WEBSITE, 'event = "signup"')
    assert found["enabled"] is True


@pytest.mark.parametrize("key", ["getTransformation", "updateTransformation", "deleteTransformation"])
async def test_missing_transformation_is_not_found(emulator: Emulator, conn: dict[str, Any], key: str) -> None:
    with pytest.raises(NotFound) as caught:
        await run(key, {"transformationId": "missing"}, conn)
    assert caught.value.status == 404


async def test_list_transformations_one_page_and_next_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    first = (await run("listTransformations", {"count": 2}, conn))["data"]
    assert [t["id"] for t in first["transformations"]] == [RENAME_SIGNUP, DROP_TESTS]
    assert first["pagination"]["totalEntries"] == 3
    second = (await run("listTransformations", {"count": "2", "cursor": first["pagination"]["next"]}, conn))["data"]
    assert [t["id"] for t in second["transformations"]] == [RENAME_CART]
    assert "next" not in second["pagination"]


async def test_list_transformations_fetch_all_sees_every_one_once(emulator: Emulator, conn: dict[str, Any]) -> None:
    # fetchAll reads pages of the API's maximum (1000): make sure there are more than one.
    for n in range(1000):
        emulator.state.create_transformation({"name": f"Bulk {n}", "sourceId": IOS, "enabled": False, "if": "x"})
    emulator.requests.clear()
    body = await run("listTransformations", {"fetchAll": True, "count": 1}, conn)
    ids = [t["id"] for t in body["data"]["transformations"]]
    assert ids == list(emulator.state.transformations)
    assert len(set(ids)) == 1003
    assert body["data"]["pagination"] == {"totalEntries": 1003}
    assert len(emulator.requests) == 2


async def test_transformation_create_get_list_update_delete_cycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = (
        await run(
            "createTransformation",
            minimal(
                destinationMetadataId=WEBHOOKS,
                newEventName="Order Placed",
                propertyRenames=RENAMES,
                propertyValueTransformations=VALUES,
                fqlDefinedProperties=FQL,
                drop=False,
                allowProperties=["properties.revenue"],
                hashPropertiesConfiguration=HASHING,
            ),
            conn,
        )
    )["data"]["transformation"]
    tid = created["id"]
    stored = emulator.state.transformations[tid]
    assert stored == created
    assert stored["if"] == 'event = "Order"' and "ifInput" not in stored
    assert (stored["name"], stored["sourceId"], stored["destinationMetadataId"]) == ("Rename Orders", WEBSITE, WEBHOOKS)
    assert (stored["enabled"], stored["drop"], stored["newEventName"]) == (True, False, "Order Placed")
    assert stored["propertyRenames"] == RENAMES
    assert stored["propertyValueTransformations"] == VALUES
    assert stored["fqlDefinedProperties"] == FQL
    assert stored["allowProperties"] == ["properties.revenue"]
    assert stored["hashPropertiesConfiguration"] == HASHING

    got = (await run("getTransformation", {"transformationId": tid}, conn))["data"]["transformation"]
    assert got == stored
    listed = (await run("listTransformations", {"fetchAll": True}, conn))["data"]["transformations"]
    assert [t["id"] for t in listed].count(tid) == 1

    updated = (
        await run(
            "updateTransformation",
            {"transformationId": tid, "name": "Orders v2", "sourceId": IOS, "propertyRenames": "[]"},
            conn,
        )
    )["data"]["transformation"]
    assert sent(emulator, "PATCH")[-1] == {"name": "Orders v2", "sourceId": IOS, "propertyRenames": []}
    stored = emulator.state.transformations[tid]
    assert updated == stored
    assert (stored["name"], stored["sourceId"], stored["propertyRenames"]) == ("Orders v2", IOS, [])
    assert stored["propertyValueTransformations"] == VALUES
    assert stored["hashPropertiesConfiguration"] == HASHING
    assert stored["if"] == 'event = "Order"'

    await run(
        "updateTransformation",
        {
            "transformationId": tid,
            "ifInput": "type = 'identify'",
            "drop": "true",
            "hashPropertiesConfiguration": '{"algorithm": "MD5", "paths": ["a"]}',
        },
        conn,
    )
    stored = emulator.state.transformations[tid]
    assert (stored["if"], stored["drop"]) == ("type = 'identify'", True)
    assert stored["hashPropertiesConfiguration"] == {"algorithm": "MD5", "paths": ["a"]}
    got = (await run("getTransformation", {"transformationId": tid}, conn))["data"]["transformation"]
    assert got == stored

    deleted = await run("deleteTransformation", {"transformationId": tid}, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert tid not in emulator.state.transformations
    with pytest.raises(NotFound):
        await run("getTransformation", {"transformationId": tid}, conn)


async def test_list_items_are_checked_before_any_request(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        await run(
            "createTransformation",
            minimal(
                propertyRenames=[{"oldName": "a"}],
                hashPropertiesConfiguration={"paths": ["p"], "encoding": "ROT13"},
            ),
            conn,
        )
    message = str(caught.value)
    assert "propertyRenames.0.newName" in message
    assert "hashPropertiesConfiguration.algorithm" in message
    assert "hashPropertiesConfiguration.encoding" in message
    assert emulator.requests == []


def test_list_inputs_publish_their_item_shape() -> None:
    schema = segment.actions["createTransformation"].spec.schema
    defs, props = schema["$defs"], schema["properties"]

    def item(key: str) -> dict[str, Any]:
        return dict(defs[props[key]["items"]["$ref"].rsplit("/", 1)[-1]])

    assert item("propertyRenames")["required"] == ["oldName", "newName"]
    assert item("propertyValueTransformations")["required"] == ["propertyPaths", "propertyValue"]
    assert item("fqlDefinedProperties")["required"] == ["fql", "propertyName"]
    assert props["allowProperties"]["items"] == {"type": "string"}
    hashing = defs[props["hashPropertiesConfiguration"]["$ref"].rsplit("/", 1)[-1]]
    assert hashing["required"] == ["algorithm", "paths"]
    assert props["ifInput"]["title"] == "If"
    assert schema["required"] == ["name", "sourceId", "enabled", "ifInput"]


# The replaced component: enabled was sent as the string "true"/"false".
@pytest.mark.parametrize("given", [False, "false", True, "true"])
async def test_enabled_is_sent_as_a_boolean(emulator: Emulator, conn: dict[str, Any], given: Any) -> None:
    expected = given in (True, "true")
    for key in ("createTransformation", "updateTransformation"):
        assert segment.actions[key].spec.schema["properties"]["enabled"]["type"] == "boolean"

    created = (await run("createTransformation", minimal(enabled=given), conn))["data"]["transformation"]
    assert sent(emulator, "POST")[-1]["enabled"] is expected
    assert emulator.state.transformations[created["id"]]["enabled"] is expected

    await run("updateTransformation", {"transformationId": RENAME_CART, "enabled": given}, conn)
    assert sent(emulator, "PATCH")[-1] == {"enabled": expected}
    assert emulator.state.transformations[RENAME_CART]["enabled"] is expected


# The replaced component: updateTransformation always sent `if` ("" when blank) and required
# sourceId and destinationMetadataId.
async def test_update_sends_if_only_when_given(emulator: Emulator, conn: dict[str, Any]) -> None:
    schema = segment.actions["updateTransformation"].spec.schema
    assert schema["required"] == ["transformationId"]
    before = dict(emulator.state.transformations[RENAME_SIGNUP])

    await run("updateTransformation", {"transformationId": RENAME_SIGNUP, "name": "Signup", "ifInput": ""}, conn)
    await run("updateTransformation", {"transformationId": RENAME_SIGNUP, "newEventName": "Joined"}, conn)
    assert sent(emulator, "PATCH") == [{"name": "Signup"}, {"newEventName": "Joined"}]
    after = emulator.state.transformations[RENAME_SIGNUP]
    assert after == {**before, "name": "Signup", "newEventName": "Joined"}
    assert (after["if"], after["sourceId"], after["destinationMetadataId"]) == ('event = "signup"', WEBSITE, WEBHOOKS)

    await run("updateTransformation", {"transformationId": RENAME_SIGNUP, "ifInput": 'event = "joined"'}, conn)
    assert sent(emulator, "PATCH")[-1] == {"if": 'event = "joined"'}
    assert emulator.state.transformations[RENAME_SIGNUP]["if"] == 'event = "joined"'


# The replaced component: propertyRenames and propertyValueTransformations defaulted to sample data that was sent.
async def test_no_sample_lists_are_sent(emulator: Emulator, conn: dict[str, Any]) -> None:
    for key in ("createTransformation", "updateTransformation"):
        properties = segment.actions[key].spec.schema["properties"]
        assert all("default" not in properties[field] for field in SAMPLE_FIELDS)

    created = (await run("createTransformation", minimal(), conn))["data"]["transformation"]
    assert sent(emulator, "POST")[-1] == {
        "name": "Rename Orders",
        "sourceId": WEBSITE,
        "enabled": True,
        "if": 'event = "Order"',
    }
    stored = emulator.state.transformations[created["id"]]
    assert (stored["propertyRenames"], stored["propertyValueTransformations"]) == ([], [])

    renames = list(emulator.state.transformations[RENAME_CART]["propertyRenames"])
    assert renames == [{"oldName": "sku_id", "newName": "sku"}]
    await run(
        "updateTransformation",
        {"transformationId": RENAME_CART, "name": "Cart", "propertyRenames": "", "propertyValueTransformations": None},
        conn,
    )
    assert sent(emulator, "PATCH")[-1] == {"name": "Cart"}
    assert emulator.state.transformations[RENAME_CART]["propertyRenames"] == renames

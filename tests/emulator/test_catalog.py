"""The three catalogs."""

from __future__ import annotations

from component.emulator import DEMO_IDS

from .conftest import Client

D = DEMO_IDS


async def test_sources_catalog(api: Client) -> None:
    entries, _ = await api.walk("/catalog/sources", "sourcesCatalog", 4)
    assert len(entries) == 10
    js = (await api.get(f"/catalog/sources/{D['sourceMetadata']}")).data["sourceMetadata"]
    assert js["name"] == "Javascript" and js["slug"] == "javascript"
    assert entries[0] == js
    assert {"id", "name", "slug", "description", "logos", "options", "categories", "isCloudEventSource"} <= set(js)


async def test_destinations_catalog(api: Client) -> None:
    entries, _ = await api.walk("/catalog/destinations", "destinationsCatalog", 3)
    assert len(entries) == 10
    with_actions = [e for e in entries if e["actions"]]
    assert len(with_actions) >= 2 and all(e["presets"] for e in with_actions)
    webhook = (await api.get(f"/catalog/destinations/{D['destinationMetadata']}")).data["destinationMetadata"]
    assert webhook["name"] == "Webhooks (Actions)"
    action = next(a for a in webhook["actions"] if a["id"] == D["action"])
    assert (action["name"], action["slug"]) == ("Send", "send")
    assert webhook["presets"][0]["actionId"] == D["action"]


async def test_warehouses_catalog(api: Client) -> None:
    entries, _ = await api.walk("/catalog/warehouses", "warehousesCatalog", 3)
    assert [e["name"] for e in entries] == ["Postgres", "Redshift", "Snowflake", "BigQuery"]
    postgres = (await api.get(f"/catalog/warehouses/{D['warehouseMetadata']}")).data["warehouseMetadata"]
    password = next(o for o in postgres["options"] if o["name"] == "password")
    assert password["type"] == "password" and password["required"] is True

"""The demo workspace, and the large workspace for benchmarks.

The demo workspace is small, realistic and identical on every start. It is data, not code:
``demo_workspace.json`` beside this module (shipped as package data, in the format of
:meth:`~.state.Workspace.dump`) is read at start. Its ids are fixed so that the component's example
inputs hit real objects; the main ones are exported as :data:`DEMO_IDS`. To change the demo, edit
the JSON file and regenerate the example payloads (``segment-component fixtures``).

Workspace ``9aQ1Lj62S4bomZKLF4DPqW``, slug ``demo-workspace``, name "Demo Workspace"; accepted
token :data:`DEMO_API_KEY`.

Sources (4)
    ``kjU72LCJexvrqL7G4TMHHN`` "Website" (slug ``my-test-source-rhpd18``, Javascript ``1bow82lmk``);
    ``p1EpNWphY9v4Fpm0jGx8Ew`` "iOS App" (iOS); ``dImPXq5IIDjNgmQfS10qMZ`` "Backend" (Node.js);
    ``vyL9G0qJtgyeOQGpHTpSov`` "Stripe Payments" (Stripe, disabled).
Destinations (5)
    ``fP7qoQw2HTWt9WdMr718gn`` "Webhooks (Actions)" on Website (metadata
    ``54521fd525e721e32a72ee91``, Webhooks (Actions)); ``ny4UTU5aZuLiIeLWX9dSYr`` "Order Webhook",
    the same type on the same source under another name; ``BYd87L8DNp2RDSly8Gvnkv`` "Amplitude" on
    iOS App (Amplitude (Actions), its ``secretKey`` censored); ``oCQ7f3PS1I4Hfcr6tjmtV9``
    "Mixpanel" on Backend (a single-instance type: a second one on Backend gets a 400);
    ``aRKjER1ppLz8C0zDJTTKGr`` "Slack Alerts" on Backend.
Destination subscriptions (3)
    ``iUyx2UdPSvp4uJtYAhjTup`` "Send Track Events" on ``fP7qoQw2HTWt9WdMr718gn``, action "Send"
    ``jiMz7MfHNeHmUckzRnUGkU``, trigger ``type = "track"``; ``e1P19ZK60Aa7eaCnIHGHYw`` "Send
    Orders" on Order Webhook; ``PdEm9hXQ4prBtUGHft7nnz`` "Track Calls" on Amplitude (Log Event).
Warehouses (3) and connections
    ``WHxy7bqXaGCpo4TZDW2LMe`` "Analytics Postgres" (Postgres ``55d3d3aea3c``) <- Website, iOS App;
    ``IpZ8FbTaRdLLrWdKs3mRGN`` "Staging Postgres" (Postgres) <- Backend;
    ``dV6zknPCTXuUzd3RS0W6rM`` "Finance Snowflake" (Snowflake) <- Stripe Payments. Every warehouse
    has a ``password`` setting, returned censored.
Functions (5): one per type
    ``sfnc_wXzcDGFR3KmjLDrtSawNHf`` SOURCE "Stripe Webhook Parser"; ``dfn_2xkHO4U56GdRV3pvcWLtTe``
    DESTINATION "Post to Internal API"; ``ifnd_BSD3IwfOpSutRxbzURYCwp`` INSERT_DESTINATION "Enrich
    Orders"; ``ifns_2x9wWhye9jOVkmwd0woihb`` INSERT_SOURCE "Scrub PII";
    ``iftr_FkHR9F1kmYbw9wjnL0jJaj`` INSERT_TRANSFORMATION "Normalize Event Names".
Transformations (3)
    ``pHrD51Ds35Zjfka84yXQE6`` "Rename Signup Event" on Website (scoped to Webhooks (Actions));
    ``NhhTceEdLdzvd6SoX33xqv`` "Drop Test Events" on iOS App; ``zxcGSD5BpXzXUzTg5a8i3j``
    "Rename Cart Properties" on Website.
Users (3) and roles (6)
    ``u7Ruh3KrmSqF1VGqJ5aYQn`` Ada Lovelace <ada@example.com>, Workspace Owner;
    ``9ZINnu5gDdo44xB9eak0fH`` Grace Hopper <grace@example.com>, Source Admin on Website;
    ``kafq1O7em8iPoim59RpZbc`` Alan Turing <alan@example.com>, Workspace Member. Roles: Workspace
    Owner ``1xPyHMkA9ZvEJy9KrwVNZ5ZWSEP``, Workspace Member, Source Admin, Source Read-only,
    Warehouse Admin, Functions Admin.
Catalog
    10 sources, 10 destinations (Webhooks (Actions) and Amplitude (Actions) carry ``actions[]``
    and ``presets[]``), 4 warehouses (Postgres, Redshift, Snowflake, BigQuery), each warehouse
    with a sensitive ``password``/credentials option (``type: "password"``).

``build_workspace(seed=N)`` adds N sources, N destinations (one on each new source) and N entries
to each catalog, with ids from a seeded RNG; the seeded sources are not connected to warehouses.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .state import IdFactory, Record, Workspace

DEMO_API_KEY = "emulator-demo-token"
DEMO_SUBDOMAIN = "demo-workspace"

DEMO_IDS: dict[str, str] = {
    "workspace": "9aQ1Lj62S4bomZKLF4DPqW",
    "source": "kjU72LCJexvrqL7G4TMHHN",
    "destination": "fP7qoQw2HTWt9WdMr718gn",
    "subscription": "iUyx2UdPSvp4uJtYAhjTup",
    "action": "jiMz7MfHNeHmUckzRnUGkU",
    "destinationMetadata": "54521fd525e721e32a72ee91",
    "sourceMetadata": "1bow82lmk",
    "warehouseMetadata": "55d3d3aea3c",
    "warehouse": "WHxy7bqXaGCpo4TZDW2LMe",
    "function": "sfnc_wXzcDGFR3KmjLDrtSawNHf",
    "destinationFunction": "dfn_2xkHO4U56GdRV3pvcWLtTe",
    "insertDestinationFunction": "ifnd_BSD3IwfOpSutRxbzURYCwp",
    "insertSourceFunction": "ifns_2x9wWhye9jOVkmwd0woihb",
    "insertTransformationFunction": "iftr_FkHR9F1kmYbw9wjnL0jJaj",
    "transformation": "pHrD51Ds35Zjfka84yXQE6",
    "user": "u7Ruh3KrmSqF1VGqJ5aYQn",
    "secondUser": "9ZINnu5gDdo44xB9eak0fH",
    "role": "1xPyHMkA9ZvEJy9KrwVNZ5ZWSEP",
    "secondSource": "p1EpNWphY9v4Fpm0jGx8Ew",
    "secondDestination": "ny4UTU5aZuLiIeLWX9dSYr",
    "secondWarehouse": "IpZ8FbTaRdLLrWdKs3mRGN",
}

_CDN = "https://cdn-devcenter.segment.com"


def _logos(name: str) -> Record:
    key = name.lower().replace(" ", "-").replace(".", "").replace("(", "").replace(")", "")
    return {"default": f"{_CDN}/{key}-default.svg", "mark": f"{_CDN}/{key}-mark.svg", "alt": ""}


def _option(
    name: str,
    type_: str,
    label: str,
    description: str,
    *,
    required: bool = False,
    default: Any = None,
) -> Record:
    option: Record = {"name": name, "type": type_, "required": required, "description": description, "label": label}
    if default is not None:
        option["defaultValue"] = default
    return option


def _destination_meta(
    id_: str,
    name: str,
    slug: str,
    description: str,
    categories: list[str],
    options: list[Record],
    *,
    instances: str = "MULTIPLE",
    actions: list[Record] | None = None,
    presets: list[Record] | None = None,
    components: list[Record] | None = None,
    device_mode: bool = False,
    status: str = "PUBLIC",
    previous_names: list[str] | None = None,
) -> Record:
    return {
        "id": id_,
        "name": name,
        "slug": slug,
        "description": description,
        "logos": _logos(name),
        "options": options,
        "status": status,
        "previousNames": previous_names if previous_names is not None else [name],
        "categories": categories,
        "website": f"https://segment.com/docs/connections/destinations/catalog/{slug}/",
        "components": components if components is not None else [{"type": "SERVER", "code": "", "owner": "SEGMENT"}],
        "supportedFeatures": {
            "cloudModeInstances": instances,
            "deviceModeInstances": "SINGLE" if device_mode else "NONE",
            "replay": actions is None,
            "browserUnbundling": device_mode,
            "browserUnbundlingPublic": device_mode,
        },
        "supportedMethods": {"pageview": True, "identify": True, "alias": True, "track": True, "group": True},
        "supportedPlatforms": {"browser": True, "server": True, "mobile": True},
        "actions": actions or [],
        "presets": presets or [],
        "contacts": [],
        "partnerOwned": False,
        "supportedRegions": ["us-west-2", "eu-west-1"],
    }


def _warehouse_options(extra: list[Record]) -> list[Record]:
    return [
        *extra,
        _option("username", "string", "Username", "The user Segment connects as.", required=True),
        _option("password", "password", "Password", "That user's password.", required=True),
    ]


DEMO_FILE = "demo_workspace.json"


#: What an empty workspace keeps of the demo: the catalogs and roles, with nothing created yet.
_EMPTY_KEEPS = ("version", "workspace", "sourceCatalog", "destinationCatalog", "warehouseCatalog", "roles")


def build_demo_workspace(id_seed: int = 0, *, empty: bool = False) -> Workspace:
    """The demo workspace documented above; ``id_seed`` seeds the ids of objects created later.
    With ``empty``, only the catalogs and roles: a workspace with nothing in it yet."""
    data = json.loads(resources.files(__package__).joinpath(DEMO_FILE).read_text(encoding="utf-8"))
    if empty:
        data = {key: value for key, value in data.items() if key in _EMPTY_KEEPS}
        data["connections"] = {}
    return Workspace.load(data, id_seed=id_seed)


_WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne")
_KINDS = ("Web", "iOS", "Android", "Server", "Cloud", "Kiosk", "TV", "Partner")


def add_large_seed(ws: Workspace, count: int, seed: int) -> None:
    """Add ``count`` sources, destinations and catalog entries of each kind, deterministically.

    Built as dict literals straight into the workspace (no per-object validation): 10,000 of each
    take well under a second.
    """
    if count <= 0:
        return
    ids = IdFactory(seed)
    source_ids = ids.many_base62(count)
    destination_ids = ids.many_base62(count)
    write_keys = ids.many_base62(count, 32)
    empty_options: list[Record] = []
    logos = _logos("seeded")
    width = len(str(count))
    source_meta: list[Record] = []
    for i in range(count):
        n = f"{i:0{width}d}"
        entry: Record = {
            "id": f"seedsrc{n}",
            "name": f"{_WORDS[i % 10]} {_KINDS[i % 8]} {n}",
            "slug": f"seed-source-{n}",
            "description": "A generated catalog source.",
            "logos": logos,
            "options": empty_options,
            "categories": ["Custom"],
            "isCloudEventSource": False,
            "status": "PUBLIC",
            "partnerOwned": False,
        }
        ws.add_source_metadata(entry)
        source_meta.append(entry)
    destination_meta: list[Record] = []
    key_option = [_option("apiKey", "string", "API Key", "A generated key option.", required=True)]
    for i in range(count):
        n = f"{i:0{width}d}"
        entry = _destination_meta(
            f"seeddst{n}",
            f"{_WORDS[(i + 3) % 10]} Destination {n}",
            f"seed-destination-{n}",
            "A generated catalog destination.",
            ["Custom"],
            key_option,
        )
        ws.add_destination_metadata(entry)
        destination_meta.append(entry)
    warehouse_options = _warehouse_options([])
    for i in range(count):
        n = f"{i:0{width}d}"
        ws.add_warehouse_metadata(
            {
                "id": f"seedwh{n}",
                "name": f"{_WORDS[(i + 7) % 10]} Warehouse {n}",
                "slug": f"seed-warehouse-{n}",
                "description": "A generated catalog warehouse.",
                "logos": logos,
                "options": warehouse_options,
            }
        )
    for i in range(count):
        n = f"{i:0{width}d}"
        sid = source_ids[i]
        ws.sources[sid] = {
            "id": sid,
            "slug": f"seed-source-{n}",
            "name": f"{_WORDS[i % 10]} {_KINDS[i % 8]} Source {n}",
            "workspaceId": ws.id,
            "enabled": i % 7 != 0,
            "writeKeys": [write_keys[i]],
            "metadata": source_meta[i],
            "settings": {},
            "labels": [],
        }
        did = destination_ids[i]
        ws.destinations[did] = {
            "id": did,
            "name": f"{_WORDS[(i + 5) % 10]} Destination {n}",
            "enabled": i % 5 != 0,
            "metadata": destination_meta[i],
            "sourceId": sid,
            "settings": {"apiKey": f"key-{n}"},
        }


def build_workspace(seed: int | None = None, *, empty: bool = False) -> Workspace:
    """The demo workspace, plus ``seed`` of each bulk object when ``seed`` is given; with
    ``empty``, the catalogs and roles only."""
    ws = build_demo_workspace(id_seed=seed or 0, empty=empty)
    if seed:
        add_large_seed(ws, seed, seed)
    return ws

"""The seeded demo workspace, and the large workspace for benchmarks.

The demo workspace is small, realistic and identical on every start. Its ids are fixed (written
out below, never generated) so that the component's example inputs hit real objects; the main
ones are exported as :data:`DEMO_IDS`.

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


def _source_meta(
    id_: str,
    name: str,
    slug: str,
    description: str,
    categories: list[str],
    options: list[Record] | None = None,
    *,
    cloud_event: bool = False,
) -> Record:
    return {
        "id": id_,
        "name": name,
        "slug": slug,
        "description": description,
        "logos": _logos(name),
        "options": options or [],
        "categories": categories,
        "isCloudEventSource": cloud_event,
        "status": "PUBLIC",
        "partnerOwned": False,
    }


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


def _field(
    id_: str,
    order: int,
    key: str,
    label: str,
    type_: str,
    description: str,
    *,
    required: bool = False,
    default: Any = None,
    multiple: bool = False,
    choices: Any = None,
    placeholder: str | None = None,
) -> Record:
    f: Record = {
        "id": id_,
        "sortOrder": order,
        "fieldKey": key,
        "label": label,
        "type": type_,
        "description": description,
        "required": required,
        "multiple": multiple,
        "dynamic": False,
        "allowNull": False,
    }
    if placeholder is not None:
        f["placeholder"] = placeholder
    if default is not None:
        f["defaultValue"] = default
    if choices is not None:
        f["choices"] = choices
    return f


def _action(id_: str, slug: str, name: str, description: str, trigger: str | None, fields: list[Record]) -> Record:
    return {
        "id": id_,
        "slug": slug,
        "name": name,
        "description": description,
        "platform": "CLOUD",
        "hidden": False,
        "defaultTrigger": trigger,
        "fields": fields,
    }


WEBHOOK_ACTIONS: list[Record] = [
    _action(
        DEMO_IDS["action"],
        "send",
        "Send",
        "Send an HTTP request.",
        None,
        [
            _field(
                "F1meWWW5Jzkd3aQGqDbgqH",
                0,
                "url",
                "URL",
                "STRING",
                "URL to deliver data to.",
                required=True,
                placeholder="https://example.com/webhook",
            ),
            _field(
                "IqA7FwcTCTTfZZ2xCS9rVw",
                1,
                "method",
                "Method",
                "STRING",
                "HTTP method to use.",
                required=True,
                default="POST",
                choices=[{"label": m, "value": m} for m in ("POST", "PUT", "PATCH")],
            ),
            _field(
                "Sez9KHeSO4dNHb3uYGDVC0", 2, "headers", "Headers", "OBJECT", "HTTP headers to send with each request."
            ),
            _field(
                "mpTQ3ZHXME55Z3qwp920Ds",
                3,
                "data",
                "Data",
                "OBJECT",
                "Payload to deliver to the webhook URL.",
                default={"@path": "$."},
            ),
            _field(
                "jrGIBT5KOpVfnAKys7diCI",
                4,
                "enable_batching",
                "Batch data",
                "BOOLEAN",
                "Send events in batches.",
                default=False,
            ),
            _field(
                "NDPPCvF0P61mUbZHDdRdUs",
                5,
                "batch_size",
                "Batch Size",
                "INTEGER",
                "Maximum number of events in a batch.",
                default=1000,
            ),
        ],
    ),
]
AMPLITUDE_ACTIONS: list[Record] = [
    _action(
        "GfoKXXcF046JrTvuAIPvvR",
        "logEventV2",
        "Log Event V2",
        "Send an event to Amplitude.",
        'type = "track"',
        [
            _field(
                "7LnXkFvsoMkOsr3yxOVYPl",
                0,
                "user_id",
                "User ID",
                "STRING",
                "A readable ID specified by you.",
                default={"@path": "$.userId"},
            ),
            _field(
                "igWPo1vUaAUsVEVJgivs1J",
                1,
                "event_type",
                "Event Type",
                "STRING",
                "A unique identifier for your event.",
                required=True,
                default={"@path": "$.event"},
            ),
            _field(
                "TzOfd9Q2gKuH6LgWioqCzk",
                2,
                "event_properties",
                "Event Properties",
                "OBJECT",
                "Properties of the event.",
                default={"@path": "$.properties"},
            ),
        ],
    ),
    _action(
        "ekCHoKt6myTTozIXA5X7g6",
        "identifyUser",
        "Identify User",
        "Set the user ID for a particular device ID or update user properties.",
        'type = "identify"',
        [
            _field(
                "8spvfPpMEAo40oV0HFW9AS",
                0,
                "user_id",
                "User ID",
                "STRING",
                "A readable ID specified by you.",
                default={"@path": "$.userId"},
            ),
            _field(
                "yIy9Q33Hw9bWsjvZjI9RVx",
                1,
                "user_properties",
                "User Properties",
                "OBJECT",
                "Additional data tied to the user.",
                default={"@path": "$.traits"},
            ),
        ],
    ),
    _action(
        "lTW48zOcHHeXALCAf6kH4f",
        "groupIdentifyUser",
        "Group Identify User",
        "Set or update properties of particular groups.",
        'type = "group"',
        [
            _field(
                "158DaZ2OdMg5qnnPoQiLgu",
                0,
                "group_type",
                "Group Type",
                "STRING",
                "The type of the group.",
                required=True,
            ),
        ],
    ),
]
AMPLITUDE_PRESETS: list[Record] = [
    {"actionId": "GfoKXXcF046JrTvuAIPvvR", "name": "Track Calls", "fields": {}, "trigger": 'type = "track"'},
    {"actionId": "ekCHoKt6myTTozIXA5X7g6", "name": "Identify Calls", "fields": {}, "trigger": 'type = "identify"'},
    {"actionId": "lTW48zOcHHeXALCAf6kH4f", "name": "Group Calls", "fields": {}, "trigger": 'type = "group"'},
]
WEBHOOK_PRESETS: list[Record] = [
    {"actionId": DEMO_IDS["action"], "name": "Webhook", "fields": {}, "trigger": 'type = "track"'},
]


def _source_catalog() -> list[Record]:
    return [
        _source_meta(
            DEMO_IDS["sourceMetadata"],
            "Javascript",
            "javascript",
            "Analytics.js, Segment's library for websites.",
            ["Website"],
            [_option("trackAllPages", "boolean", "Track all pages", "Send a page call on load.", default=True)],
        ),
        _source_meta("k6zsyarb7i", "iOS", "ios", "Analytics for iOS apps.", ["Mobile"]),
        _source_meta("ewl2lfw2ze", "Android", "android", "Analytics for Android apps.", ["Mobile"]),
        _source_meta("0ucakrxdc9", "Node.js", "node-js", "Server-side analytics for Node.js.", ["Server"]),
        _source_meta("qlnha3esiu", "Python", "python", "Server-side analytics for Python.", ["Server"]),
        _source_meta("j477ifdiel", "HTTP API", "http-api", "Send data to Segment over HTTP.", ["Server"]),
        _source_meta(
            "w41792evkb",
            "Stripe",
            "stripe",
            "Payments data from Stripe.",
            ["Payments"],
            [_option("apiKey", "password", "Restricted API key", "A Stripe restricted key.", required=True)],
        ),
        _source_meta("n13hovq4ba", "Salesforce", "salesforce", "CRM objects from Salesforce.", ["CRM"]),
        _source_meta("vb0b2itiyn", "Zendesk", "zendesk", "Tickets and users from Zendesk.", ["Helpdesk"]),
        _source_meta(
            "6yb0cg3kn0", "Braze", "braze", "Engagement events from Braze.", ["Email Marketing"], cloud_event=True
        ),
    ]


def _destination_catalog() -> list[Record]:
    return [
        _destination_meta(
            DEMO_IDS["destinationMetadata"],
            "Webhooks (Actions)",
            "actions-webhook",
            "Send events to any HTTP endpoint.",
            ["Raw Data"],
            [_option("sharedSecret", "password", "Shared Secret", "Signs each request with an X-Signature header.")],
            actions=WEBHOOK_ACTIONS,
            presets=WEBHOOK_PRESETS,
            components=[],
        ),
        _destination_meta(
            "5f7dd6d21ad74f3842b1fc47",
            "Amplitude (Actions)",
            "actions-amplitude",
            "Product analytics.",
            ["Analytics"],
            [
                _option("apiKey", "string", "API Key", "Your Amplitude project API key.", required=True),
                _option("secretKey", "password", "Secret Key", "Your Amplitude project secret key.", required=True),
                _option("endpoint", "select", "Endpoint Region", "The Amplitude data center.", default="north_america"),
            ],
            actions=AMPLITUDE_ACTIONS,
            presets=AMPLITUDE_PRESETS,
            components=[],
        ),
        _destination_meta(
            "1dd257d50f4bf777e1030fe1",
            "Mixpanel",
            "mixpanel",
            "Event analytics.",
            ["Analytics"],
            [
                _option("token", "string", "Project Token", "Your Mixpanel project token.", required=True),
                _option("apiSecret", "password", "API Secret", "Your Mixpanel API secret."),
            ],
            instances="SINGLE",
            device_mode=True,
            components=[
                {
                    "type": "BROWSER",
                    "code": "https://github.com/segmentio/analytics.js-integrations",
                    "owner": "SEGMENT",
                },
                {"type": "SERVER", "code": "", "owner": "SEGMENT"},
            ],
        ),
        _destination_meta(
            "e345c182ead5c02a25c8e409",
            "Google Tag Manager",
            "google-tag-manager",
            "Tag management for websites.",
            ["Tag Managers"],
            [_option("containerId", "string", "Container ID", "Your GTM container id.", required=True)],
            instances="SINGLE",
            device_mode=True,
            components=[
                {
                    "type": "BROWSER",
                    "code": "https://github.com/segmentio/analytics.js-integrations",
                    "owner": "SEGMENT",
                }
            ],
        ),
        _destination_meta(
            "19659889f30658609e6aca3c",
            "Slack",
            "slack",
            "Post events to Slack channels.",
            ["Raw Data"],
            [
                _option(
                    "incomingWebhookUrl", "password", "Incoming Webhook URL", "A Slack webhook URL.", required=True
                ),
                _option("channels", "map", "Event Channels", "Which channel each event goes to."),
            ],
        ),
        _destination_meta(
            "51e19600796fa12e99ea5086",
            "Amazon S3",
            "amazon-s3",
            "Archive raw events in S3.",
            ["Raw Data"],
            [
                _option("bucket", "string", "Bucket Name", "The bucket to write to.", required=True),
                _option("region", "string", "Region", "The bucket's AWS region.", default="us-west-2"),
            ],
            instances="SINGLE",
        ),
        _destination_meta(
            "a97076d1c4ce1c3f57842e30",
            "Intercom",
            "intercom",
            "Customer messaging.",
            ["Livechat"],
            [
                _option("appId", "string", "App ID", "Your Intercom app id.", required=True),
                _option("apiKey", "password", "Access Token", "Your Intercom access token."),
            ],
            instances="SINGLE",
        ),
        _destination_meta(
            "ec0cb761a66fa2d20a5d14e0",
            "Braze",
            "braze",
            "Customer engagement.",
            ["Email Marketing"],
            [
                _option("apiKey", "password", "REST API Key", "A Braze REST API key.", required=True),
                _option("appGroupId", "string", "App Identifier", "Your Braze app identifier."),
            ],
            instances="SINGLE",
        ),
        _destination_meta(
            "b9a626730abe3cccfb568025",
            "Customer.io",
            "customer-io",
            "Behavioral email.",
            ["Email Marketing"],
            [
                _option("siteId", "string", "Site ID", "Your Customer.io site id.", required=True),
                _option("apiKey", "password", "API Key", "Your Customer.io API key.", required=True),
            ],
            instances="SINGLE",
        ),
        _destination_meta(
            "d7addc9cf2513d22fcd39f13",
            "HubSpot",
            "hubspot",
            "Marketing automation and CRM.",
            ["CRM"],
            [_option("portalId", "string", "Hub ID", "Your HubSpot hub id.", required=True)],
            instances="SINGLE",
            status="DEPRECATED",
        ),
    ]


def _warehouse_options(extra: list[Record]) -> list[Record]:
    return [
        *extra,
        _option("username", "string", "Username", "The user Segment connects as.", required=True),
        _option("password", "password", "Password", "That user's password.", required=True),
    ]


def _warehouse_catalog() -> list[Record]:
    def entry(id_: str, name: str, slug: str, description: str, options: list[Record]) -> Record:
        return {
            "id": id_,
            "name": name,
            "slug": slug,
            "description": description,
            "logos": _logos(name),
            "options": options,
        }

    host = _option("hostname", "string", "Host", "The database host name.", required=True)
    port = _option("port", "number", "Port", "The database port.", required=True)
    database = _option("database", "string", "Database", "The database to load into.", required=True)
    return [
        entry(
            DEMO_IDS["warehouseMetadata"],
            "Postgres",
            "postgres",
            "PostgreSQL as a data warehouse.",
            _warehouse_options([host, dict(port, defaultValue=5432), database]),
        ),
        entry(
            "55902c89680",
            "Redshift",
            "redshift",
            "Amazon Redshift.",
            _warehouse_options([host, dict(port, defaultValue=5439), database]),
        ),
        entry(
            "8a3798bf36c",
            "Snowflake",
            "snowflake",
            "The Snowflake data cloud.",
            _warehouse_options(
                [
                    _option("account", "string", "Account", "Your Snowflake account id.", required=True),
                    _option("warehouse", "string", "Warehouse", "The compute warehouse.", required=True),
                    database,
                ]
            ),
        ),
        entry(
            "23837c77e79",
            "BigQuery",
            "bigquery",
            "Google BigQuery.",
            [
                _option("project", "string", "Project", "The GCP project id.", required=True),
                _option("location", "string", "Location", "The dataset location.", default="US"),
                _option("credentials", "password", "Credentials", "A service account JSON key.", required=True),
            ],
        ),
    ]


_ROLES: list[tuple[str, str, str]] = [
    (DEMO_IDS["role"], "Workspace Owner", "Full edit access to everything in the workspace, including billing."),
    ("1xjNwqFiwZMNpXvgofNKxhP5PiK", "Workspace Member", "Access the workspace; other access comes from roles."),
    ("1x3H9tcPBckptxhnnKh4NPwHMBD", "Source Admin", "Edit access to assigned sources and their settings."),
    ("1xiWwWcoomrRb1W3QHmigHBFn2c", "Source Read-only", "Read access to assigned sources."),
    ("1xhJpZ4vA0zQ0yqIPBWh517S4LE", "Warehouse Admin", "Edit access to assigned warehouses."),
    ("1xNis8Irf9WvoxgSTj1yilF0OsI", "Functions Admin", "Create, edit and deploy functions."),
]

_SOURCE_FUNCTION_CODE = """\
// Learn more about source functions at https://segment.com/docs/connections/sources/source-functions
async function onRequest(request, settings) {
  const body = request.json()
  Segment.track({ event: body.type, userId: body.data.object.customer, properties: body.data.object })
}
"""
_DESTINATION_FUNCTION_CODE = """\
async function onTrack(event, settings) {
  const res = await fetch(settings.endpoint, { method: 'POST', body: JSON.stringify(event) })
  return res.json()
}
"""
_INSERT_FUNCTION_CODE = """\
async function onTrack(event, settings) {
  return event
}
"""


def build_demo_workspace(id_seed: int = 0, *, empty: bool = False) -> Workspace:
    """The demo workspace documented above; ``id_seed`` seeds the ids of objects created later.
    With ``empty``, only the catalogs and roles: a workspace with nothing in it yet."""
    ws = Workspace(DEMO_IDS["workspace"], DEMO_SUBDOMAIN, "Demo Workspace", id_seed=id_seed)
    for entry in _source_catalog():
        ws.add_source_metadata(entry)
    for entry in _destination_catalog():
        ws.add_destination_metadata(entry)
    for entry in _warehouse_catalog():
        ws.add_warehouse_metadata(entry)
    for role_id, name, description in _ROLES:
        ws.add_role(role_id, name, description)
    if empty:
        return ws

    website = ws.create_source(
        id_=DEMO_IDS["source"],
        slug="my-test-source-rhpd18",
        name="Website",
        enabled=True,
        metadata_id=DEMO_IDS["sourceMetadata"],
        settings={"trackAllPages": True},
        write_keys=["wk9xQ2mT7pLcR4vN8bZ1yHs3dF6gJ0aE"],
        connect_warehouses=False,
        labels=[{"key": "environment", "value": "prod"}],
    )
    ios = ws.create_source(
        id_=DEMO_IDS["secondSource"],
        slug="ios-app",
        name="iOS App",
        enabled=True,
        metadata_id="k6zsyarb7i",
        write_keys=["Ri7Tn2Vb5Xc8Zq1Wm4Lk6Jh9Gf3Ds0Ap"],
        connect_warehouses=False,
        labels=[{"key": "environment", "value": "prod"}],
    )
    backend = ws.create_source(
        id_="dImPXq5IIDjNgmQfS10qMZ",
        slug="backend-node",
        name="Backend",
        enabled=True,
        metadata_id="0ucakrxdc9",
        write_keys=["Bk3Ld8Pq1Ws6Ez9Rt2Yu5Io7Ha4Sj0Kx"],
        connect_warehouses=False,
    )
    stripe = ws.create_source(
        id_="vyL9G0qJtgyeOQGpHTpSov",
        slug="stripe-payments",
        name="Stripe Payments",
        enabled=False,
        metadata_id="w41792evkb",
        settings={"apiKey": "rk_live_51Demo0000000000000000000"},
        write_keys=["St5Fg1Hj8Kl2Zx6Cv9Bn3Mq4Wr7Ty0Ui"],
        connect_warehouses=False,
    )

    ws.create_destination(
        id_=DEMO_IDS["destination"],
        source_id=website["id"],
        metadata_id=DEMO_IDS["destinationMetadata"],
        name="Webhooks (Actions)",
        enabled=True,
        settings={"sharedSecret": "whsec_demo_4f7a9c"},
    )
    ws.create_destination(
        id_=DEMO_IDS["secondDestination"],
        source_id=website["id"],
        metadata_id=DEMO_IDS["destinationMetadata"],
        name="Order Webhook",
        enabled=True,
        settings={},
    )
    ws.create_destination(
        id_="BYd87L8DNp2RDSly8Gvnkv",
        source_id=ios["id"],
        metadata_id="5f7dd6d21ad74f3842b1fc47",
        name="Amplitude",
        enabled=True,
        settings={
            "apiKey": "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
            "secretKey": "s3cr3t-amplitude",
            "endpoint": "north_america",
        },
    )
    ws.create_destination(
        id_="oCQ7f3PS1I4Hfcr6tjmtV9",
        source_id=backend["id"],
        metadata_id="1dd257d50f4bf777e1030fe1",
        name="Mixpanel",
        enabled=True,
        settings={"token": "mp-demo-token-123", "apiSecret": "mp-secret-456"},
    )
    ws.create_destination(
        id_="aRKjER1ppLz8C0zDJTTKGr",
        source_id=backend["id"],
        metadata_id="19659889f30658609e6aca3c",
        name="Slack Alerts",
        enabled=False,
        settings={
            "incomingWebhookUrl": "https://hooks.slack.com/services/T000/B000/XXXX",
            "channels": {"Order Completed": "#sales"},
        },
    )

    ws.create_subscription(
        DEMO_IDS["destination"],
        id_=DEMO_IDS["subscription"],
        name="Send Track Events",
        action_id=DEMO_IDS["action"],
        trigger='type = "track"',
        enabled=True,
        settings={"url": "https://example.com/webhook", "method": "POST", "data": {"@path": "$."}},
    )
    ws.create_subscription(
        DEMO_IDS["secondDestination"],
        id_="e1P19ZK60Aa7eaCnIHGHYw",
        name="Send Orders",
        action_id=DEMO_IDS["action"],
        trigger='type = "track" and event = "Order Completed"',
        enabled=True,
        settings={"url": "https://example.com/orders", "method": "POST", "data": {"@path": "$.properties"}},
    )
    ws.create_subscription(
        "BYd87L8DNp2RDSly8Gvnkv",
        id_="PdEm9hXQ4prBtUGHft7nnz",
        name="Track Calls",
        action_id="GfoKXXcF046JrTvuAIPvvR",
        trigger='type = "track"',
        enabled=True,
        settings={"event_type": {"@path": "$.event"}, "user_id": {"@path": "$.userId"}},
    )

    ws.create_warehouse(
        id_=DEMO_IDS["warehouse"],
        metadata_id=DEMO_IDS["warehouseMetadata"],
        name="Analytics Postgres",
        enabled=True,
        connect_sources=False,
        settings={
            "hostname": "analytics.db.example.com",
            "port": 5432,
            "database": "analytics",
            "username": "segment",
            "password": "pg-analytics-pass",
        },
    )
    ws.create_warehouse(
        id_=DEMO_IDS["secondWarehouse"],
        metadata_id=DEMO_IDS["warehouseMetadata"],
        name="Staging Postgres",
        enabled=False,
        connect_sources=False,
        settings={
            "hostname": "staging.db.example.com",
            "port": 5432,
            "database": "staging",
            "username": "segment",
            "password": "pg-staging-pass",
        },
    )
    ws.create_warehouse(
        id_="dV6zknPCTXuUzd3RS0W6rM",
        metadata_id="8a3798bf36c",
        name="Finance Snowflake",
        enabled=True,
        connect_sources=False,
        settings={
            "account": "demo-xy12345",
            "warehouse": "SEGMENT_WH",
            "database": "FINANCE",
            "username": "SEGMENT",
            "password": "snow-pass",
        },
    )
    ws.connect(DEMO_IDS["warehouse"], website["id"])
    ws.connect(DEMO_IDS["warehouse"], ios["id"])
    ws.connect(DEMO_IDS["secondWarehouse"], backend["id"])
    ws.connect("dV6zknPCTXuUzd3RS0W6rM", stripe["id"])

    ws.add_user(
        DEMO_IDS["user"],
        "Ada Lovelace",
        "ada@example.com",
        [
            {
                "roleId": DEMO_IDS["role"],
                "roleName": "Workspace Owner",
                "resources": [{"id": ws.id, "type": "WORKSPACE"}],
            },
        ],
    )
    ws.add_user(
        DEMO_IDS["secondUser"],
        "Grace Hopper",
        "grace@example.com",
        [
            {
                "roleId": "1x3H9tcPBckptxhnnKh4NPwHMBD",
                "roleName": "Source Admin",
                "resources": [{"id": website["id"], "type": "SOURCE"}],
            },
        ],
    )
    ws.add_user(
        "kafq1O7em8iPoim59RpZbc",
        "Alan Turing",
        "alan@example.com",
        [
            {
                "roleId": "1xjNwqFiwZMNpXvgofNKxhP5PiK",
                "roleName": "Workspace Member",
                "resources": [{"id": ws.id, "type": "WORKSPACE"}],
            },
        ],
    )
    ws.token_user_id = DEMO_IDS["user"]

    functions = [
        (
            DEMO_IDS["function"],
            "SOURCE",
            "Stripe Webhook Parser",
            "Turns Stripe webhooks into track events.",
            _SOURCE_FUNCTION_CODE,
        ),
        (
            DEMO_IDS["destinationFunction"],
            "DESTINATION",
            "Post to Internal API",
            "Forwards track events to the internal events API.",
            _DESTINATION_FUNCTION_CODE,
        ),
        (
            DEMO_IDS["insertDestinationFunction"],
            "INSERT_DESTINATION",
            "Enrich Orders",
            "Adds margin data to Order Completed events.",
            _INSERT_FUNCTION_CODE,
        ),
        (
            DEMO_IDS["insertSourceFunction"],
            "INSERT_SOURCE",
            "Scrub PII",
            "Removes email and phone traits before delivery.",
            _INSERT_FUNCTION_CODE,
        ),
        (
            DEMO_IDS["insertTransformationFunction"],
            "INSERT_TRANSFORMATION",
            "Normalize Event Names",
            "Title-cases event names.",
            _INSERT_FUNCTION_CODE,
        ),
    ]
    for i, (fid, kind, name, description, code) in enumerate(functions):
        ws.create_function(
            id_=fid,
            resource_type=kind,
            display_name=name,
            description=description,
            code=code,
            logo_url=f"{_CDN}/functions/{fid}.svg",
            created_at=f"2024-03-1{i}T09:30:00.000Z",
            settings=[
                {
                    "name": "apiKey",
                    "label": "API Key",
                    "description": "Key for the upstream API.",
                    "type": "STRING",
                    "required": kind == "SOURCE",
                    "sensitive": True,
                }
            ],
        )
        ws.functions[fid]["deployedAt"] = f"2024-03-1{i}T10:00:00.000Z"

    ws.create_transformation(
        {
            "name": "Rename Signup Event",
            "sourceId": website["id"],
            "enabled": True,
            "if": 'event = "signup"',
            "destinationMetadataId": DEMO_IDS["destinationMetadata"],
            "newEventName": "Signed Up",
        },
        id_=DEMO_IDS["transformation"],
    )
    ws.create_transformation(
        {
            "name": "Drop Test Events",
            "sourceId": ios["id"],
            "enabled": True,
            "if": "properties.test = true",
            "drop": True,
        },
        id_="NhhTceEdLdzvd6SoX33xqv",
    )
    ws.create_transformation(
        {
            "name": "Rename Cart Properties",
            "sourceId": website["id"],
            "enabled": False,
            "if": 'event = "Product Added"',
            "propertyRenames": [{"oldName": "sku_id", "newName": "sku"}],
        },
        id_="zxcGSD5BpXzXUzTg5a8i3j",
    )
    return ws


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

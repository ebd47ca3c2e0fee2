"""Exact requests: Functions and Transformations."""

from __future__ import annotations

import pytest

from tests.request_cases import Case, check_exact_request

FUNCTION = "sfnc_wXzcDGFR3KmjLDrtSawNHf"
TRANSFORMATION = "pHrD51Ds35Zjfka84yXQE6"
SOURCE = "kjU72LCJexvrqL7G4TMHHN"
METADATA = "54521fd525e721e32a72ee91"
TYPES = ["DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION", "SOURCE"]
SETTING = {
    "name": "apiKey",
    "label": "API Key",
    "description": "Key.",
    "type": "STRING",
    "required": True,
    "sensitive": True,
}
CODE = "async function onTrack(event) {}"
HASH = {"algorithm": "SHA-256", "paths": ["properties.email"], "key": "k", "encoding": "HEX"}

CASES = [
    # Functions
    Case("getFunction", {"functionId": FUNCTION}, "GET", f"/functions/{FUNCTION}"),
    # aioresponses records the query sorted by name, so the expected pairs are listed sorted.
    *[
        Case(
            "listFunctions",
            {"resourceType": kind},
            "GET",
            "/functions",
            [("pagination[count]", "50"), ("resourceType", kind)],
        )
        for kind in TYPES
    ],
    Case(
        "listFunctions",
        {"resourceType": "insert_source", "count": "10", "cursor": "MTA="},
        "GET",
        "/functions",
        [("pagination[count]", "10"), ("pagination[cursor]", "MTA="), ("resourceType", "INSERT_SOURCE")],
    ),
    *[
        Case(
            "createFunction",
            {"code": CODE, "displayName": "Fn", "resourceType": kind},
            "POST",
            "/functions",
            body={"code": CODE, "displayName": "Fn", "resourceType": kind},
        )
        for kind in TYPES
    ],
    Case(
        "createFunction",
        {
            "code": CODE,
            "displayName": "Fn",
            "resourceType": "SOURCE",
            "settings": [SETTING],
            "logoUrl": "https://example.com/l.png",
            "description": "D",
        },
        "POST",
        "/functions",
        body={
            "code": CODE,
            "displayName": "Fn",
            "resourceType": "SOURCE",
            "settings": [SETTING],
            "logoUrl": "https://example.com/l.png",
            "description": "D",
        },
    ),
    # Form hosts send lists as JSON text and booleans inside it as JSON booleans.
    Case(
        "createFunction",
        {
            "code": CODE,
            "displayName": "Fn",
            "resourceType": "DESTINATION",
            "settings": '[{"name": "apiKey", "label": "API Key", "description": "Key.", '
            '"type": "STRING", "required": true, "sensitive": true}]',
        },
        "POST",
        "/functions",
        body={"code": CODE, "displayName": "Fn", "resourceType": "DESTINATION", "settings": [SETTING]},
    ),
    Case(
        "updateFunction",
        {"functionId": FUNCTION, "displayName": "New"},
        "PATCH",
        f"/functions/{FUNCTION}",
        body={"displayName": "New"},
    ),
    Case("updateFunction", {"functionId": FUNCTION}, "PATCH", f"/functions/{FUNCTION}", body={}),
    Case(
        "updateFunction",
        {
            "functionId": FUNCTION,
            "code": CODE,
            "settings": [],
            "displayName": "N",
            "logoUrl": "https://example.com/l.png",
            "description": "",
        },
        "PATCH",
        f"/functions/{FUNCTION}",
        body={"code": CODE, "settings": [], "displayName": "N", "logoUrl": "https://example.com/l.png"},
    ),
    Case(
        "updateFunction",
        {"functionId": FUNCTION, "settings": [SETTING]},
        "PATCH",
        f"/functions/{FUNCTION}",
        body={"settings": [SETTING]},
    ),
    Case("deleteFunction", {"functionId": FUNCTION}, "DELETE", f"/functions/{FUNCTION}"),
    # Transformations
    Case("getTransformation", {"transformationId": TRANSFORMATION}, "GET", f"/transformations/{TRANSFORMATION}"),
    Case("listTransformations", {}, "GET", "/transformations", [("pagination[count]", "50")]),
    Case(
        "listTransformations",
        {"count": 5, "cursor": "NQ=="},
        "GET",
        "/transformations",
        [("pagination[count]", "5"), ("pagination[cursor]", "NQ==")],
    ),
    Case(
        "createTransformation",
        {"name": "T", "sourceId": SOURCE, "enabled": "true", "ifInput": 'event = "a"'},
        "POST",
        "/transformations",
        body={"name": "T", "sourceId": SOURCE, "enabled": True, "if": 'event = "a"'},
    ),
    Case(
        "createTransformation",
        {"name": "T", "sourceId": SOURCE, "enabled": False, "ifInput": 'event = "a"'},
        "POST",
        "/transformations",
        body={"name": "T", "sourceId": SOURCE, "enabled": False, "if": 'event = "a"'},
    ),
    Case(
        "createTransformation",
        {
            "name": "T",
            "sourceId": SOURCE,
            "enabled": True,
            "ifInput": "type = 'identify'",
            "destinationMetadataId": METADATA,
            "newEventName": "N",
            "propertyRenames": [{"oldName": "a", "newName": "b"}],
            "drop": "false",
            "propertyValueTransformations": '[{"propertyPaths": ["properties.c"], "propertyValue": "v"}]',
            "fqlDefinedProperties": [{"fql": "lowercase(x)", "propertyName": "y"}],
            "allowProperties": ["properties.a"],
            "hashPropertiesConfiguration": HASH,
        },
        "POST",
        "/transformations",
        body={
            "name": "T",
            "sourceId": SOURCE,
            "destinationMetadataId": METADATA,
            "enabled": True,
            "if": "type = 'identify'",
            "drop": False,
            "newEventName": "N",
            "propertyRenames": [{"oldName": "a", "newName": "b"}],
            "propertyValueTransformations": [{"propertyPaths": ["properties.c"], "propertyValue": "v"}],
            "fqlDefinedProperties": [{"fql": "lowercase(x)", "propertyName": "y"}],
            "allowProperties": ["properties.a"],
            "hashPropertiesConfiguration": HASH,
        },
    ),
    # An object input arrives as JSON text from form hosts; unset optional keys are not sent.
    Case(
        "createTransformation",
        {
            "name": "T",
            "sourceId": SOURCE,
            "enabled": True,
            "ifInput": "x",
            "hashPropertiesConfiguration": '{"algorithm": "SHA-256", "paths": ["properties.email"]}',
        },
        "POST",
        "/transformations",
        body={
            "name": "T",
            "sourceId": SOURCE,
            "enabled": True,
            "if": "x",
            "hashPropertiesConfiguration": {"algorithm": "SHA-256", "paths": ["properties.email"]},
        },
    ),
    Case(
        "updateTransformation",
        {"transformationId": TRANSFORMATION},
        "PATCH",
        f"/transformations/{TRANSFORMATION}",
        body={},
    ),
    Case(
        "updateTransformation",
        {"transformationId": TRANSFORMATION, "enabled": "false"},
        "PATCH",
        f"/transformations/{TRANSFORMATION}",
        body={"enabled": False},
    ),
    Case(
        "updateTransformation",
        {"transformationId": TRANSFORMATION, "name": "N", "ifInput": ""},
        "PATCH",
        f"/transformations/{TRANSFORMATION}",
        body={"name": "N"},
    ),
    Case(
        "updateTransformation",
        {
            "transformationId": TRANSFORMATION,
            "name": "N",
            "sourceId": SOURCE,
            "destinationMetadataId": METADATA,
            "enabled": True,
            "ifInput": "x",
            "drop": True,
            "newEventName": "E",
            "propertyRenames": [],
            "propertyValueTransformations": [],
            "fqlDefinedProperties": [],
            "allowProperties": [],
            "hashPropertiesConfiguration": {"algorithm": "MD5", "paths": ["p"]},
        },
        "PATCH",
        f"/transformations/{TRANSFORMATION}",
        body={
            "name": "N",
            "sourceId": SOURCE,
            "destinationMetadataId": METADATA,
            "enabled": True,
            "if": "x",
            "drop": True,
            "newEventName": "E",
            "propertyRenames": [],
            "propertyValueTransformations": [],
            "fqlDefinedProperties": [],
            "allowProperties": [],
            "hashPropertiesConfiguration": {"algorithm": "MD5", "paths": ["p"]},
        },
    ),
    Case("deleteTransformation", {"transformationId": TRANSFORMATION}, "DELETE", f"/transformations/{TRANSFORMATION}"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)

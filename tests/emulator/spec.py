"""The official OpenAPI spec (v32.0.5) as a JSON Schema validator for the emulator's bodies.

The official OpenAPI spec is read when present beside the repo
(``../shared/segment-public-api/openapi.json``); when it is absent, :data:`SPEC` is unavailable
and the conformance tests skip saying so.

OpenAPI 3.0 is translated: ``nullable: true`` becomes "or null". Where the live API (73.2.0)
differs from 32.0.5, the schema is relaxed here, each with its reason:

* functions: ``resourceType`` has five values in 73.2.0 (32.0.5: DESTINATION, SOURCE only);
* events volume: a result item carries ``source`` only when grouping by source (73.2.0 makes it
  optional; 32.0.5 requires it);
* 201 answers (createSource, createInvites, addConnectionFromSourceToWarehouse) are checked
  against the spec's 200 schema, the body being the same.

Fields 73.2.0 added (``trackingPlanId``, ``modelId``, ``status``, the v1 transformation fields...)
need no relaxation: the spec's schemas do not forbid additional properties.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "segment-public-api" / "openapi.json"
SKIP_REASON = f"the official OpenAPI spec is not present beside the repo (looked for {SPEC_PATH})"

FUNCTION_TYPES = ["DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION", "SOURCE"]


def _translate(node: Any) -> Any:
    if isinstance(node, list):
        return [_translate(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _translate(v) for k, v in node.items() if k not in ("nullable", "example", "discriminator")}
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


def _relax(schemas: dict[str, Any]) -> None:
    # 73.2.0: five function types in createFunction and listFunctions (32.0.5 had two).
    for name in ("FunctionV1", "ListFunctionItemV1"):
        prop = schemas[name]["properties"]["resourceType"]
        prop["enum"] = FUNCTION_TYPES
    # Events volume: `source` only when grouped by source (optional in 73.2.0).
    item = schemas["SourceEventVolumeV1"]
    item["required"] = [r for r in item.get("required", []) if r != "source"]


class Spec:
    @cached_property
    def document(self) -> dict[str, Any] | None:
        if not SPEC_PATH.is_file():
            return None
        with SPEC_PATH.open(encoding="utf-8") as f:
            doc: dict[str, Any] = json.load(f)
        return doc

    @property
    def available(self) -> bool:
        return self.document is not None

    @cached_property
    def _schemas(self) -> dict[str, Any]:
        assert self.document is not None
        schemas = copy.deepcopy(self.document["components"]["schemas"])
        _relax(schemas)
        return {name: _translate(s) for name, s in schemas.items()}

    @cached_property
    def _routes(self) -> list[tuple[str, re.Pattern[str], str, str]]:
        assert self.document is not None
        routes = []
        for path, item in self.document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")
            for method, op in item.items():
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                response = op["responses"].get("200") or op["responses"].get("201")
                content = response["content"]
                ref = next(iter(content.values()))["schema"]["$ref"].rsplit("/", 1)[-1]
                routes.append((method.upper(), pattern, op["operationId"], ref))
        # Literal paths before templated ones: /warehouses before /warehouses/{id}.
        routes.sort(key=lambda r: r[1].pattern.count("[^/]+"))
        return routes

    def operation(self, method: str, path: str) -> tuple[str, str]:
        for m, pattern, op_id, schema in self._routes:
            if m == method and pattern.match(path):
                return op_id, schema
        raise KeyError(f"no operation in the spec for {method} {path}")

    def operation_ids(self) -> set[str]:
        return {r[2] for r in self._routes}

    @cached_property
    def _validators(self) -> dict[str, Draft7Validator]:
        return {}

    def validator(self, schema_name: str) -> Draft7Validator:
        if schema_name not in self._validators:
            root = {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": self._schemas}}
            self._validators[schema_name] = Draft7Validator(root)
        return self._validators[schema_name]

    def validate(self, method: str, path: str, body: Any) -> str:
        """Validate a success body; the operationId it was checked against."""
        op_id, schema = self.operation(method, path.rstrip("/") or "/")
        errors = sorted(self.validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            details = "; ".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])
            raise AssertionError(f"{op_id} ({method} {path}) does not match {schema}: {details}")
        return op_id


SPEC = Spec()

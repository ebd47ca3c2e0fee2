"""The API's closed sets of values agree wherever they are used."""

from __future__ import annotations

import typing

from component import segment
from component.segment.values import (
    DEFAULT_REGION,
    FUNCTION_TYPES,
    REGION_ALIASES,
    REGION_LABELS,
    REGION_URLS,
    FunctionType,
    Region,
)


def test_every_region_has_a_url_a_label_and_only_known_aliases() -> None:
    regions = set(typing.get_args(Region))
    assert regions == {"api", "eu1.api"}
    assert set(REGION_URLS) == set(REGION_LABELS) == regions
    assert set(REGION_ALIASES.values()) <= regions
    assert DEFAULT_REGION in regions
    assert all(url == f"https://{region}.segmentapis.com" for region, url in REGION_URLS.items())


def test_every_function_type_has_a_label() -> None:
    assert set(typing.get_args(FunctionType)) == set(FUNCTION_TYPES)


def test_the_published_region_and_function_type_choices_are_these_values() -> None:
    manifest = segment.manifest()
    assert manifest["component"]["regions"] == REGION_URLS
    region = manifest["actions"]["getSource"]["inputs"]["properties"]["region"]
    assert {option["const"]: option["title"] for option in region["oneOf"]} == REGION_LABELS
    assert region["default"] == DEFAULT_REGION
    kinds = manifest["actions"]["createFunction"]["inputs"]["properties"]["resourceType"]["oneOf"]
    assert {option["const"]: option["title"] for option in kinds} == FUNCTION_TYPES

"""The raw request: any method and path on the connection's base URL, with its own retry options.

The `url` is a path on the base URL (the region's, or the connection's `baseUrl`); the urls module
refuses anything that could reach another origin. Headers that would change the target or the
credentials are refused, so the token only ever goes where the connection says.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import parse_qsl

import aiohttp
from pydantic import ValidationInfo, field_validator, model_validator

from component.framework.inputs import Input
from component.segment.client import ResponseType
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.inputs import SegmentInputs
from component.segment.policy import DEFAULT_POLICY, MAX_BINARY_RESPONSE_BYTES, RetryPolicy
from component.segment.urls import check_raw_path
from component.segment.values import REGION_URLS

METHODS = ("DELETE", "GET", "HEAD", "LINK", "OPTIONS", "PATCH", "POST", "PURGE", "PUT", "UNLINK")
RESPONSE_TYPES: dict[str, str] = {"json": "JSON", "text": "Text", "binary": "Binary (base64 text)"}
# Headers that would redirect the request, replace the credentials or corrupt the framing.
FORBIDDEN_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "host",
        "cookie",
        "forwarded",
        "x-forwarded-host",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-original-url",
        "x-rewrite-url",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "expect",
    }
)


class RawRequestInputs(SegmentInputs):
    url: str = Input(
        "URL",
        "The path to call on the Segment Public API, e.g. /sources or /catalog/destinations?pagination[count]=5. "
        f"The base URL comes from the region ({' or '.join(REGION_URLS.values())}) "
        "or the connection's Base URL; a full URL is refused.",
        example="/sources",
        min_length=1,
    )
    method: Literal[METHODS] = Input(  # type: ignore[valid-type]
        "Method",
        "The HTTP method to use.",
        example="GET",
        choices={m: m for m in METHODS},
        aliases={m.lower(): m for m in METHODS},
    )
    data: dict[str, Any] | list[Any] | str | None = Input(
        "Data",
        "The request body. A JSON object or list is sent as JSON; text is sent as it is.",
        default=None,
        example={"exampleKey": "Example Data"},
    )
    form_data: dict[str, str] | None = Input(
        "Form Data",
        "Fields to send as a multipart form upload (key: value).",
        default=None,
        alias="formData",
    )
    file_data: dict[str, str] | None = Input(
        "File Data",
        "Files to send as a multipart form upload (key: file contents).",
        default=None,
        alias="fileData",
        example={"example.txt": "My File Contents"},
    )
    file_data_file_names: dict[str, str] | None = Input(
        "File Data File Names",
        "File names for the File Data entries (key: file name); keys must match.",
        default=None,
        alias="fileDataFileNames",
    )
    query_params: dict[str, str] | None = Input(
        "Query Parameters",
        "Query parameters to add to the URL (key: value).",
        default=None,
        alias="queryParams",
        example={"pagination[count]": "10"},
    )
    headers: dict[str, str] | None = Input(
        "Headers",
        "Extra request headers (name: value). Authorization, Host and other headers that would change "
        "where the request goes or whose credentials it carries are refused.",
        default=None,
        example={"User-Agent": "curl/7.64.1"},
    )
    response_type: Literal["json", "text", "binary"] = Input(
        "Response Type",
        "How to read the response body: JSON, text, or binary (returned as base64 text).",
        default="json",
        alias="responseType",
        choices=RESPONSE_TYPES,
        aliases={"arraybuffer": "binary", "document": "text"},
    )
    timeout: int | None = Input(
        "Timeout",
        "Milliseconds to wait for each try's response before giving up.",
        default=None,
        example=2000,
        ge=1,
        le=600_000,
    )
    max_retries: int = Input(
        "Max Retry Count",
        "How many times to retry a failed request; 0 for no retries.",
        default=0,
        alias="maxRetries",
        ge=0,
        le=10,
    )
    retry_delay_ms: int = Input(
        "Retry Delay (ms)",
        "Milliseconds between retries when exponential backoff is off.",
        default=0,
        alias="retryDelayMS",
        ge=0,
        le=60_000,
    )
    retry_all_errors: bool = Input(
        "Retry On All Errors",
        "Retry every error response (4xx and 5xx), whatever the method. A try that got no answer (a "
        "timeout or a dropped connection) is still retried only for GET, HEAD, OPTIONS, PUT and DELETE: a "
        "POST or PATCH may already have been applied, so it is never sent again. Otherwise a POST or PATCH "
        "is retried only on HTTP 429, and other methods on 429, 5xx and network errors.",
        default=False,
        alias="retryAllErrors",
    )
    use_exponential_backoff: bool = Input(
        "Use Exponential Backoff",
        "Wait exponentially longer (with jitter) between retries; Retry Delay is then ignored.",
        default=False,
        alias="useExponentialBackoff",
    )
    debug_request: bool = Input(
        "Debug Request",
        "Log this request's HTTP calls (as the Debug input does).",
        default=False,
        alias="debugRequest",
    )

    @field_validator("url")
    @classmethod
    def _path_on_base_url(cls, value: str) -> str:
        return check_raw_path(value)

    @field_validator("headers")
    @classmethod
    def _safe_headers(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, header in (value or {}).items():
            if name.strip().lower() in FORBIDDEN_HEADERS:
                raise ValueError(f"the {name.strip()} header may not be set: the connection decides it")
            if any(ch in name + header for ch in "\r\n\0") or not name.strip():
                raise ValueError("header names and values must not contain line breaks")
        return value

    @field_validator("form_data", "file_data", "file_data_file_names")
    @classmethod
    def _plain_part_names(cls, value: dict[str, str] | None, info: ValidationInfo) -> dict[str, str] | None:
        """Field and file names go into multipart headers: a line break or quote there would
        corrupt (or forge) a part header."""
        names = list(value or {})
        if info.field_name == "file_data_file_names":
            names += list((value or {}).values())
        for name in names:
            if not name.strip() or any(ch in name for ch in '\r\n\0"'):
                raise ValueError("keys and file names must be non-empty, without line breaks or double quotes")
        return value

    @model_validator(mode="after")
    def _one_kind_of_body(self) -> RawRequestInputs:
        if self.data is not None and (self.form_data or self.file_data):
            raise ValueError("data cannot be combined with formData or fileData")
        return self

    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            attempts=self.max_retries + 1,
            fixed_delay=None if self.use_exponential_backoff else self.retry_delay_ms / 1000,
            retry_all_errors=self.retry_all_errors,
            timeout=self.timeout / 1000 if self.timeout else DEFAULT_POLICY.timeout,
            max_response_bytes=(
                MAX_BINARY_RESPONSE_BYTES if self.response_type == "binary" else DEFAULT_POLICY.max_response_bytes
            ),
        )

    def form(self) -> aiohttp.FormData | None:
        if not (self.form_data or self.file_data):
            return None
        form = aiohttp.FormData()
        for key, value in (self.form_data or {}).items():
            form.add_field(key, value)
        names = self.file_data_file_names or {}
        for key, contents in (self.file_data or {}).items():
            form.add_field(key, contents.encode(), filename=names.get(key, key))
        return form


@action(
    "rawRequest",
    label="Raw Request",
    description="Sends a request to any path of the Segment Public API with the connection's credentials.",
    example={"url": "/sources", "method": "GET", "queryParams": {"pagination[count]": "2"}},
    connection_input="connection",
)
async def raw_request(ctx: SegmentContext, inputs: RawRequestInputs) -> Any:
    if inputs.debug_request:
        ctx.trace.debug = True
    route, _, inline_query = inputs.url.partition("?")
    query = parse_qsl(inline_query, keep_blank_values=True) + list((inputs.query_params or {}).items())
    response_type: ResponseType = inputs.response_type
    form = inputs.form()
    return await ctx.client.request(
        inputs.method,
        route,
        query=query,
        json_body=inputs.data if isinstance(inputs.data, dict | list) else None,
        data=form if form is not None else (inputs.data if isinstance(inputs.data, str) else None),
        headers=inputs.headers,
        response_type=response_type,
        policy=inputs.policy(),
    )

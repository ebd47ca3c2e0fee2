"""Every URL the component sends to: regions, the base URL, path templates and raw paths.

This module is the only place that builds a URL. Its rules are what keep the token on the
configured origin:

* a host name is never built from free text: the region is one of two known values, and an
  explicit base URL (an emulator, a proxy) must be a plain http(s) origin with an optional path;
* a path parameter is percent-encoded whole (`/`, `?`, `#`, `%` included), and an empty, `.` or
  `..` value is refused, so an id can never reach another path;
* a raw path (the raw request action) must be a plain path on the base URL: anything that could
  name another origin (a scheme, `//host`, a backslash, userinfo, control characters, encoded
  slashes or dots, non-ASCII look-alikes) is refused.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote, urlsplit

from component.segment.errors import InputError
from component.segment.values import REGION_URLS

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Printable ASCII without space: anything else in a raw path is either a trick or a mistake.
_PATH_CHARS = re.compile(r"^[!-~]*$")
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|2e|00|0a|0d|09)", re.IGNORECASE)
MAX_RAW_PATH = 2048
MAX_SEGMENT = 1024
_HOST_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


class UnsafeUrl(ValueError):
    """A URL or path that could leave the configured origin; the message says why."""


def region_url(region: str) -> str:
    return REGION_URLS[region]


def check_base_url(url: str) -> str:
    """Return `url` without a trailing slash if it is a plain http(s) origin with an optional path."""
    text = url.strip()
    if not _PATH_CHARS.match(text):
        raise UnsafeUrl("must be a plain ASCII URL without spaces")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("must be an http:// or https:// URL with a host")
    if parts.username or parts.password or "@" in parts.netloc:
        raise UnsafeUrl("must not contain credentials")
    if "?" in text or "#" in text:  # even an empty one ("http://host/#"): every path would follow it
        raise UnsafeUrl("must not have a query or fragment (no '?' or '#')")
    if "\\" in text:
        raise UnsafeUrl("must not contain a backslash")
    try:
        port = parts.port
    except ValueError:
        raise UnsafeUrl("must have a port between 1 and 65535") from None
    if port == 0:
        raise UnsafeUrl("must have a port between 1 and 65535")
    if not _valid_host(parts.hostname):
        raise UnsafeUrl("must have a valid host name or IP address")
    return text.rstrip("/")


def _valid_host(host: str) -> bool:
    """A DNS name (underscores allowed, as in container names) or an IP address literal."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    return 0 < len(name) <= 253 and all(_HOST_LABEL.match(label) for label in name.split("."))


def check_segment(value: str) -> str:
    """A value that will fill one path segment: `.` and `..` would climb to another path, and a
    value longer than MAX_SEGMENT is no id (it would only make a request line no server reads)."""
    if value in ("", ".", ".."):
        raise UnsafeUrl("must not be empty, '.' or '..'")
    if len(value) > MAX_SEGMENT:
        raise UnsafeUrl(f"must be at most {MAX_SEGMENT} characters long")
    return value


def _encode_segment(name: str, value: object) -> str:
    try:
        return quote(check_segment(str(value)), safe="")
    except UnsafeUrl as exc:
        raise InputError.single(name, str(exc)) from None


#: Each template split once: its literal texts and, between them, its placeholder names
#: ("/sources/{sourceId}/connected-destinations" is ("/sources/", "sourceId", "/connected-destinations")).
_TEMPLATES: dict[str, tuple[str, ...]] = {}


def _split(template: str) -> tuple[str, ...]:
    parts = tuple(_PLACEHOLDER.split(template))
    _TEMPLATES[template] = parts
    return parts


def _segment(template: str, name: str, params: dict[str, object]) -> str:
    """The encoded value of placeholder `name`."""
    if name not in params:
        raise KeyError(f"path {template} needs {name}")
    value = params[name]
    text = value if type(value) is str else str(value)
    # Fast path: ASCII letters and digits need no quoting and cannot be empty, "." or "..".
    if text.isalnum() and text.isascii() and len(text) <= MAX_SEGMENT:
        return text
    return _encode_segment(name, text)


def path(template: str, **params: object) -> str:
    """Fill `template` ("/sources/{sourceId}") with percent-encoded parameters."""
    parts = _TEMPLATES.get(template) or _split(template)
    if len(parts) == 3:  # one placeholder: most paths
        return parts[0] + _segment(template, parts[1], params) + parts[2]
    out = list(parts)
    for index in range(1, len(parts), 2):
        out[index] = _segment(template, parts[index], params)
    return "".join(out)


def check_raw_path(raw: str) -> str:
    """Validate the raw request's `url`: a path (with an optional query) on the base URL.

    Returns it with a leading slash. Raises UnsafeUrl saying why it is refused.
    """
    text = raw.strip()
    if not text:
        raise UnsafeUrl("must not be empty")
    if len(text) > MAX_RAW_PATH:
        raise UnsafeUrl(f"must be at most {MAX_RAW_PATH} characters long")
    if not _PATH_CHARS.match(text):
        raise UnsafeUrl("must be plain ASCII without spaces or control characters (percent-encode them)")
    # A scheme, "//host", or "host:port/..." without a leading slash ("[::1]:443/x"): all name a host.
    if (
        _SCHEME.match(text)
        or text.startswith("//")
        or (not text.startswith("/") and ":" in text.partition("?")[0].split("/")[0])
    ):
        raise UnsafeUrl("must be a path such as /sources, not a URL: the host is set by the connection")
    if "\\" in text:
        raise UnsafeUrl("must not contain a backslash")
    if "#" in text:
        raise UnsafeUrl("must not contain a fragment (#)")
    if not text.startswith("/"):
        text = "/" + text
    route, _, _query = text.partition("?")
    if "@" in route:
        raise UnsafeUrl("must not contain '@' in the path")
    if _ENCODED_SEPARATOR.search(route):
        raise UnsafeUrl("must not contain encoded slashes, backslashes, dots or control characters")
    decoded = route
    for _ in range(3):  # undo nested encodings before looking at the segments
        decoded = unquote(decoded)
    if "@" in decoded:  # "%40" is refused like "@" itself
        raise UnsafeUrl("must not contain '@' in the path")
    if "\\" in decoded or "//" in decoded or not _PATH_CHARS.match(decoded):
        raise UnsafeUrl("must not contain empty segments, backslashes or control characters")
    # "..;x" is ".." to servlet containers (a matrix parameter): refused like ".." itself.
    if any(segment.split(";", 1)[0] in (".", "..") for segment in decoded.split("/")):
        raise UnsafeUrl("must not contain '.' or '..' segments")
    return text


def join(base_url: str, route: str) -> str:
    """The absolute URL for `route` (already encoded) on `base_url`."""
    if not route.startswith("/") or route.startswith("//"):
        raise UnsafeUrl("a route must start with a single '/'")
    return base_url + route

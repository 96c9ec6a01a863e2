"""Every URL pattern, signed in as every role, with hostile query parameters: never a 5xx.

The URL patterns come from the URL configuration (``_walk``), the objects in them and the
users of every role from the permission matrix's world (two agencies, one object of each
kind). Each page and API operation is asked with every parameter the code reads set to a
calendar edge (31/12/9999, 01/01/0001, "32/01/2025"), a huge number, a NUL, an overlong string
or junk. A refusal (400, 422) must carry a message; nothing may answer 5xx. Runs on SQLite and,
with ``DATABASE_URL`` set, on PostgreSQL (where NUL bytes and integer overflows used to fail).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.http import QueryDict
from django.test import Client
from django.urls import get_resolver, reverse

from dondoc.accounts.tests.matrix_world import ANONYMOUS, ROLES, World
from dondoc.accounts.tests.test_permission_matrix import (
    EXCLUDED_PREFIXES,
    ROWS,
    Row,
    _walk,
    browser,  # noqa: F401  (fixture)
    world,  # noqa: F401  (fixture)
)

#: Every query parameter a page or an API operation reads.
PARAMETERS = (
    "as_of",
    "page",
    "offset",
    "limit",
    "q",
    "program",
    "status",
    "sort",
    "on",
    "start",
    "end",
    "group",
    "lead",
    "agency",
    "member",
    "directive",
    "due_from",
    "due_to",
    "output",
    "output_kind",
    "date_from",
    "date_to",
    "valid_on",
    "parent",
    "kind",
    "state",
    "unread",
    "format",
    "user",
    "model",
    "object_id",
    "period",
    "next",
    "org_unit",
    "period_from",
    "period_to",
    "round",
    "public",
)

#: A harmless value of each kind, to find which parameters a page reads.
BENIGN = (
    {name: "1" for name in PARAMETERS}
    | {
        name: "10/04/2025"
        for name in (
            "as_of",
            "on",
            "start",
            "end",
            "due_from",
            "due_to",
            "date_from",
            "date_to",
            "period_from",
            "period_to",
        )
    }
    | {"valid_on": "10/04/2025", "q": "luat", "program": "NQ57", "period": "Quý I/2025"}
)

HOSTILE = {
    "far-future": "9999-12-31",
    "far-future-vn": "31/12/9999",
    "year-one": "0001-01-01",
    "no-such-day": "32/01/2025",
    "beyond-64-bit": str(2**63),
    "negative": "-1",
    "junk": "';<script>%00{{7*7}}",
    "superscript": "²",
    "blank": "   ",
}
#: Refused for every parameter before any page runs (``InputGuardMiddleware``).
REFUSED_EVERYWHERE = {"nul": "ab\x00cd", "overlong": "đ" * 5000}
#: The values sent to every parameter at once, for every role.
AT_ONCE = ("far-future", "no-such-day", "beyond-64-bit")
assert set(AT_ONCE) <= set(HOSTILE)


def _get_rows() -> dict[str, Row]:
    """The first row of each endpoint: it knows the URL's arguments."""
    rows: dict[str, Row] = {}
    for row in ROWS:
        rows.setdefault(row.endpoint, row)
    return rows


def _targets() -> Iterator[tuple[str, Row | None]]:
    """(key, row) of every URL pattern outside the excluded prefixes, and every API GET."""
    rows = _get_rows()
    seen = set()
    for key, route in _walk(get_resolver().url_patterns):
        if route.startswith(tuple(EXCLUDED_PREFIXES)) or route.startswith("api/"):
            continue
        if key not in seen:
            seen.add(key)
            yield key, rows.get(key)
    for row in ROWS:
        if row.api and row.method == "GET":
            yield row.endpoint, row
    yield "admin:index", rows["admin:index"]


TARGETS = list(_targets())


def _url(w: World, key: str, row: Row | None) -> str:
    args = row.args(w) if row and row.args else None
    if key.startswith("/"):
        return key.format(**(args or {}))
    if row and row.path:
        return (row.path(w) if callable(row.path) else row.path).split("?")[0]
    return reverse(key, args=args or [])


def _ask(client: Client, w: World, url: str, column: str, params: dict[str, str]):
    client.cookies.clear()
    headers = {}
    if column != ANONYMOUS:
        if url.startswith("/api/"):
            headers["Authorization"] = f"Bearer {w.tokens[column]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[column]
    return client.get(f"{url}?{urlencode(params)}", headers=headers)


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: HTTP {response.status_code}"
    if response.status_code in (400, 422):
        body = response.content.decode("utf-8", "replace")
        if response["Content-Type"].startswith("application/json"):
            assert response.json().get("detail"), f"{what}: a refusal without a message"
        else:
            message = re.search(r'<p class="error">([^<]+)</p>', body)
            assert message and message.group(1).strip(), f"{what}: a refusal without a message"


def _reads(client: Client, w: World, url: str) -> set[str]:
    """The query parameters the page at ``url`` reads (asked with harmless values)."""
    if url.startswith("/api/"):
        from dondoc.api.api import api

        path = url.removeprefix("/api")
        for template, operations in api.get_openapi_schema()["paths"].items():
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template.removeprefix("/api")))
            if re.fullmatch(pattern, path):
                return {
                    p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"
                }
        return set()
    read: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__")}

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    try:
        for name in originals:
            setattr(QueryDict, name, recording(name))
        for column in ("standing_office", "reporter_own"):
            _ask(client, w, url, column, BENIGN)
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)
    return read & set(PARAMETERS)


@pytest.mark.parametrize(("key", "row"), TARGETS, ids=[key for key, _row in TARGETS])
def test_no_page_answers_5xx_to_hostile_parameters(browser, world, db, key, row):  # noqa: F811
    """Every role, hostile values in every parameter at once; then each parameter the page
    reads alone (so that an early refusal of one hides no other), as the Standing Office, who
    sees everything."""
    url = _url(world, key, row)
    for name, value in REFUSED_EVERYWHERE.items():
        response = _ask(browser, world, url, ANONYMOUS, dict.fromkeys(PARAMETERS, value))
        assert response.status_code == 400, f"GET {url} with {name}: HTTP {response.status_code}"
        _check(response, f"GET {url} with {name}")
    for column in ROLES[1:]:
        for name in AT_ONCE:
            response = _ask(browser, world, url, column, dict.fromkeys(PARAMETERS, HOSTILE[name]))
            _check(response, f"GET {url} as {column} with {name}")
    for parameter in sorted(_reads(browser, world, url)):
        for name, value in HOSTILE.items():
            response = _ask(browser, world, url, "standing_office", {parameter: value})
            _check(response, f"GET {url} with {parameter}={name}")

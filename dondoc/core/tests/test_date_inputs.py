"""Every date input of every page and every date of every API operation, given a day not on
the calendar, a date beyond the supported range or plain text: never a 5xx, always a message.

The pages are those of the URL configuration, fetched as the Standing Office and as an
agency's reporter in the permission matrix's world; each form holding a date input is sent
back as the page drew it, with one date changed. The API's dates come from its OpenAPI
document (query parameters and body fields of format ``date``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.test import Client

from dondoc.accounts.tests.matrix_world import World
from dondoc.accounts.tests.test_permission_matrix import (
    browser,  # noqa: F401  (fixture)
    world,  # noqa: F401  (fixture)
)
from dondoc.core.tests.test_hostile_parameters import TARGETS, _ask, _url

#: What a person might type into a date input, and what the answer must say about it.
TYPED = {
    "32/01/2025": "32/01/2025”",  # the value quoted back: not a day on the calendar
    "31/12/9999": "01/01/1945",  # the supported range
    "01/01/0001": "01/01/1945",
    "hôm qua": "hôm qua”",  # text: "write it as dd/mm/yyyy"
}


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    browser_date_pickers: list[str] = field(default_factory=list)


class Forms(HTMLParser):
    """The forms of a page: their fields with the values the page drew, and date inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "date":
                form.browser_date_pickers.append(name)
            if "data-date-input" in a:
                form.dates.append(name)
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file", "button"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                form.fields.append((self._select, value))
                self._select = None
            elif self._first_option is None:
                self._first_option = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            name, _ = self.forms[-1].fields.pop()
            self.forms[-1].fields.append((name, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if self._first_option is not None and self.forms:
                self.forms[-1].fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms(html: str) -> list[Form]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def _send(client: Client, w: World, page_url: str, form: Form, data: list[tuple[str, str]]):
    target = urljoin(page_url, form.action or page_url)
    values: dict[str, list[str]] = {}
    for name, value in data:
        values.setdefault(name, []).append(value)
    if form.method == "post":
        return client.post(target, values, follow=True)
    return client.get(target, values, follow=True)


def _text(response) -> str:
    body = response.content.decode("utf-8", "replace")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


#: Date inputs that must be found (the walk would pass vacuously if the forms were missed).
EXPECTED = {
    "dashboard": {"as_of"},
    "task-list": {"as_of", "due_from", "due_to"},
    "task-detail": {"reported_on", "effective_on", "reply_due_on", "new_due_on"},
    "explanation-reply": {"proposed_due_on"},
    "rounds:round-open": {"period_start", "period_end", "due_on", "lock_on"},
    "rounds:action-plans": {"on", "issued_on"},
    "rounds:submission": {"t*-reported_on"},  # one form per task, prefixed with its id
    "reports:new": {"as_of", "issued_on"},
    "reports:member-brief": {"as_of"},
    "rounds:scorecards": {"start", "end"},
    "reports:agency-brief": {"as_of"},
    "audit:list": {"date_from", "date_to"},
}

PAGES = [(key, row) for key, row in TARGETS if not key.startswith("/")]


@pytest.mark.parametrize(("key", "row"), PAGES, ids=[key for key, _row in PAGES])
def test_every_date_input_refuses_what_is_not_a_date_with_a_message(browser, world, db, key, row):  # noqa: F811
    url = _url(world, key, row)
    seen: set[str] = set()
    for column in ("standing_office", "reporter_own"):
        page = _ask(browser, world, url, column, {})
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        for form in _forms(page.content.decode()):
            assert not form.browser_date_pickers, f"{url}: the browser's date picker"
            for date_name in form.dates:
                seen.add(date_name)
                for typed, says in TYPED.items():
                    data = [(n, typed if n == date_name else v) for n, v in form.fields]
                    if date_name not in dict(form.fields):
                        data.append((date_name, typed))
                    response = _send(browser, world, url, form, data)
                    what = f"{form.method.upper()} {form.action or url} {date_name}={typed!r}"
                    assert response.status_code < 500, f"{what} as {column}: HTTP 5xx"
                    assert says in _text(response), f"{what} as {column}: no message"
    named = {re.sub(r"^t\d+-", "t*-", name) for name in seen}
    assert named >= EXPECTED.get(key, set()), f"{url}: date inputs not found"


# The API ------------------------------------------------------------------------------------


def _is_date(schema: dict) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "date" for option in options)


def _date_inputs() -> list[tuple[str, str, str, str]]:
    """(method, path, where, name) of every date an operation reads."""
    from dondoc.api.api import api

    document = api.get_openapi_schema()
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _is_date(parameter["schema"]):
                    found.append((method.upper(), path, parameter["in"], parameter["name"]))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref", "")
                properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
                for name, schema in properties.items():
                    if _is_date(schema):
                        found.append((method.upper(), path, "body", name))
    return found


DATE_INPUTS = _date_inputs()


def test_the_api_has_dates_to_check():
    assert ("GET", "/api/tasks", "query", "as_of") in DATE_INPUTS
    assert ("POST", "/api/tasks/{task_id}/updates", "body", "reported_on") in DATE_INPUTS


@pytest.mark.parametrize(
    ("method", "path", "where", "name"), DATE_INPUTS, ids=[" ".join(d) for d in DATE_INPUTS]
)
def test_every_api_date_refuses_what_is_not_a_date_with_a_message(
    browser,  # noqa: F811
    world,  # noqa: F811
    db,
    method,
    path,
    where,
    name,
):
    ids = {"task_id": world.task_a, "directive_id": world.notice, "unit_id": world.agency_a}
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
    headers = {"Authorization": f"Bearer {world.tokens['standing_office']}"}
    for typed in TYPED:
        if where == "body":
            body = json.dumps({"text": "Cập nhật", name: typed})
            response = browser.generic(
                method, url, body, content_type="application/json", headers=headers
            )
        else:
            response = browser.get(url, {name: typed}, headers=headers)
        assert response.status_code == 422, f"{method} {url} {name}={typed!r}"
        assert name in response.json()["detail"], response.json()

"""What a hostile or clumsy user sent that once gave a 500 or a silent "today": each is now a
400 (pages) or 422 (API) that says why, and nothing is stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import ApiToken
from dondoc.tasks import services
from dondoc.tasks.models import ProgressUpdate

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _on_a_known_day():
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def task(program, notice, most, member_person):
    return services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        members=[member_person],
    )


@pytest.fixture
def signed_in(clerk, task) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def api(clerk, task) -> Client:
    _token, key = ApiToken.issue(clerk, "tests", scopes="read,write")
    return Client(headers={"Authorization": f"Bearer {key}"})


def _message(response) -> str:
    found = re.search(r'<p class="error">([^<]+)</p>', response.content.decode())
    assert found, response.content.decode()[:500]
    return found.group(1)


@pytest.mark.parametrize(
    "url",
    [
        "dashboard",
        "task-list",
        "task-export-csv",
        "task-export-xlsx",
        "rounds:scorecards",
        "rounds:action-plans",
    ],
)
@pytest.mark.parametrize("value", ["9999-12-31", "31/12/9999", "0001-01-01"])
def test_a_date_beyond_the_calendar_is_refused_with_the_supported_range(signed_in, url, value):
    params = {"as_of": value, "end": value, "on": value, "program": "NQ57"}
    response = signed_in.get(reverse(url), params)
    assert response.status_code == 400
    assert "01/01/1945" in _message(response)


def test_a_brief_as_of_a_day_not_on_the_calendar_is_refused_not_shown_as_of_today(signed_in, most):
    response = signed_in.get(
        reverse("reports:agency-brief", args=[most.pk]), {"as_of": "32/01/2025"}
    )
    assert response.status_code == 400
    assert "32/01/2025" in _message(response)


def test_scorecards_from_a_day_not_on_the_calendar_are_refused_not_counted_from_today(signed_in):
    response = signed_in.get(reverse("rounds:scorecards"), {"start": "32/01/2025"})
    assert response.status_code == 400
    assert "32/01/2025" in _message(response)


@pytest.mark.parametrize("page", [str(2**64), "-1", "²", "abc"])
def test_a_page_number_beyond_any_page_or_not_a_number_is_refused(signed_in, page):
    response = signed_in.get(reverse("task-list"), {"page": page})
    assert response.status_code == 400
    assert "page" in _message(response)


def test_a_page_number_past_the_last_page_shows_the_last(signed_in):
    response = signed_in.get(reverse("task-list"), {"page": "9999"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["q", "program", "status"])
def test_a_nul_byte_in_a_parameter_is_refused(signed_in, name):
    response = signed_in.get(reverse("task-list"), {name: "dat\x00hiem"})
    assert response.status_code == 400
    assert name in _message(response)


def test_an_overlong_parameter_is_refused(signed_in):
    response = signed_in.get(reverse("org-list"), {"q": "a" * 5000})
    assert response.status_code == 400


# The API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "32/01/2025", "2025-13-01"])
@pytest.mark.parametrize("path", ["/api/tasks", "/api/dashboard", "/api/directives/1"])
def test_the_api_refuses_a_date_outside_the_range_with_the_reason(api, path, value):
    response = api.get(path, {"as_of": value})
    assert response.status_code == 422, response.content
    assert "as_of" in response.json()["detail"]


@pytest.mark.parametrize("params", [{"offset": str(2**64)}, {"offset": "-1"}, {"lead": str(2**63)}])
def test_the_api_refuses_offsets_and_ids_beyond_64_bits(api, params):
    response = api.get("/api/tasks", params)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/tasks", "/api/org-units", "/api/members"])
def test_the_api_refuses_a_nul_in_a_search(api, path):
    response = api.get(path, {"q": "dat\x00hiem"})
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "   "},
        {"text": "\n\t "},
        {"text": "Đã hoàn\x00 thành"},
        {"text": "Đã xong", "reported_on": "2099-01-01"},
        {"text": "Đã xong", "reported_on": "0001-01-01"},
        {"text": "Đã xong", "reported_on": "9999-12-31"},
        {"text": "Đã xong", "status_change": "completed", "effective_on": "2099-12-31"},
        {"text": "Đã xong", "reported_on": "32/01/2025"},
    ],
)
def test_the_api_refuses_what_the_forms_refuse_and_stores_nothing(api, task, body):
    response = api.post(f"/api/tasks/{task.pk}/updates", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not ProgressUpdate.objects.filter(task=task).exists()


def test_the_api_still_takes_a_dated_update_within_the_range(api, task):
    body = {"text": "Đã trình dự thảo", "reported_on": "20/06/2025"}
    response = api.post(f"/api/tasks/{task.pk}/updates", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["reported_on"] == "2025-06-20"

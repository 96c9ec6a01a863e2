"""Friendly error pages in Vietnamese, in development (DEBUG on) as in production."""

from __future__ import annotations

import pytest
from django.test import Client

from dondoc.core.errors import server_error


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_vietnamese_404(client, tracker, debug):
    client.force_login(tracker)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in body and "Về trang tổng quan" in body
    assert "URLconf" not in body and "admin/" not in body  # no list of every URL
    assert 'class="site-header"' in body  # the site's own layout


@pytest.mark.django_db
def test_a_missing_object_is_a_friendly_404_for_a_visitor_too(client, debug):
    response = client.get("/orgs/999999/")
    assert response.status_code in (302, 404)
    anonymous = client.get("/nothing-here/")
    assert anonymous.status_code == 404
    assert "Không tìm thấy" in anonymous.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_a_friendly_vietnamese_403(client, reporter, debug):
    client.force_login(reporter)
    response = client.get("/import/")
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("dondoc.core.tests.failing_urls")
def test_an_error_is_a_friendly_vietnamese_500_without_a_traceback(tracker, debug):
    client = Client(raise_request_exception=False)
    client.force_login(tracker)
    response = client.get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi" in body
    assert "RuntimeError" not in body and "Traceback" not in body


def test_the_500_page_needs_neither_the_database_nor_a_request(django_db_blocker):
    with django_db_blocker.block():  # any query would raise
        response = server_error()
    assert response.status_code == 500
    assert "Đôn đốc" in response.content.decode()


@pytest.mark.django_db
def test_the_api_still_answers_404_in_json(client, tracker, settings):
    settings.DEBUG = True
    client.force_login(tracker)
    response = client.get("/api/tasks/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_browsers_icon_request_is_sent_to_the_sites_icon(client):
    response = client.get("/favicon.ico")  # signed out: a JSON answer's tab asks for it too
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")

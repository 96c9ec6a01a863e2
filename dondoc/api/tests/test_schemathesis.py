"""Schemathesis against the API's own OpenAPI document, in-process (the WSGI application on
loopback, no network): for inputs generated from the document, valid and invalid, no answer
is a 5xx, every status code and body is one the document declares, and input the document
says is invalid is refused. Kept to about a minute: a few dozen examples per operation."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from dondoc.accounts.models import ApiToken
from dondoc.api.api import api
from dondoc.tasks import services

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
application = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def same_connection():
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler would otherwise close it at the end of each request (on PostgreSQL,
    inside the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def key(same_connection, settings, program, notice, most, hanoi, member_person, clerk) -> str:
    """A clerk's read and write key, and a task to find (task 1 of the document's ids)."""
    settings.ALLOWED_HOSTS = ["*"]
    services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
        members=[member_person],
    )
    _token, secret = ApiToken.issue(clerk, "schemathesis", scopes="read,write")
    return secret


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_document_says(case, key, db):
    response = case.call(app=application, headers={"Authorization": f"Bearer {key}"})
    case.validate_response(response, checks=CHECKS)

"""A refusal is logged as one line; an error keeps its traceback."""

from __future__ import annotations

import logging
import sys

import pytest

from dondoc.core.logs import PlainRefusals


@pytest.mark.django_db
def test_a_refused_request_is_logged_as_one_line_without_a_traceback(client, reporter, caplog):
    client.force_login(reporter)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/audit/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /audit/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server "
                               "Error: /", (), exc_info)  # fmt: skip
    record.status_code = 500
    assert PlainRefusals().filter(record)
    assert record.exc_info is exc_info

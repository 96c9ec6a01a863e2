"""CSV uploads the csv module cannot read (a NUL past the first 4 KB, a cell over 128 KB) are
refused with a message, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dondoc.tasks.importers import views
from dondoc.tasks.importers.service import parse_day
from dondoc.tasks.tests.test_import_template import filled_csv


@pytest.fixture
def ready(program, notice, most, hanoi, member_person):
    return program


def _with_long_note(size: int) -> bytes:
    return filled_csv() + ("2,Nội dung," + "x" * size + "\r\n").encode()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(
            filled_csv() + b"3," + b"a" * 5000 + b"\x00,b\r\n", "ký tự NUL", id="nul-after-4kb"
        ),
        pytest.param(_with_long_note(140_000), "giới hạn 32.767 ký tự", id="cell-over-128kb"),
    ],
)
def test_an_unreadable_csv_is_refused_with_a_message(client, clerk, ready, data, says):
    client.force_login(clerk)
    page = client.post(reverse("import-upload"), {"file": SimpleUploadedFile("t.csv", data)})
    assert page.status_code < 500
    body = page.content.decode()
    assert says in body
    assert reverse("import-confirm") not in body
    assert views.SESSION_KEY not in client.session


@pytest.mark.parametrize("text", ["01/01/0001", "31/12/9999", "32/01/2025", "hôm qua"])
def test_an_imported_date_outside_the_calendar_or_the_range_is_not_a_date(text):
    assert parse_day(text) is None


def test_an_imported_date_is_read_day_first():
    assert parse_day("04.10.2025") == dt.date(2025, 10, 4)

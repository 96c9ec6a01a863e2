"""Dates as a user types them, in Debian chromium: a dd/mm/yyyy text input, and a date not on
the calendar refused with a message. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dondoc.conftest import PASSWORD
from dondoc.tasks import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def test_a_date_typed_wrongly_is_refused_with_a_message(page, clerk, program, notice, most):
    services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
    )
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.goto(page.base_url + "/tasks/")
    as_of = page.locator("#f-as_of")
    assert as_of.get_attribute("type") == "text"
    assert as_of.get_attribute("placeholder") == "dd/mm/yyyy"
    as_of.fill("32/01/2025")
    as_of.press("Enter")
    page.wait_for_selector("p.error")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "date-refused.png"), full_page=True)
    message = page.locator("p.error").inner_text()
    assert "32/01/2025" in message
    page.goto(page.base_url + "/reports/new/")
    assert page.locator("input[name=as_of]").get_attribute("type") == "text"
    assert page.locator("input[name=period]").get_attribute("placeholder") == "Quý I/2025"
    page.screenshot(path=str(ARTIFACTS / "date-inputs-report-form.png"), full_page=True)

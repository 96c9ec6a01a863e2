"""The public progress page on a phone-sized screen: readable without login, no serious
accessibility problem (axe-core), a screenshot in test-artifacts/ for a human to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dondoc.portal.tests.test_browser import phone, serious_violations, shot  # noqa: F401
from dondoc.portal.tests.test_progress import public_program  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_page_reads_well_on_a_phone(phone, public_program):  # noqa: F811
    from django.core.cache import cache

    cache.clear()
    phone.goto(f"{phone.base_url}/tien-do/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tiến độ thực hiện nhiệm vụ")
    expect(phone.get_by_text("Tỷ lệ hoàn thành: 33,3%")).to_be_visible()
    expect(phone.get_by_text("PB-1")).to_be_visible()
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "progress-phone")
    assert serious_violations(phone) == []

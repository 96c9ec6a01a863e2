"""People management as the Standing Office uses it, in headless Debian chromium: invite a
reporter in one step, the invited person chooses a password from the e-mail and signs in.
Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dondoc.accounts.models import Role, User
from dondoc.tasks.tests.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "mat-khau-moi-du-dai-57"


def test_an_invited_reporter_chooses_a_password_and_signs_in(page, clerk, most):
    log_in(page, "clerk")
    page.goto(page.base_url + "/people/invite/")
    page.fill("input[name=email]", "an.nguyen@most.gov.vn")
    page.fill("input[name=full_name]", "Nguyễn Văn An")
    page.select_option("select[name=role]", Role.REPORTER)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".errorlist")).to_contain_text("phải thuộc một cơ quan")

    page.select_option("select[name=agency]", str(most.pk))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(page.base_url + "/people/")
    expect(page.locator(".messages")).to_contain_text("an.nguyen@most.gov.vn")
    shot(page, "people-list")

    assert User.objects.get(email="an.nguyen@most.gov.vn").org_units.get() == most
    path = re.search(r"https?://[^/\s]+(/invitation/\S+/)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()
    page.goto(page.base_url + path)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    shot(page, "invitation-choose-password")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Đã đặt mật khẩu")

    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "an.nguyen@most.gov.vn")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url(page.base_url + "/rounds/todo/")  # a reporter lands on the to-do
    expect(page.locator(".user-menu summary")).to_have_text("Nguyễn Văn An")

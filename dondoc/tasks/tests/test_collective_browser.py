"""A task of "Các tỉnh, thành phố" as a province reporter and the Standing Office see it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import OrgGroup, OrgKind, OrgUnit
from dondoc.tasks import services
from dondoc.tasks.tests.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provinces_task(program, notice, hanoi, clerk):
    ensure_standard_groups()  # a transactional test's flush removes what migrations seeded
    hue = OrgUnit.objects.create(
        code="hue", kind=OrgKind.PROVINCE, name="Thành ủy Huế", short_name="Huế"
    )
    OrgUnit.objects.create(
        code="da-nang", kind=OrgKind.PROVINCE, name="Thành ủy Đà Nẵng", short_name="Đà Nẵng"
    )
    task = services.create_task(
        program=program,
        content="Các tỉnh, thành phố thành lập Ban Chỉ đạo do Bí thư làm trưởng ban.",
        assigned_on=notice.date,
        sources=[(notice, "Ý 11", "")],
        leads=[OrgGroup.objects.get(code="tinh-thanh-pho")],
    )
    services.post_update(
        task,
        by=clerk,
        text="Huế đã thành lập Ban Chỉ đạo.",
        agency=hue,
        reported_on=dt.date(2025, 3, 20),
    )
    return task


def test_province_reporter_and_standing_office_see_the_group_and_who_reported(
    page, provinces_task, other_reporter, clerk
):
    log_in(page, "other")
    page.goto(page.base_url + f"/tasks/{provinces_task.pk}/")
    expect(page.locator(".agency-group").first).to_contain_text("Các tỉnh, thành phố")
    expect(page.locator(".group-reporting")).to_contain_text("1/3")
    page.fill("textarea[name=text]", "Hà Nội đã thành lập Ban Chỉ đạo.")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("Hà Nội đã thành lập")
    shot(page, "collective-province-reporter")

    page.context.clear_cookies()
    log_in(page, "clerk")
    page.goto(page.base_url + f"/tasks/{provinces_task.pk}/")
    expect(page.locator(".group-reporting")).to_contain_text("1/3")  # Hà Nội's is a draft
    expect(page.locator(".group-reporting")).to_contain_text("Đà Nẵng")
    shot(page, "collective-standing-office")
    page.goto(page.base_url + "/tasks/?program=NQ57")
    expect(page.locator(".agency-group").first).to_contain_text("Các tỉnh, thành phố")
    shot(page, "collective-task-list")

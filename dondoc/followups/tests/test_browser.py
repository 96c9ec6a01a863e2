"""Explanations, notifications, two-step sign-in and the audit log in Debian chromium.

The Working Group asks the lead agency to explain a late task; the reporter sees the
notification, answers with a proposed deadline; the Working Group grants the extension and the
task page shows both deadlines. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from dondoc.conftest import PASSWORD, log_in
from dondoc.followups.models import DeadlineExtension
from dondoc.tasks import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def late_task(program, notice, most, member_person):
    return services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ Khoa học và Công nghệ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(3)", "")],
        leads=[most],
        members=[member_person],
    )


def test_explanation_and_extension_through_the_pages(page, late_task, tracker, reporter, clerk):
    reply_by = (dt.date.today() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    new_due = (dt.date.today() + dt.timedelta(days=60)).strftime("%d/%m/%Y")

    log_in(page, "tracker")
    page.goto(f"{page.base_url}/tasks/{late_task.pk}/")
    panel = page.locator("#followups")
    panel.locator("summary").filter(has_text="giải trình").first.click()
    panel.locator("#id_explain_reply_due_on").fill(reply_by)
    panel.locator("#id_explain_message").fill("Đề nghị giải trình lý do chậm ban hành kế hoạch.")
    panel.locator("form[action$='/explanations/request/'] button").click()
    expect(page.locator("#followups")).to_contain_text("Đề nghị giải trình lý do chậm")
    shot(page, "followups-requested")

    log_in(page, "reporter")
    expect(page.locator(".bell-count")).to_have_text("1")
    page.goto(page.base_url + "/notifications/")
    shot(page, "notifications-list")
    page.locator("button[name=open]").first.click()
    reply = page.locator("form[action$='/reply/']")
    reply.locator("textarea").fill("Đang chờ ý kiến thẩm định của Bộ Tư pháp.")
    reply.locator("input[name=proposed_due_on]").fill(new_due)
    reply.locator("button").click()
    expect(page.locator("#followups")).to_contain_text("Bộ Tư pháp")

    log_in(page, "tracker")
    page.goto(f"{page.base_url}/tasks/{late_task.pk}/")
    decide = page.locator("form[action$='/decide/']")
    expect(decide.locator("input[name=new_due_on]")).to_have_value(new_due)
    decide.locator("textarea").fill("Đồng ý gia hạn.")
    decide.locator("button").click()
    expect(page.locator("#followups")).to_contain_text("31/03/2025")
    expect(page.locator("#followups")).to_contain_text(new_due)
    shot(page, "followups-extended")
    assert DeadlineExtension.objects.get().new_due_on.strftime("%d/%m/%Y") == new_due

    log_in(page, "clerk")
    page.goto(page.base_url + "/audit/?model=followups.explanationrequest")
    expect(page.locator("table.table tbody tr")).to_have_count(3)
    shot(page, "audit-log")


def test_two_step_sign_in_set_up_and_use(page, clerk):
    log_in(page, "clerk")
    page.goto(page.base_url + "/account/two-factor/")
    expect(page.locator("img.qr-code")).to_be_visible()
    shot(page, "two-factor-setup")
    device = TOTPDevice.objects.get(user=clerk)
    page.fill("input[name=token]", f"{TOTP(device.bin_key).token():06d}")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".badge.status-completed")).to_be_visible()

    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url("**/login/code/")
    shot(page, "two-factor-code")


def test_api_tokens_page(page, reporter):
    log_in(page, "reporter")
    page.goto(page.base_url + "/account/tokens/")
    page.fill("input[name=name]", "Hệ thống của Bộ")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("code.token-key")).to_be_visible()
    shot(page, "api-tokens")


def test_a_decision_from_a_page_opened_before_anothers_decision_shows_the_conflict(
    page, late_task, most, tracker, clerk, reporter
):
    from dondoc.followups import services as followups

    asked = followups.request_explanation(
        late_task, by=clerk, agency=most, reply_due_on=dt.date.today(), message="Giải trình?"
    )
    followups.reply_explanation(
        asked,
        by=reporter,
        reason="Đang chờ ý kiến thẩm định của Bộ Tư pháp.",
        proposed_due_on=dt.date.today() + dt.timedelta(days=60),
    )
    log_in(page, "tracker")
    page.goto(f"{page.base_url}/tasks/{late_task.pk}/")
    decide = page.locator("form[action$='/decide/']")
    decide.locator("textarea").fill("Đồng ý gia hạn đến cuối quý.")

    followups.refuse_extension(asked, by=clerk, note="Không gia hạn: đã quá hạn hai lần.")
    decide.locator("button").click()

    alert = page.locator("ul.messages[role=alert]")
    expect(alert).to_contain_text("Đã có người khác thao tác trước.")
    expect(alert).to_contain_text("Giải trình này đã được quyết định (Không cho gia hạn)")
    expect(page.locator("dl.submitted")).to_contain_text("Đồng ý gia hạn đến cuối quý.")
    expect(page.locator("dl.submitted")).to_contain_text("Cho gia hạn")
    shot(page, "followups-conflict")
    assert not DeadlineExtension.objects.exists()

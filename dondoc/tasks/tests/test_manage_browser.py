"""A Standing Office clerk creates a task in the app, then changes its deadline and edits it,
in headless Debian chromium. Screenshots go to test-artifacts/ for a human to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dondoc.tasks.models import ChangeKind, Task
from dondoc.tasks.tests.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_creates_a_task_then_changes_its_deadline_and_edits_it(
    page, clerk, program, notice, most, hanoi, member_person
):
    log_in(page, "clerk")
    page.goto(page.base_url + "/tasks/")
    page.get_by_role("link", name="Nhiệm vụ mới").click()
    expect(page.locator("h1")).to_have_text("Nhiệm vụ mới")

    page.fill("#id_content", "Xây dựng cơ sở dữ liệu quốc gia về đất hiếm.")
    page.select_option("#id_directive_0", str(notice.pk))
    page.fill("#id_label_0", "(7)")
    page.select_option("#id_leads", [str(most.pk)])
    page.select_option("#id_coordinators", [str(hanoi.pk)])
    page.select_option("#id_members", [str(member_person.pk)])
    page.fill("#id_deadline", "Quý III/2025")
    # The phrase is read while it is typed: the date shows before anything is saved.
    expect(page.locator("#deadline-preview")).to_contain_text("30/09/2025")
    page.fill("#id_reason", "Bổ sung theo Thông báo 01-TB/BCĐTW")
    shot(page, "task-create")
    page.get_by_role("button", name="Tạo nhiệm vụ").click()

    expect(page.locator(".messages")).to_contain_text("Đã tạo nhiệm vụ")
    task = Task.objects.get()
    assert task.due_on.isoformat() == "2025-09-30"
    assert task.lead_agencies() == [most] and task.coordinating_agencies() == [hanoi]

    page.get_by_role("link", name="Điều chỉnh thời hạn").click()
    page.fill("#id_deadline", "31/12/2025")
    expect(page.locator("#deadline-preview")).to_contain_text("31/12/2025")
    page.fill("#id_reason", "Công văn 45/VP điều chỉnh thời hạn")
    page.get_by_role("button", name="Ghi nhận thời hạn mới").click()
    history = page.locator("#deadlines")
    expect(history).to_contain_text("Lịch sử thời hạn")
    expect(history).to_contain_text("30/09/2025")
    expect(history).to_contain_text("31/12/2025")
    expect(history).to_contain_text("Công văn 45/VP")

    page.get_by_role("link", name="Sửa", exact=True).first.click()
    page.fill("#id_content", "Xây dựng và vận hành cơ sở dữ liệu quốc gia về đất hiếm.")
    page.fill("#id_reason", "Sửa theo Kết luận phiên họp thứ hai")
    page.get_by_role("button", name="Lưu", exact=True).click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Sửa theo Kết luận phiên họp thứ hai")
    expect(page.locator(".task-title")).to_contain_text("vận hành cơ sở dữ liệu")
    shot(page, "task-managed")
    kinds = set(task.changes.values_list("kind", flat=True))
    assert kinds == {ChangeKind.CREATED, ChangeKind.DEADLINE, ChangeKind.EDITED}

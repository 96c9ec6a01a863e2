"""The task-tracking core as a person uses it, in headless Debian chromium.

Log in, filter the task list, search without diacritics, open a task, post an update with an
attachment, see it in the timeline and the history, switch the language. Screenshots are kept
in test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dondoc.conftest import log_in
from dondoc.tasks import services
from dondoc.tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tasks(program, notice, most, hanoi, member_person):
    rare_earths = services.create_task(
        program=program,
        content="Quản lý, khai thác, bảo vệ hiệu quả khoáng sản, đặc biệt là đất hiếm.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(3)", "")],
        leads=[most],
        members=[member_person],
    )
    services.create_task(
        program=program,
        content="Đưa Trung tâm dữ liệu quốc gia vào vận hành.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý II/2025",
        sources=[(notice, "(5)", "")],
        leads=[hanoi],
    )
    return rare_earths


def test_tracker_finds_a_task_posts_evidence_and_sees_it_in_timeline_and_history(
    page, tasks, tracker, tmp_path
):
    log_in(page, "tracker")
    shot(page, "dashboard")

    page.goto(page.base_url + "/tasks/?as_of=2025-04-10&status=overdue")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert "đất hiếm" in rows.first.inner_text()

    page.goto(page.base_url + "/tasks/")
    page.fill("#f-q", "dat hiem")
    page.press("#f-q", "Enter")
    expect(page).to_have_url(re.compile(r"q=dat(\+|%20)hiem"))
    results = page.locator("#results")
    expect(results).not_to_contain_text("Trung tâm dữ liệu")
    expect(results).to_contain_text("đất hiếm")
    shot(page, "task-list-search")

    results.locator(f"a[href*='/tasks/{tasks.pk}/']").first.click()
    page.wait_for_url(f"**/tasks/{tasks.pk}/")

    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% Bien ban hop\n%%EOF\n")
    page.fill("textarea[name=text]", "Đã trình Chính phủ dự thảo đề án về đất hiếm.")
    page.set_input_files("input[name=files]", str(evidence))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(f"**/tasks/{tasks.pk}/**")

    body = page.locator("main").inner_text()
    assert "Đã trình Chính phủ dự thảo đề án về đất hiếm." in body
    assert page.locator("a", has_text="bien-ban-hop.pdf").count() == 1
    history = page.locator("section.detail-history")
    history.locator("summary").click()
    expect(history.locator("ul.history")).to_contain_text(tracker.full_name)
    shot(page, "task-detail-after-update")

    assert Task.objects.get(pk=tasks.pk).updates.get().attachments.count() == 1


def test_interface_switches_between_vietnamese_and_english(page, tasks, tracker):
    log_in(page, "tracker")
    page.goto(page.base_url + "/tasks/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Nhiệm vụ"

    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Tasks"
    shot(page, "task-list-english")


def test_the_list_address_keeps_only_what_was_chosen_so_a_bookmark_follows_today(
    page, tasks, tracker
):
    log_in(page, "tracker")
    page.goto(page.base_url + "/tasks/")
    page.check("input[name=status][value=overdue]")
    expect(page).to_have_url(re.compile(r"status=overdue"))
    address = page.url.split("?", 1)[1]
    # No empty fields, and neither today's date nor the usual order: both are the defaults.
    assert sorted(pair.split("=")[0] for pair in address.split("&")) == ["program", "status"]
    next_link = page.locator("#results a.btn").first  # the export keeps the same address
    assert "as_of" not in (next_link.get_attribute("href") or "")

    page.fill("#f-as_of", "10/04/2025")
    page.press("#f-as_of", "Enter")
    expect(page).to_have_url(re.compile(r"as_of=10%2F04%2F2025"))  # a past date is kept
    page.select_option("#f-sort", "-assigned")
    expect(page).to_have_url(re.compile(r"sort=-assigned"))


def test_the_dashboard_address_names_a_past_date_and_leaves_today_out(page, tasks, tracker):
    from django.utils import timezone

    log_in(page, "tracker")
    page.goto(page.base_url + "/")
    page.fill("#as_of", "10/04/2025")
    page.press("#as_of", "Enter")
    expect(page).to_have_url(re.compile(r"/\?program=[^&]+&as_of=10%2F04%2F2025$"))
    page.fill("#as_of", timezone.localdate().strftime("%d/%m/%Y"))
    page.press("#as_of", "Enter")
    expect(page).to_have_url(re.compile(r"/\?program=[^&]+$"))  # today: the default


def test_reporter_cannot_open_another_agencys_task(page, tasks, other_reporter):
    log_in(page, "other")
    response = page.goto(page.base_url + f"/tasks/{tasks.pk}/")
    assert response.status == 404

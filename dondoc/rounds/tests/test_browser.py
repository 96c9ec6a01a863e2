"""A reporting round as people live it, in headless Debian chromium.

The Standing Office opens a round; the ministry's reporter updates two tasks, one with an
attachment; the head approves and submits; the Working Group returns it with a comment; the
reporter fixes it and sends it back to the head, who approves and submits it again; the Working
Group accepts; the round dashboard
shows the ministry as submitted on time. Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dondoc.conftest import log_in
from dondoc.rounds.models import Submission, SubmissionState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"rounds-{name}.png"), full_page=True)


def iso(day: dt.date) -> str:
    return day.isoformat()


def report(page, task, text: str, attachment: Path | None = None) -> None:
    item = page.locator(f"#task-{task.pk}")
    item.locator("summary").click()
    item.locator("textarea").fill(text)
    if attachment is not None:
        item.locator("input[type=file]").set_input_files(str(attachment))
    item.locator("button[type=submit]").click()
    expect(page.locator(f"#task-{task.pk} .report-updates")).to_contain_text(text)


def test_a_round_from_opening_to_acceptance(
    page, program, most, hanoi, most_tasks, clerk, tracker, reporter, head, tmp_path
):
    today = timezone.localdate()
    first, second, _theirs = most_tasks

    # The Standing Office opens the round for the ministry and Hà Nội.
    log_in(page, "clerk")
    page.goto(page.base_url + "/rounds/new/")
    page.fill("input[name=title]", "Quý IV/2026")
    page.fill("input[name=period_start]", iso(today - dt.timedelta(days=90)))
    page.fill("input[name=period_end]", iso(today - dt.timedelta(days=1)))
    page.fill("input[name=due_on]", iso(today + dt.timedelta(days=5)))
    page.fill("input[name=grace_days]", "2")
    page.fill("input[name=lock_on]", iso(today + dt.timedelta(days=30)))
    page.select_option("select[name=agencies]", [str(most.pk), str(hanoi.pk)])
    shot(page, "1-open")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Quý IV/2026")
    expect(page.locator("[data-count=nothing]")).to_have_text("2")

    # The ministry's reporter updates two tasks, one with evidence.
    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    log_in(page, "reporter")
    page.goto(page.base_url + "/rounds/")
    page.locator("table").get_by_role("link", name=str(most)).click()
    report(page, first, "Đã trình dự thảo Luật lên Quốc hội.", evidence)
    report(page, second, "Đã lấy ý kiến các bộ về danh mục.")
    expect(page.locator("#coverage")).to_contain_text("2/2")
    expect(page.get_by_role("link", name="bien-ban-hop.pdf")).to_be_visible()
    expect(page.locator("#approve-submit")).to_have_count(0)  # only the head submits
    shot(page, "2-reporter-draft")

    # The head approves and submits.
    log_in(page, "head")
    page.goto(page.base_url + "/rounds/")
    page.locator("table").get_by_role("link", name=str(most)).click()
    page.fill("textarea[name=note]", "Bộ đã hoàn thành phần lớn nhiệm vụ quý.")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-submitted")

    # The Working Group returns it with a comment.
    log_in(page, "tracker")
    page.goto(page.base_url + f"/rounds/{Submission.objects.get().round_id}/")
    page.get_by_role("link", name=most.name).click()
    page.locator("input[name=decision][value=return]").check()
    page.fill("textarea[name=comment]", "Đề nghị bổ sung số liệu cụ thể cho nhiệm vụ 2.")
    page.locator("form:has(input[value=review]) button[type=submit]").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-returned")

    # The reporter sees the comment, fixes the report and sends it back to the head.
    log_in(page, "reporter")
    page.goto(page.base_url + "/rounds/")
    page.locator("table").get_by_role("link", name=str(most)).click()
    expect(page.locator("#review-comment")).to_contain_text("bổ sung số liệu cụ thể")
    expect(page.locator("#approve-submit")).to_have_count(0)
    shot(page, "3-returned")
    report(page, second, "Bổ sung: 46 công nghệ chiến lược đã được các bộ góp ý.")
    page.locator("#send-to-head").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-with_head")

    # The head approves and submits it again.
    log_in(page, "head")
    page.goto(page.base_url + f"/rounds/{Submission.objects.get().round_id}/agencies/{most.pk}/")
    page.locator("#approve-submit").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-submitted")

    # The Working Group accepts.
    log_in(page, "tracker")
    round_id = Submission.objects.get().round_id
    page.goto(page.base_url + f"/rounds/{round_id}/agencies/{most.pk}/")
    page.locator("input[name=decision][value=accept]").check()
    page.locator("form:has(input[value=review]) button[type=submit]").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-accepted")
    shot(page, "4-accepted")

    # The round dashboard shows the ministry as submitted on time, Hà Nội as nothing.
    log_in(page, "clerk")
    page.goto(page.base_url + f"/rounds/{round_id}/")
    expect(page.locator(f"tr[data-agency='{most.pk}']")).to_have_attribute(
        "data-standing", "on_time"
    )
    expect(page.locator(f"tr[data-agency='{hanoi.pk}']")).to_have_attribute(
        "data-standing", "nothing"
    )
    expect(page.locator("[data-count=on_time]")).to_have_text("1")
    shot(page, "5-dashboard")

    page.goto(page.base_url + "/rounds/scorecards/")
    expect(page.locator(f"tr[data-agency='{most.pk}']")).to_be_visible()
    shot(page, "6-scorecards")

    # The ministry sees its own dashboard.
    log_in(page, "reporter")
    page.goto(page.base_url + "/rounds/my-agency/")
    expect(page.locator("h1")).to_have_text(most.name)
    shot(page, "7-agency")

    submission = Submission.objects.get()
    assert submission.state == SubmissionState.ACCEPTED
    assert submission.updates.count() == 3
    assert list(submission.events.values_list("kind", flat=True)) == [
        "created", "update", "update", "submitted", "returned", "update", "sent_to_head",
        "submitted", "accepted",
    ]  # fmt: skip

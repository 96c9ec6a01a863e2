"""Drafts stay inside their agency, in headless Debian chromium.

Two ministries share a task: the Ministry of Science and Technology leads it, the Ministry of
Finance coordinates. The science ministry's reporter lands on the to-do, types drafts for all
its tasks in the grid; the finance ministry's reporter, the API, the CSV export, the agency
brief and the quarterly report do not see them. The head approves and submits; then everybody
does. The Working Group returns the report; the reporter finds the comment on the to-do, and
only the head gets "Duyệt và nộp". Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dondoc.accounts.models import Membership, Role, User
from dondoc.conftest import PASSWORD, log_in
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.reports import services as reports
from dondoc.reports.periods import Period
from dondoc.rounds import services
from dondoc.rounds.models import Submission, SubmissionState
from dondoc.tasks.models import UpdateState
from dondoc.tasks.services import create_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
DRAFT = "Bản nháp của Bộ: đã hoàn thành 80% cơ sở dữ liệu đất hiếm"
OTHER_DRAFT = "Bản nháp của Bộ: đang lấy ý kiến danh mục công nghệ"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"drafts-{name}.png"), full_page=True)


def _user(username: str, role: str, unit: OrgUnit | None = None) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, full_name=username.title()
    )
    if unit is not None:
        Membership.objects.create(user=user, org_unit=unit)
    return user


@pytest.fixture
def world(program, notice, most, clerk, tracker, reporter):
    today = timezone.localdate()
    finance = OrgUnit.objects.create(
        code="du-bo-tc", kind=OrgKind.MINISTRY, name="Đảng ủy Bộ Tài chính", short_name="Bộ TC"
    )
    _user("finance", Role.REPORTER, finance)
    _user("head", Role.AGENCY_HEAD, most)
    past = today - dt.timedelta(days=200)
    shared = create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=past,
        deadline=f"Tháng {past.month}/{past.year}",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[finance],
    )
    own = create_task(
        program=program,
        content="Ban hành danh mục công nghệ chiến lược",
        assigned_on=past,
        deadline=f"Năm {today.year + 1}",
        sources=[(notice, "(2)", "")],
        leads=[most],
    )
    round_ = services.open_round(
        program=program,
        title="Kỳ báo cáo thử",
        period_start=today - dt.timedelta(days=60),
        period_end=today,
        due_on=today + dt.timedelta(days=5),
        agencies=[most, finance],
        by=clerk,
    )
    return {"shared": shared, "own": own, "round": round_, "finance": finance, "today": today}


def test_drafts_are_seen_outside_the_agency_only_after_the_head_approves(
    page, program, most, world
):
    shared, own, round_ = world["shared"], world["own"], world["round"]

    # The science ministry's reporter lands on the to-do and opens the grid.
    log_in(page, "reporter")
    expect(page.locator("h1")).to_have_text("Việc cần làm")
    expect(page.locator(".todo-rounds")).to_contain_text("0/2 nhiệm vụ đã cập nhật")
    shot(page, "1-todo")
    page.get_by_role("link", name="Nhập tất cả nhiệm vụ trên một màn hình").first.click()
    page.fill(f"textarea[name='t{shared.pk}-text']", DRAFT)
    page.fill(f"textarea[name='t{own.pk}-text']", OTHER_DRAFT)
    page.locator("#grid-save").click()
    expect(page.locator("#grid-filled")).to_contain_text("2/2")
    shot(page, "2-grid-saved")

    # The finance ministry's reporter reads the shared task: no draft there.
    log_in(page, "finance")
    page.goto(page.base_url + f"/tasks/{shared.pk}/")
    expect(page.locator("main")).to_contain_text(shared.content)
    expect(page.locator("#timeline")).not_to_contain_text(DRAFT)
    shot(page, "3-other-agency-before")
    # ... nor does the API timeline or the CSV export, signed in as the same user.
    api = page.request.get(page.base_url + f"/api/tasks/{shared.pk}")
    assert api.ok and api.json()["updates"] == []
    csv = page.request.get(page.base_url + f"/tasks/export.csv?program={program.code}")
    assert csv.ok and shared.content in csv.text() and DRAFT not in csv.text()

    # The Standing Office's agency brief and the quarterly report do not take the draft either.
    log_in(page, "clerk")
    page.goto(page.base_url + f"/reports/brief/agency/{most.pk}/?program={program.code}")
    expect(page.locator("main")).to_contain_text(shared.content[:30])
    expect(page.locator("main")).not_to_contain_text(DRAFT)
    shot(page, "4-brief-before")
    quarter = Period.containing(world["today"])
    report = reports.build_quarterly(program, period=quarter, as_of=world["today"])
    late = {row.task_id: row.result for row in report.data.late}
    assert DRAFT not in late[shared.pk]

    # The head sees the drafts on the to-do, then approves and submits the report.
    log_in(page, "head")
    expect(page.locator(".todo-drafts")).to_contain_text(DRAFT)
    shot(page, "5-head-todo")
    page.goto(page.base_url + f"/rounds/{round_.pk}/agencies/{most.pk}/")
    page.fill("textarea[name=note]", "Bộ báo cáo tiến độ hai nhiệm vụ.")
    page.locator("#approve-submit").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-submitted")

    # Now the finance ministry, the API and the brief see it.
    log_in(page, "finance")
    page.goto(page.base_url + f"/tasks/{shared.pk}/")
    expect(page.locator("#timeline")).to_contain_text(DRAFT)
    shot(page, "6-other-agency-after")
    api = page.request.get(page.base_url + f"/api/tasks/{shared.pk}")
    assert [(u["text"], u["state"]) for u in api.json()["updates"]] == [(DRAFT, "published")]
    log_in(page, "clerk")
    page.goto(page.base_url + f"/reports/brief/agency/{most.pk}/?program={program.code}")
    expect(page.locator("main")).to_contain_text(DRAFT)

    # The Working Group returns the report with a comment.
    log_in(page, "tracker")
    page.goto(page.base_url + f"/rounds/{round_.pk}/agencies/{most.pk}/")
    page.locator("input[name=decision][value=return]").check()
    page.fill("textarea[name=comment]", "Đề nghị nêu rõ số liệu đã nhập.")
    page.locator("form:has(input[value=review]) button[type=submit]").click()
    expect(page.locator("#submission-state")).to_have_class("badge state-returned")

    # It goes back to the reporter with the comment; only the head may submit it.
    log_in(page, "reporter")
    expect(page.locator(".todo-agency .returned")).to_contain_text("nêu rõ số liệu")
    shot(page, "7-returned-todo")
    page.get_by_role("link", name="Sửa báo cáo").click()
    expect(page.locator("#review-comment")).to_contain_text("nêu rõ số liệu")
    expect(page.locator("#approve-submit")).to_have_count(0)
    expect(page.locator("#send-to-head")).to_have_text("Sửa và gửi lại lãnh đạo duyệt")
    shot(page, "8-returned-submission")

    submission = Submission.objects.get(round=round_, agency=most)
    assert submission.state == SubmissionState.RETURNED
    assert {u.state for u in submission.updates.all()} == {UpdateState.PUBLISHED}


#: Elements of the form whose box reaches past the card around it (half a pixel of rounding).
OVERFLOWING = """form => {
    const card = form.closest('.card').getBoundingClientRect();
    return [form, ...form.querySelectorAll('*')]
        .filter(el => {
            const box = el.getBoundingClientRect();
            return box.width && (box.left < card.left - .5 || box.right > card.right + .5);
        })
        .map(el => el.id || el.tagName.toLowerCase() + ' ' + el.textContent.trim().slice(0, 40));
}"""


def test_the_heads_approval_form_stays_inside_its_card_on_a_phone(page, world):
    log_in(page, "reporter")
    page.get_by_role("link", name="Nhập tất cả nhiệm vụ trên một màn hình").first.click()
    page.fill(f"textarea[name='t{world['shared'].pk}-text']", DRAFT)
    page.fill(f"textarea[name='t{world['own'].pk}-text']", OTHER_DRAFT)
    page.locator("#grid-save").click()
    expect(page.locator("#grid-filled")).to_contain_text("2/2")

    log_in(page, "head", viewport={"width": 360, "height": 780})
    button = page.locator("#approve-drafts")
    expect(button).to_have_text("Duyệt và công bố các cập nhật đã chọn")
    shot(page, "phone-360-approve")
    form = button.locator("xpath=ancestor::form[1]")
    assert form.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

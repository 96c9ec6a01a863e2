"""The review screen in headless Debian chromium: paste a short notice, edit a card, merge two,
accept; the tasks are in the task list, linked to the notice, with their passage shown.

The reading itself is the fixture's (the screen is tested, not the reader's quality).
Screenshots at desktop and phone widths go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dondoc.reader import views
from dondoc.reader.models import ReadingDraft
from dondoc.reader.tests.review_fixtures import NOTICE, sample_reading
from dondoc.tasks.models import Directive, Task, TaskSource
from dondoc.tasks.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_clerk_pastes_a_notice_edits_merges_and_accepts_its_tasks(
    page, clerk, program, committee, most, hanoi, member_person, monkeypatch
):
    monkeypatch.setattr(views, "read_directive", lambda text, register=None: sample_reading())
    log_in(page, "clerk")
    page.goto(page.base_url + "/directives/read/")
    page.fill("textarea[name=text]", NOTICE)
    page.locator("form[action='/directives/read/'] button[type=submit]").click()
    page.wait_for_url("**/directives/read/*/")
    expect(page.locator("article.proposal")).to_have_count(4)
    expect(page.locator("#card-c4")).to_have_class("proposal card state-proposed low")

    # Hovering a card lights its passage in the text.
    page.locator("#card-c2 .proposal-content").hover()
    expect(page.locator("#doc-text mark.lit")).to_contain_text("Xây dựng Luật Khoa học")
    shot(page, "reader-review-desktop")

    # Edit card (5).2: its unknown lead agency becomes Hà Nội, and a deadline of its own.
    card = page.locator("#card-c3")
    card.locator("details.proposal-edit summary").click()
    card.locator("textarea[name=leads]").fill("Thành ủy Hà Nội")
    card.locator("input[name=deadline]").fill("Tháng 6/2025")
    card.locator("details.proposal-edit button[type=submit]").click()
    expect(page.locator("#review [role=status]")).to_contain_text("Đã lưu thẻ")
    expect(page.locator("#card-c3")).to_contain_text("30/06/2025")
    expect(page.locator("#card-c3 .name.unresolved")).to_have_count(0)

    # Merge (5).1 and (5).3.
    page.check("#card-c2 input[name=cards]")
    page.check("#card-c4 input[name=cards]")
    page.click("#bulk button[value=merge]")
    expect(page.locator("article.proposal")).to_have_count(3)
    expect(page.locator("#card-c2 .proposal-content")).to_contain_text("Trung tâm dữ liệu")

    # Accept all three.
    for card_id in ("c1", "c2", "c3"):
        page.check(f"#card-{card_id} input[name=cards]")
    page.click("#bulk button[value=accept]")
    expect(page.locator("#review [role=status]")).to_contain_text("Đã tạo 3 nhiệm vụ")
    expect(page.locator("article.state-accepted")).to_have_count(3)

    directive = Directive.objects.get(number="01-TB/BCĐTW")
    assert Task.objects.filter(sources__directive=directive).count() == 3

    page.goto(page.base_url + f"/tasks/?directive={directive.pk}")
    expect(page.locator("#results")).to_contain_text("Ban hành danh mục công nghệ chiến lược")
    task = TaskSource.objects.get(directive=directive, label="(5).2").task
    page.goto(page.base_url + f"/tasks/{task.pk}/")
    passage = page.locator("figure.source-passage")
    expect(passage).to_contain_text("01-TB/BCĐTW, (5).2")
    expect(passage).to_contain_text("Ban hành danh mục công nghệ chiến lược")
    shot(page, "reader-task-with-passage")

    # At a phone's width the text starts folded and the cards show their passages.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/directives/read/{ReadingDraft.objects.get().pk}/")
    expect(page.locator("details.review-text")).not_to_have_attribute("open", "")
    shot(page, "reader-review-phone")

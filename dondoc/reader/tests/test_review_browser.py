"""The review screen in headless Debian chromium, on the live reader: upload notice 01 as a
DOCX, edit a card, split one at the cursor, merge two, accept; the tasks are in the task list,
linked to the notice, and a task's page quotes its passage.

Screenshots at desktop and phone widths go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from dondoc.reader.models import ReadingDraft
from dondoc.tasks.models import Directive, Task, TaskSource
from dondoc.tasks.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SEED = Path(__file__).parent / "annotated" / "notice_01_tb_bcdtw.txt"


def shot(page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def seed_docx(folder: Path) -> Path:
    """The seed notice as a Word file, one paragraph a line, as a clerk would receive it."""
    document = Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = folder / "01-TB-BCDTW.docx"
    document.save(str(path))
    return path


def card(page, label: str):
    """The (first) card whose heading is exactly ``label``."""
    heading = page.locator("h2", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return page.locator("article.proposal").filter(has=heading).first


def test_clerk_uploads_notice_01_edits_splits_merges_and_accepts_its_tasks(
    page, clerk, program, committee, most, member_person, tmp_path
):
    log_in(page, "clerk")
    page.goto(page.base_url + "/directives/read/")
    page.set_input_files("input[name=file]", str(seed_docx(tmp_path)))
    page.locator("form[action='/directives/read/'] button[type=submit]").click()
    page.wait_for_url("**/directives/read/*/")
    for label in ("(1)", "(4).2", "(5).1", "(5).5", "(7)", "(9)", "(11)"):
        expect(card(page, label)).to_be_visible()
    expect(page.locator("article.proposal")).to_have_count(
        len(ReadingDraft.objects.get().proposals)
    )
    shot(page, "reader-review-desktop-top", full_page=False)

    # Hovering a card lights its passage in the text.
    card(page, "(9)").locator(".proposal-content").hover()
    expect(page.locator("#doc-text mark.lit").first).to_contain_text("Bộ trưởng Bộ Khoa học")
    shot(page, "reader-review-desktop")
    shot(page, "reader-review-desktop-hover", full_page=False)

    # Edit (9): its lead agency and a deadline of its own.
    nine = card(page, "(9)")
    nine_id = nine.get_attribute("data-card")
    nine.locator("details.proposal-edit summary").click()
    nine.locator("textarea[name=leads]").fill("Đảng ủy Bộ Khoa học và Công nghệ")
    nine.locator("input[name=deadline]").fill("Tháng 6/2025")
    nine.locator("details.proposal-edit button[type=submit]").click()
    expect(page.locator("#review [role=status]")).to_contain_text("Đã lưu thẻ")
    nine = page.locator(f"#card-{nine_id}")
    expect(nine).to_contain_text("30/06/2025")
    expect(nine).to_contain_text("Đảng ủy Bộ Khoa học và Công nghệ")

    # Split (7) where the caret stands: before "sớm đưa các tiện ích".
    seven = card(page, "(7)")
    seven_id = seven.get_attribute("data-card")
    seven.locator("details.proposal-split summary").click()
    area = seven.locator("details.proposal-split textarea")
    expect(area).to_be_focused()  # opening "Split" puts the caret at the suggested place
    at = area.input_value().index("sớm đưa các tiện ích")
    area.evaluate("(el, n) => el.setSelectionRange(n, n)", at)
    seven.locator("details.proposal-split button[type=submit]").click()
    expect(page.locator("#review [role=status]")).to_contain_text("tách")
    expect(page.locator(f"#card-{seven_id} .proposal-content")).to_have_text(
        re.compile(r"Đề án 06 và Trung tâm dữ liệu quốc gia;$")
    )
    second = page.locator(f"#card-{seven_id} + article.proposal")
    expect(second.locator(".proposal-content")).to_have_text(re.compile(r"^sớm đưa các tiện ích"))
    second_id = second.get_attribute("data-card")

    # Merge (5).1 and (5).2.
    one_id = card(page, "(5).1").get_attribute("data-card")
    two_id = card(page, "(5).2").get_attribute("data-card")
    before = page.locator("article.proposal").count()
    page.check(f"#card-{one_id} input[name=cards]")
    page.check(f"#card-{two_id} input[name=cards]")
    page.click("#bulk button[value=merge]")
    expect(page.locator("article.proposal")).to_have_count(before - 1)
    expect(page.locator(f"#card-{one_id} .proposal-content")).to_contain_text(
        "cải cách cơ chế quản lý tài chính"
    )

    # Accept the four.
    chosen = (nine_id, seven_id, second_id, one_id)
    for card_id in chosen:
        page.check(f"#card-{card_id} input[name=cards]")
    page.click("#bulk button[value=accept]")
    expect(page.locator("#review [role=status]")).to_contain_text("Đã tạo 4 nhiệm vụ")
    for card_id in chosen:
        expect(page.locator(f"#card-{card_id}")).to_have_class(re.compile("state-accepted"))

    directive = Directive.objects.get(number="01-TB/BCDTW")
    assert directive.issuer == committee
    assert Task.objects.filter(sources__directive=directive).count() == 4

    page.goto(page.base_url + f"/tasks/?directive={directive.pk}")
    expect(page.locator("#results")).to_contain_text("Chương trình phát triển công nghệ")
    expect(page.locator("#results")).to_contain_text("sớm đưa các tiện ích")
    task = TaskSource.objects.get(directive=directive, label="(9)").task
    assert task.lead_agencies() == [most]
    page.goto(page.base_url + f"/tasks/{task.pk}/")
    passage = page.locator("figure.source-passage")
    expect(passage).to_contain_text("01-TB/BCDTW, (9)")
    expect(passage).to_contain_text(
        "chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành Chương trình phát triển công nghệ"
    )
    shot(page, "reader-task-with-passage")

    # At a phone's width the text starts folded and the cards show their passages.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/directives/read/{ReadingDraft.objects.get().pk}/")
    expect(page.locator("details.review-text")).not_to_have_attribute("open", "")
    shot(page, "reader-review-phone")
    shot(page, "reader-review-phone-top", full_page=False)
    page.locator("article.proposal.state-proposed").first.scroll_into_view_if_needed()
    shot(page, "reader-review-phone-card", full_page=False)

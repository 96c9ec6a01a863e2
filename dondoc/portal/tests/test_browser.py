"""The portal end to end on a phone-sized screen, in headless Debian chromium.

A citizen sends an initiative with a file and gets a code; the Standing Office routes it; the
agency answers; the citizen reads the answer with the code; the initiative is published and
found by a search without diacritics. axe-core checks the public pages for serious problems.
Screenshots are kept in test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dondoc.portal.models import State, Submission
from dondoc.tasks.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def serious_violations(page) -> list[str]:
    """axe-core (vendored) run in the page: the serious and critical violations."""
    page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def office(chromium, live_server):
    context = chromium.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_citizen_sends_office_routes_agency_answers_and_it_is_published(
    phone, office, program, clerk, reporter, most, tmp_path
):
    evidence = tmp_path / "thuyet-minh.pdf"
    evidence.write_bytes(b"%PDF-1.4 thuyet minh sang kien\n")

    # A citizen on a phone: the form, first sent incomplete (the error summary), then whole.
    phone.goto(phone.base_url + "/gop-y/")
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Gửi", exact=True).click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    shot(phone, "1-errors")
    assert serious_violations(phone) == []
    phone.get_by_label("Sáng kiến, giải pháp").check()
    phone.get_by_label("Tiêu đề", exact=True).fill("Khai thác đất hiếm bằng công nghệ sạch")
    phone.get_by_label("Nội dung", exact=True).fill(
        "Đề xuất thí điểm công nghệ tách đất hiếm không dùng axit. <script>alert(1)</script>"
    )
    phone.get_by_label("Họ và tên").fill("Trần Thị Bình")
    phone.get_by_label("Điện thoại").fill("0912 345 678")
    phone.get_by_label("Thư điện tử").fill("binh@example.org")
    phone.locator("#id_consent_to_publish").check()
    phone.set_input_files("#id_files", str(evidence))
    shot(phone, "2-form")
    phone.get_by_role("button", name="Gửi", exact=True).click()
    phone.wait_for_url("**/gop-y/da-gui/")
    code = phone.locator("[data-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    shot(phone, "3-receipt")
    assert serious_violations(phone) == []
    item = Submission.objects.get()
    assert item.attachments.count() == 1

    # The Standing Office routes it to the ministry.
    log_in(office, "clerk")
    office.goto(office.base_url + "/portal/")
    office.get_by_role("link", name=code).click()
    office.select_option("#id_agency", str(most.pk))
    office.get_by_role("button", name="Chuyển cơ quan xử lý").click()
    expect(office.locator("h1")).to_contain_text("đất hiếm")
    shot(office, "4-routed")
    item.refresh_from_db()
    assert item.state == State.ROUTED and item.routed_to == most

    # The ministry's reporter sees it in the list and answers.
    office.context.clear_cookies()
    log_in(office, "reporter")
    office.goto(office.base_url + "/portal/")
    office.get_by_role("link", name=code).click()
    office.locator("#answer textarea").fill("Bộ tiếp thu, sẽ thí điểm trong năm 2026.")
    office.get_by_role("button", name="Gửi câu trả lời").click()
    item.refresh_from_db()
    assert item.state == State.ANSWERED

    # The citizen reads the answer with the code (typed in lower case, as people do).
    phone.goto(phone.base_url + "/gop-y/theo-doi/")
    phone.get_by_label("Mã theo dõi").fill(code.lower())
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator(".answer")).to_contain_text("thí điểm trong năm 2026")
    expect(phone.locator("main")).to_contain_text("<script>alert(1)</script>")
    shot(phone, "5-answer")
    assert serious_violations(phone) == []

    # The Standing Office publishes it, with its file.
    office.context.clear_cookies()
    log_in(office, "clerk")
    office.goto(office.base_url + f"/portal/{item.pk}/")
    office.locator("input[name=public_files]").check()
    office.get_by_role("button", name="Công bố").click()
    item.refresh_from_db()
    assert item.state == State.PUBLISHED

    # Anybody finds it without typing the accents.
    phone.goto(phone.base_url + "/gop-y/cong-khai/")
    phone.get_by_label("Tìm kiếm (có dấu hoặc không dấu)").fill("dat hiem")
    phone.get_by_label("Tìm kiếm (có dấu hoặc không dấu)").press("Enter")
    results = phone.locator("article.item")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Khai thác đất hiếm")
    expect(phone.locator("main")).not_to_contain_text("Trần Thị Bình")  # anonymous by default
    shot(phone, "6-published")
    assert serious_violations(phone) == []


def test_public_pages_fit_a_phone_without_sideways_scrolling(phone, program, clerk):
    """At 390×844 no public page is wider than the screen, the menu's links all show and
    take the keyboard focus in order, and axe-core finds no serious problem."""
    from dondoc.portal import services

    phone.set_default_timeout(60_000)  # a shared, busy test machine; no timing is checked
    program.public = True
    program.save(update_fields=["public"])
    item = services.submit(
        program=program,
        kind="initiative",
        title="Bản đồ số trữ lượng đất hiếm phục vụ quản lý khai thác bền vững",
        description="Xây dựng bản đồ số về trữ lượng đất hiếm. " * 10,
        name="An",
        consent_to_publish=True,
    )
    services.answer(item, text="Đã tiếp thu", by=clerk)
    services.publish(item, by=clerk)
    pages = {
        "form": "/gop-y/",
        "follow": "/gop-y/theo-doi/",
        "published": "/gop-y/cong-khai/",
        "search": "/gop-y/cong-khai/?q=dat+hiem",
        "item": f"/gop-y/cong-khai/{item.pk}/",
        "report": f"/gop-y/cong-khai/{item.pk}/bao-cao/",
        "progress": "/tien-do/",
    }
    for name, path in pages.items():
        phone.goto(phone.base_url + path)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{path}: {width} px wide"
        links = phone.locator(".site-nav a")
        expect(links).to_have_count(4)
        for n in range(4):
            box = links.nth(n).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], path
        shot(phone, f"phone-{name}")
        assert serious_violations(phone) == [], path
    # The keyboard: the skip link, the brand, then the menu's links in order.
    phone.goto(phone.base_url + "/gop-y/cong-khai/")
    focused = []
    for _ in range(6):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.getAttribute('href')"))
    assert focused[2:6] == ["/gop-y/", "/gop-y/theo-doi/", "/gop-y/cong-khai/", "/tien-do/"]

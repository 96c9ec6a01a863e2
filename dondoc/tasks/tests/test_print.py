"""The printed task list, in headless Debian chromium: compact, without buttons or filters."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from dondoc.tasks import services
from dondoc.tasks.tests.test_browser import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTENT = (
    "Chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành chính sách hợp tác công tư trong "
    "nghiên cứu, phát triển, ứng dụng khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số, "
    "bảo đảm hài hòa lợi ích giữa Nhà nước, nhà khoa học và doanh nghiệp (nhiệm vụ số {n})."
)


def test_eighteen_tasks_print_on_three_a4_pages_without_buttons(
    page, tracker, program, notice, most, hanoi, member_person
):
    for n in range(1, 19):
        services.create_task(
            program=program, content=CONTENT.format(n=n), assigned_on=dt.date(2025, 1, 22),
            deadline="Quý I/2025", sources=[(notice, f"({n})", "")], leads=[most, hanoi],
            members=[member_person],
        )  # fmt: skip
    log_in(page, "tracker")
    page.goto(page.base_url + "/tasks/?as_of=2025-04-10&status=overdue")
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "task-list-print.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(x for x in pages.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert count <= 3, count
    assert "01-TB/BCĐTW (18)" in text  # the last task made it to paper
    for button in ("Excel (XLSX)", "CSV", "Lọc", "Xóa bộ lọc", "Đăng xuất", "Tổng quan"):
        assert button not in text, button

"""The catalogue import page: upload, see what would change or every refused cell, confirm;
nothing is written before the confirmation, and only the Standing Office may import."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dondoc.indicators.models import Indicator
from dondoc.indicators.tests.test_importer import MIC, MOST, catalogue_rows, xlsx
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.tasks.importers import staging


@pytest.fixture
def agencies(db):
    """The two lead agencies the catalogue names."""
    OrgUnit.objects.create(code="khcn", kind=OrgKind.MINISTRY, name=MOST)
    OrgUnit.objects.create(code="stttt", kind=OrgKind.OTHER, name=MIC)


def _upload(client, program, data: bytes, name: str = "chi-tieu.xlsx"):
    return client.post(
        reverse("indicators:import"),
        {"program": program.code, "file": SimpleUploadedFile(name, data)},
    )


def test_the_check_shows_what_would_change_and_writes_nothing(client, clerk, program, agencies):
    client.force_login(clerk)
    response = _upload(client, program, xlsx(catalogue_rows()))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kiểm tra trước khi nhập" in html
    assert '<span class="num">36</span> chỉ tiêu mới' in html
    # The headings read, as written and in the file's order.
    assert "Các cột được đọc: STT · Chỉ tiêu · Đơn vị tính · Kết quả · Cơ quan chủ trì" in html
    assert not Indicator.objects.exists()


def test_confirming_imports_the_checked_file_once(client, clerk, program, agencies):
    client.force_login(clerk)
    _upload(client, program, xlsx(catalogue_rows()))
    staged = staging.staged(client.session["dondoc_indicator_import"]["token"])
    assert staged.is_file()
    response = client.post(reverse("indicators:import-confirm"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("indicators:list") + f"?program={program.code}"
    assert "Đã nhập danh mục chỉ tiêu từ chi-tieu.xlsx: chỉ tiêu mới: 36" in (
        response.content.decode()
    )
    assert Indicator.objects.filter(program=program).count() == 36
    assert not staged.exists() and "dondoc_indicator_import" not in client.session
    again = client.post(reverse("indicators:import-confirm"), follow=True)
    assert "Không có tệp nào đang chờ nhập" in again.content.decode()
    assert Indicator.objects.filter(program=program).count() == 36


def test_a_refused_file_names_the_row_and_column_and_cannot_be_confirmed(
    client, clerk, program, agencies
):
    rows = catalogue_rows()
    rows[7][2] = "=HYPERLINK(1)"  # a formula where the unit goes
    client.force_login(clerk)
    response = _upload(client, program, xlsx(rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Không nhập được tệp" in html and "Chưa nhập dữ liệu nào." in html
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[:3] == [
        "8",
        "Đơn vị tính",
        "Đơn vị “=HYPERLINK(1)” không có trong danh mục đơn vị.",
    ]
    assert client.post(reverse("indicators:import-confirm")).status_code == 302
    assert not Indicator.objects.exists()


def test_the_page_speaks_english_too(client, clerk, program, agencies):
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    rows = catalogue_rows()
    rows[7][2] = "=HYPERLINK(1)"
    html = _upload(client, program, xlsx(rows)).content.decode()
    assert "The file cannot be imported" in html and "Reason" in html


def test_a_file_of_another_kind_is_refused_before_reading(client, clerk, program):
    client.force_login(clerk)
    response = _upload(client, program, b"%PDF-1.4", "chi-tieu.pdf")
    assert response.status_code == 400
    assert ".pdf" in response.content.decode()


def test_only_the_standing_office_imports(client, reporter, tracker, program):
    for user in (reporter, tracker):
        client.force_login(user)
        assert client.get(reverse("indicators:import")).status_code == 403
        assert client.post(reverse("indicators:import-confirm")).status_code == 403


def test_the_indicator_list_links_to_the_import_for_the_standing_office(
    client, clerk, reporter, program
):
    client.force_login(clerk)
    assert reverse("indicators:import") in client.get(reverse("indicators:list")).content.decode()
    client.force_login(reporter)
    assert (
        reverse("indicators:import") not in client.get(reverse("indicators:list")).content.decode()
    )


def test_an_unknown_program_is_refused_not_replaced(client, clerk, program, agencies):
    client.force_login(clerk)
    response = client.post(
        reverse("indicators:import"),
        {"program": "KHAC", "file": SimpleUploadedFile("c.xlsx", xlsx(catalogue_rows()))},
    )
    assert response.status_code == 400
    assert "Không có chương trình nào có mã KHAC." in response.content.decode()
    assert "dondoc_indicator_import" not in client.session


def test_a_confirmation_whose_file_is_gone_asks_for_it_again(client, clerk, program, agencies):
    client.force_login(clerk)
    _upload(client, program, xlsx(catalogue_rows()))
    staging.staged(client.session["dondoc_indicator_import"]["token"]).unlink()
    response = client.post(reverse("indicators:import-confirm"), follow=True)
    assert "Không có tệp nào đang chờ nhập" in response.content.decode()
    assert not Indicator.objects.exists()

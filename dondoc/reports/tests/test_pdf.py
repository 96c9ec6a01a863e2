"""The DOCX converts to PDF with LibreOffice and renders to PNG pages (needs LibreOffice)."""

import datetime as dt
import shutil
import subprocess

import pytest

from dondoc.reports import services
from dondoc.reports.pdf import to_pdf
from dondoc.reports.periods import Period

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        shutil.which("libreoffice") is None or shutil.which("pdftoppm") is None,
        reason="needs LibreOffice (libreoffice-writer-nogui) and pdftoppm (poppler-utils)",
    ),
]


def test_quarterly_report_converts_to_pdf_and_renders_pages(quarter, tmp_path):
    report = services.build_quarterly(
        quarter["done"].program, period=Period(2025, 1), as_of=dt.date(2025, 4, 10), number="02"
    )
    pdf = to_pdf(report.docx(), name="q1.docx")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "q1.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(tmp_path / "q1.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3  # the report, then the landscape appendices
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "q1.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "DANH SÁCH CÁC NHIỆM VỤ CHẬM, MUỘN" in text


def test_footnote_on_reporting_completeness_is_printed_at_the_foot_of_the_page(agencies, tmp_path):
    report = services.build_quarterly(
        agencies["round"].program, period=Period(2025, 1), as_of=dt.date(2025, 4, 10), number="02"
    )
    (tmp_path / "q1.pdf").write_bytes(to_pdf(report.docx(), name="q1.docx"))
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "q1.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = " ".join(first_page.split())
    assert "cơ quan liên quan1 và qua theo dõi" in lines  # the call, in superscript
    assert "1 Tính đến ngày 10/4/2025, đã nhận báo cáo quý I/2025 của 02/04 tỉnh ủy" in lines
    assert "đã có 03/04 địa phương, 01/02 bộ, ngành ban hành" in lines

"""Appendix tables of the Q1/2025 report reassembled from PDF text, and the cell parsers."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dondoc.tasks.importers.appendix import (
    AppendixRow,
    DocumentRef,
    ParsedAppendices,
    Problem,
    parse_documents,
    parse_report_appendices,
    parse_table_rows,
    split_agencies,
    split_members,
)
from dondoc.tasks.tests.seeds import seed_text

REPORT = "001_"
TB01 = DocumentRef("01-TB/BCĐTW", date(2025, 1, 22))
TB03 = DocumentRef("03-TB/BCĐTW", date(2025, 3, 6))
# Appendix 2 rows printed without a deadline.
APPENDIX_2_WITHOUT_DEADLINE = {9, 32, 33, 34, 37}


@pytest.fixture(scope="module")
def report_text() -> str:
    return seed_text(REPORT)


@pytest.fixture(scope="module")
def report(report_text: str) -> ParsedAppendices:
    return parse_report_appendices(report_text)


def row(report: ParsedAppendices, appendix: int, number: int) -> AppendixRow:
    (found,) = [r for r in report.rows if r.appendix == appendix and r.number == number]
    return found


# --------------------------------------------------------------------------------------------
# The real report


def test_appendix_1_lists_the_nine_late_tasks_in_order(report: ParsedAppendices) -> None:
    assert [r.number for r in report.appendix(1)] == list(range(1, 10))


def test_appendix_2_lists_the_43_tasks_of_next_quarter_in_order(
    report: ParsedAppendices,
) -> None:
    assert [r.number for r in report.appendix(2)] == list(range(1, 44))


def test_report_header_gives_number_date_and_title(report: ParsedAppendices) -> None:
    assert report.report_number == "02-BC/CQTTCĐ"
    assert report.report_date == date(2025, 4, 10)
    assert report.title == (
        "BÁO CÁO TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NHIỆM VỤ NGHỊ QUYẾT SỐ 57-NQ/TW "
        "TRONG QUÝ I/2025 VÀ NHIỆM VỤ TRỌNG TÂM QUÝ II/2025"
    )
    assert report.appendix_titles == {
        1: "DANH SÁCH CÁC NHIỆM VỤ CHẠM, MUỘN",
        2: "DANH SÁCH NHIỆM VỤ THỰC HIỆN TRONG QUÝ II/2025",
    }


def test_the_only_problem_is_the_report_number_misprinted_in_the_header(
    report: ParsedAppendices, report_text: str
) -> None:
    (problem,) = report.problems
    assert "02-BC/CQTTCĐ" in problem.message
    assert "02-BC/CQTTBCĐ" in problem.message
    assert "02-BC/CQTTBCĐ" in problem.message_vi
    assert report_text.split("\n")[problem.line - 1] == "Số 02-BC/CQTTCĐ"


def test_every_row_has_content_documents_members_and_lead_agency(
    report: ParsedAppendices,
) -> None:
    for r in report.rows:
        assert r.content, r
        assert r.documents, r
        assert r.members, r
        assert r.lead_agencies, r


def test_every_row_has_a_deadline_unless_the_source_leaves_it_blank(
    report: ParsedAppendices,
) -> None:
    blank = {(r.appendix, r.number) for r in report.rows if not r.deadline_text}
    assert blank == {(2, number) for number in APPENDIX_2_WITHOUT_DEADLINE}


def test_result_is_kept_for_late_tasks_only(report: ParsedAppendices) -> None:
    assert all(r.result for r in report.appendix(1))
    assert not any(r.result for r in report.appendix(2))
    assert row(report, 1, 8).result == (
        "Đã xây dựng danh mục Công nghệ chiến lược, đang lấy ý kiến các bộ, ngành nhưng chưa "
        "ban hành."
    )


def test_rows_point_at_the_line_holding_their_number(
    report: ParsedAppendices, report_text: str
) -> None:
    lines = report_text.split("\n")
    for r in report.rows:
        assert lines[r.line - 1].startswith(f"{r.number}\t"), r
    assert row(report, 1, 1).line == 390
    assert row(report, 2, 43).line == 465


def test_repeated_page_headers_do_not_become_rows_or_text(report: ParsedAppendices) -> None:
    for r in report.rows:
        for cell in (r.content, r.documents_text, r.members_text, r.lead_text, r.deadline_text):
            assert "Nhiệm vụ cụ thể" not in cell
            assert "Thời hạn hoàn thành" not in cell
            assert "STT" not in cell


def test_row_broken_by_a_page_is_merged_cell_by_cell(report: ParsedAppendices) -> None:
    late = row(report, 1, 6)
    assert late.content.startswith(
        "Xây dựng dự thảo cơ chế đặc thù thu hút người Việt Nam ở nước ngoài và người nước "
        "ngoài có trình độ cao về Việt Nam làm việc, sinh sống; có cơ chế đặc biệt"
    )
    assert late.content.endswith("đổi mới sáng tạo và chuyển đổi số.")
    assert late.lead_text == "Đảng ủy Bộ Nội vụ, Đảng ủy Bộ Khoa học và Công nghệ"
    assert late.lead_agencies == ["Đảng ủy Bộ Nội vụ", "Đảng ủy Bộ Khoa học và Công nghệ"]
    assert late.deadline_text == "Quý I/2025"


def test_deadline_split_by_a_page_is_joined(report: ParsedAppendices) -> None:
    assert row(report, 2, 26).deadline_text == "Quý I/2025"
    assert row(report, 2, 35).deadline_text == "Quý II/2025"


def test_document_number_split_by_a_page_is_joined(report: ParsedAppendices) -> None:
    split = row(report, 2, 26)
    assert split.documents_text == "Thông báo số 03-TB/BCĐTW ngày 06/3/2025"
    assert split.documents == [TB03]
    assert row(report, 2, 35).documents == [TB03]
    assert row(report, 2, 8).documents == [TB01, TB03]
    assert row(report, 2, 14).documents == [TB01]


def test_member_names_split_by_a_page_are_joined(report: ParsedAppendices) -> None:
    assert row(report, 2, 26).members == ["Phạm Minh Chính", "Nguyễn Mạnh Hùng"]
    assert row(report, 2, 8).members == ["Phạm Minh Chính", "Nguyễn Văn Thắng"]


def test_content_truncated_at_a_page_end_is_completed(report: ParsedAppendices) -> None:
    assert row(report, 2, 26).content == (
        "Tháo gỡ rào cản về cơ chế, chính sách, hạ tầng, nhân lực chất lượng cao cho việc phát "
        "triển các Khu công nghệ cao tại Hà Nội và Thành phố Hồ Chí Minh"
    )
    assert row(report, 2, 19).content.endswith(
        "nhất là dữ liệu về dân cư, tư pháp, giáo dục, ngân hàng, thuế, bảo hiểm, doanh "
        "nghiệp, đất đai, phương tiện"
    )
    assert row(report, 2, 8).content.endswith(
        "đổi mới sáng tạo, chuyển đổi số và tiếp tục nâng lên 2% GDP trong 5 năm tiếp theo."
    )


def test_members_lose_their_title_and_committee_tag(report: ParsedAppendices) -> None:
    assert row(report, 1, 1).members_text == "Đồng chí Phạm Minh Chính, Nguyễn Văn Thắng (BCĐ TW)"
    assert row(report, 1, 1).members == ["Phạm Minh Chính", "Nguyễn Văn Thắng"]
    assert row(report, 2, 20).members == ["Lương Tam Quang"]
    assert row(report, 2, 43).members == ["Phạm Minh Chính", "Nguyễn Mạnh Hùng"]  # "(BCĐTW)"


def test_members_missing_a_comma_are_still_told_apart(report: ParsedAppendices) -> None:
    assert row(report, 2, 29).members == ["Phạm Minh Chính", "Nguyễn Mạnh Hùng", "Nguyễn Kim Sơn"]
    assert row(report, 2, 31).members == [
        "Phạm Minh Chính",
        "Nguyễn Mạnh Hùng",
        "Nguyễn Văn Thắng",
    ]


def test_lead_agencies_are_split_on_semicolons_and_agency_commas(
    report: ParsedAppendices,
) -> None:
    assert row(report, 2, 1).lead_agencies == [
        "Đảng uỷ Bộ Khoa học và Công nghệ",
        "Bộ Tài chính",
        "Bộ Tư pháp",
    ]
    assert row(report, 1, 5).lead_agencies == [
        "Đảng ủy Bộ Khoa học và Công nghệ",
        "Đảng ủy Bộ Nội vụ",
        "Đảng ủy Bộ Giáo dục và Đào tạo",
    ]
    assert row(report, 2, 39).lead_agencies == ["Đảng uỷ Công an Trung ương", "Quân uỷ Trung ương"]


def test_city_after_a_city_committee_gets_the_committee(report: ParsedAppendices) -> None:
    assert row(report, 1, 9).lead_agencies == [
        "Đảng uỷ Bộ Khoa học và Công nghệ",
        "Thành uỷ TP Hà Nội",
        "Thành uỷ TP Hồ Chí Minh",
    ]


def test_enumerated_ministries_each_get_the_party_committee(report: ParsedAppendices) -> None:
    assert row(report, 2, 11).lead_agencies == [
        "Đảng uỷ Bộ Khoa học và Công nghệ",
        "Đảng uỷ Bộ Giáo dục và Đào tạo",
    ]
    assert row(report, 2, 9).lead_text == "Đảng uỷ các Bộ: Nông nghiệp và Môi trường; Công an..."
    assert row(report, 2, 9).lead_agencies == [
        "Đảng uỷ Bộ Nông nghiệp và Môi trường",
        "Đảng uỷ Bộ Công an",
    ]


def test_report_body_before_the_appendices_is_ignored(report: ParsedAppendices) -> None:
    # The body mentions "Phụ lục 3" and numbered paragraphs; none of it becomes a row.
    assert {r.appendix for r in report.rows} == {1, 2}
    assert min(r.line for r in report.rows) == 390


# --------------------------------------------------------------------------------------------
# Small tables


HEADER_2 = "STT\tNhiệm vụ cụ thể\tVăn bản giao nhiệm vụ\tĐồng chí\tCơ quan chủ trì\tThời hạn"
ROW_2 = (
    "{n}\tNhiệm vụ {n}\tThông báo số 01-TB/BCĐTW ngày 22/01/2025\tĐồng chí A B\tBộ C\tQuý II/2025"
)


def appendix_2(*lines: str) -> str:
    return "\n".join(["Phụ lục 1", "Phụ lục 2", "DANH SÁCH", HEADER_2, *lines])


def test_row_number_out_of_sequence_is_reported_with_line_and_column() -> None:
    parsed = parse_report_appendices(appendix_2(ROW_2.format(n=1), ROW_2.format(n=3)))
    assert [r.number for r in parsed.rows] == [1, 3]
    assert (
        Problem(
            6, "number", "Row number 3 where 2 was expected.", "Số thứ tự 3 trong khi lẽ ra là 2."
        )
        in parsed.problems
    )


def test_empty_content_is_reported() -> None:
    parsed = parse_report_appendices(appendix_2("1\t\tThông báo số 01-TB/BCĐTW\tA\tBộ C\t2025"))
    (problem,) = [p for p in parsed.problems if p.column == "content"]
    assert problem.line == 5
    assert problem.message_vi


def test_too_many_columns_are_reported_and_kept_in_the_last_column() -> None:
    parsed = parse_report_appendices(
        appendix_2(ROW_2.format(n=1) + "\tthêm một ô"),
    )
    (only,) = parsed.rows
    assert only.deadline_text == "Quý II/2025 thêm một ô"
    (problem,) = [p for p in parsed.problems if p.line == 5]
    assert problem.column == "deadline"


def test_truncated_row_is_padded() -> None:
    parsed = parse_report_appendices(appendix_2("1\tNhiệm vụ ngắn\tThông báo số 01-TB/BCĐTW"))
    (only,) = parsed.rows
    assert only.content == "Nhiệm vụ ngắn"
    assert (only.members, only.lead_agencies, only.deadline_text) == ([], [], "")
    assert [p.column for p in parsed.problems] == ["lead"]


def test_page_numbers_images_and_reworded_headers_are_skipped() -> None:
    parsed = parse_report_appendices(
        appendix_2(
            ROW_2.format(n=1),
            "",
            "12",
            "The image shows a red seal.",
            "STT\tNhiệm vụ chính\tVăn bản chỉ đạo\tĐồng chí (nếu có)\tCơ quan chủ trì\tThời hạn",
            ROW_2.format(n=2),
        )
    )
    assert [r.number for r in parsed.rows] == [1, 2]
    assert parsed.problems == []


def test_wrapped_line_continues_the_cell_it_broke() -> None:
    parsed = parse_report_appendices(
        appendix_2(
            "1\tXây dựng cơ chế thu hút",
            "nhân tài\tThông báo số 01-TB/BCĐTW\tĐồng chí A B\tBộ C\tQuý",
            "\t\t\t\t\tII/2025",
        )
    )
    (only,) = parsed.rows
    assert only.content == "Xây dựng cơ chế thu hút nhân tài"
    assert only.lead_agencies == ["Bộ C"]
    assert only.deadline_text == "Quý II/2025"


def test_split_document_number_is_glued_back_without_space() -> None:
    parsed = parse_report_appendices(
        appendix_2(
            "1\tNhiệm vụ\tThông báo số 03-\tĐồng chí A B\tBộ C\tQuý",
            "\t\tTB/BCĐTW ngày 06/3/2025\t\t\tII/2025",
        )
    )
    assert parsed.rows[0].documents == [TB03]


def test_missing_appendix_headings_are_reported() -> None:
    parsed = parse_report_appendices("Không có phụ lục nào.")
    assert parsed.rows == []
    assert [p.line for p in parsed.problems] == [0, 0]


def test_table_rows_from_a_template_use_the_same_row_logic() -> None:
    parsed = parse_table_rows(
        [
            ["STT", "Nhiệm vụ", "Văn bản", "Đồng chí", "Cơ quan chủ trì", "Thời hạn", "Kết quả"],
            [1.0, "Nhiệm vụ một", "Thông báo số 1-TB/BCDTW", "Đồng chí Tô Lâm", "Bộ A; Bộ B", None],
            ["", "tiếp theo", None, None, None, "Quý I/2025", "Đang thực hiện"],
            [2, "Nhiệm vụ hai", "", "", "", date(2025, 6, 30), ""],
        ],
        appendix=1,
        first_line=10,
    )
    first, second = parsed.rows
    assert (first.number, first.line, first.content) == (1, 11, "Nhiệm vụ một tiếp theo")
    assert first.documents == [DocumentRef("1-TB/BCĐTW", None)]
    assert first.members == ["Tô Lâm"]
    assert first.lead_agencies == ["Bộ A", "Bộ B"]
    assert (first.deadline_text, first.result) == ("Quý I/2025", "Đang thực hiện")
    assert second.deadline_text == "30/06/2025"
    assert [(p.line, p.column) for p in parsed.problems] == [(13, "lead")]


def test_table_rows_need_appendix_1_or_2() -> None:
    with pytest.raises(ValueError):
        parse_table_rows([], appendix=3)


# --------------------------------------------------------------------------------------------
# Cell parsers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đồng chí Phạm Minh Chính, Nguyễn Mạnh Hùng Nguyễn Văn Thắng (BCĐ TW)",
            ["Phạm Minh Chính", "Nguyễn Mạnh Hùng", "Nguyễn Văn Thắng"],
        ),
        ("Đ/c Tô Lâm và đồng chí Lương Cường", ["Tô Lâm", "Lương Cường"]),
        ("Nguyễn Thị Thu Hà (BCĐTW)", ["Nguyễn Thị Thu Hà"]),
        ("Các đồng chí: Trần Thanh Mẫn; Lê Minh Hưng (BCĐ", ["Trần Thanh Mẫn", "Lê Minh Hưng"]),
        ("Phạm Minh Chính, Phạm Minh Chính", ["Phạm Minh Chính"]),
        ("", []),
        ("(BCĐ TW)", []),
    ],
)
def test_split_members(text: str, expected: list[str]) -> None:
    assert split_members(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đảng uỷ Bộ Khoa học và Công nghệ; Thành uỷ TP Hà Nội, Thành uỷ TP Hồ Chí Minh",
            ["Đảng uỷ Bộ Khoa học và Công nghệ", "Thành uỷ TP Hà Nội", "Thành uỷ TP Hồ Chí Minh"],
        ),
        (
            "Bộ Văn hoá, Thể thao và Du lịch, Bộ Tài chính",
            ["Bộ Văn hoá, Thể thao và Du lịch", "Bộ Tài chính"],
        ),
        (
            "Đảng uỷ các Bộ: Tài chính, Văn hoá, Thể thao và Du lịch",
            ["Đảng uỷ Bộ Tài chính", "Đảng uỷ Bộ Văn hoá, Thể thao và Du lịch"],
        ),
        ("Đảng uỷ  Chính phủ.", ["Đảng uỷ Chính phủ"]),
        (" ; , ", []),
    ],
)
def test_split_agencies(text: str, expected: list[str]) -> None:
    assert split_agencies(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thông báo số 01-TB/BCĐTW ngày 22/01/2025; Thông báo số 03-TB/BCĐTW ngày 06/3/2025",
            [TB01, TB03],
        ),
        ("Số 01-TB/BCDTW ngày 22 tháng 01 năm 2025", [TB01]),
        ("Thông báo số 03- TB/BCĐ TW ngày 06/3/2025", [TB03]),
        (
            "Nghị quyết số 193/2025/NQ-QH15; Văn bản số 2770/VPCP-TCCV",
            [DocumentRef("193/2025/NQ-QH15"), DocumentRef("2770/VPCP-TCCV")],
        ),
        ("Kết luận số 57-NQ/TW ngày 31/02/2025", [DocumentRef("57-NQ/TW", None)]),
        ("Thông báo số", []),
    ],
)
def test_parse_documents(text: str, expected: list[DocumentRef]) -> None:
    assert parse_documents(text) == expected


# --------------------------------------------------------------------------------------------
# Properties


def assert_consistent(parsed: ParsedAppendices, text: str) -> None:
    line_count = len(text.split("\n"))
    for r in parsed.rows:
        assert r.appendix in (1, 2)
        assert 1 <= r.line <= line_count
        assert r.appendix == 1 or r.result == ""
    for problem in parsed.problems:
        assert 0 <= problem.line <= line_count
        assert problem.message and problem.message_vi


SOURCE_ALPHABET = st.sampled_from(
    list("\t\n \r\x0c0123456789.,;:()/-…") + list("aăâbcdđeêghiklmnoôơpqrstuưvxyÁẠỦỷĐQTWB")
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(SOURCE_ALPHABET, max_size=60),
            st.sampled_from(["Phụ lục 1", "Phụ lục 2", "PHỤ LỤC II", "STT\tNhiệm vụ", "12"]),
            st.builds("{}\t{}".format, st.integers(0, 60), st.text(SOURCE_ALPHABET, max_size=40)),
        ),
        max_size=30,
    )
)
def test_any_text_parses_without_raising(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert_consistent(parse_report_appendices(text), text)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), deletions=st.integers(0, 15), shuffles=st.integers(0, 15))
def test_mutated_report_parses_without_raising(
    report_text: str, seed: int, deletions: int, shuffles: int
) -> None:
    rng = random.Random(seed)
    lines = report_text.split("\n")
    start = next(i for i, line in enumerate(lines) if line == "Phụ lục 1") - 5
    for _ in range(deletions):
        del lines[rng.randrange(start, len(lines))]
    for _ in range(shuffles):
        index = rng.randrange(start, len(lines))
        cells = lines[index].split("\t")
        rng.shuffle(cells)
        if rng.random() < 0.3:
            cells.insert(rng.randrange(len(cells) + 1), "")
        lines[index] = "\t".join(cells)
    text = "\n".join(lines)
    assert_consistent(parse_report_appendices(text), text)


@settings(max_examples=100, deadline=None)
@given(st.text(SOURCE_ALPHABET, max_size=80))
def test_cell_parsers_never_raise(text: str) -> None:
    assert all(name == name.strip() and name for name in split_members(text))
    assert all(name == name.strip() and name for name in split_agencies(text))
    assert all(ref.number for ref in parse_documents(text))

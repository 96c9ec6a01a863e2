from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.core.columns import (
    find_header_row,
    fold_heading,
    is_numbering_row,
    recognise_columns,
    score_heading,
)

SYNONYMS = {
    "stt": ["STT", "TT", "Số TT"],
    "content": ["Nội dung nhiệm vụ", "Tên nhiệm vụ", "Nhiệm vụ", "Nội dung"],
    "lead": ["Cơ quan chủ trì", "Đơn vị chủ trì", "Chủ trì"],
    "coordinating": ["Cơ quan phối hợp", "Phối hợp"],
    "deadline": ["Thời hạn", "Thời hạn hoàn thành", "Tiến độ"],
    "group": ["Nhóm", "Nhóm nhiệm vụ"],
}


def test_fold_heading_drops_diacritics_case_numbering_and_punctuation():
    assert fold_heading("Nội dung nhiệm vụ (2)") == "noi dung nhiem vu"
    assert fold_heading("  ĐƠN VỊ   CHỦ TRÌ: ") == "don vi chu tri"
    assert fold_heading("Kết quả, sản phẩm") == "ket qua san pham"
    assert fold_heading("2. Thời hạn") == "thoi han"
    assert fold_heading("Cơ quan chủ trì\n(3)") == "co quan chu tri"
    assert fold_heading(None) == ""


def test_exact_beats_prefix_beats_contains_beats_overlap():
    exact = score_heading("thoi han", "thoi han")
    prefix = score_heading("thoi han hoan thanh", "thoi han")
    contains = score_heading("du kien thoi han", "thoi han")
    overlap = score_heading("co quan thuc hien", "co quan chu tri thuc hien")
    assert exact > prefix > contains > overlap > 0
    assert score_heading("co quan phoi hop", "noi dung") == 0


def test_headings_are_recognised_whatever_their_case_and_diacritics():
    headings = ["TT", "NHIỆM VỤ", "Co quan chu tri", "đơn vị phối hợp", "Thời hạn hoàn thành"]
    found = recognise_columns(headings, SYNONYMS)
    assert found == {"stt": 0, "content": 1, "lead": 2, "coordinating": 3, "deadline": 4}


def test_lead_heading_is_not_taken_as_content():
    found = recognise_columns(["STT", "Cơ quan chủ trì", "Nội dung công việc"], SYNONYMS)
    assert found == {"stt": 0, "lead": 1, "content": 2}


def test_each_column_serves_one_key_and_the_best_match_wins():
    # "Nhóm nhiệm vụ" contains "nhiệm vụ" but is exactly the group synonym.
    found = recognise_columns(["Nhóm nhiệm vụ", "Tên nhiệm vụ"], SYNONYMS)
    assert found == {"group": 0, "content": 1}
    # Only one column: group takes it (exact), content is left out.
    assert recognise_columns(["Nhóm nhiệm vụ"], SYNONYMS) == {"group": 0}


def test_unrecognised_columns_are_left_out():
    assert recognise_columns(["Ghi chú khác", "", None, 3], SYNONYMS) == {}


def test_header_below_a_title_with_a_numbering_row_under_it():
    rows = [
        ["KẾ HOẠCH THỰC HIỆN NHIỆM VỤ NĂM 2025"],
        ["(Kèm theo Quyết định số 12/QĐ-UBND)"],
        ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["1", "Xây dựng đề án", "Sở KH&CN", "", "2025"],
    ]
    assert find_header_row(rows, SYNONYMS) == 2
    assert is_numbering_row(rows[3])
    assert not is_numbering_row(rows[4])
    assert not is_numbering_row(["1"])


def test_no_header_within_the_first_rows_gives_none():
    rows = [["a", "b"]] * 20 + [["STT", "Nội dung", "Chủ trì"]]
    assert find_header_row(rows, SYNONYMS) is None
    assert find_header_row([], SYNONYMS) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=12))
def test_recognition_never_raises_and_never_reuses_a_column(headings):
    found = recognise_columns(headings, SYNONYMS)
    assert len(set(found.values())) == len(found)
    assert all(0 <= column < len(headings) for column in found.values())

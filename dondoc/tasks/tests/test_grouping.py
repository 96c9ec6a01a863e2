from hypothesis import given
from hypothesis import strategies as st

from dondoc.tasks.grouping import suggest_group

GROUPS = [
    (1, ["tuyên truyền", "phong trào thi đua"]),
    (2, ["luật", "nghị định"]),
    (3, ["5G", "trung tâm dữ liệu"]),
]


def test_keyword_in_content_suggests_its_group():
    assert suggest_group("Triển khai mạng 5G trên toàn quốc", GROUPS) == 3


def test_keywords_match_without_diacritics_and_as_whole_words():
    assert suggest_group("Ban hanh Nghi dinh huong dan", GROUPS) == 2
    assert suggest_group("Phát triển ứng dụng", [(9, ["ứng"])]) == 9
    assert suggest_group("Phát triển ứngdụng", [(9, ["ứng"])]) is None


def test_the_programs_own_field_name_does_not_count():
    groups = [(5, ["chuyển đổi số"])]
    assert (
        suggest_group("Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", groups)
        is None
    )
    assert suggest_group("Đẩy mạnh chuyển đổi số trong cơ quan đảng", groups) == 5


def test_a_tie_or_no_keyword_gives_no_suggestion():
    assert suggest_group("Luật về 5G", GROUPS) is None
    assert suggest_group("Một việc khác", GROUPS) is None


@given(st.text())
def test_never_raises(text):
    suggest_group(text, GROUPS)

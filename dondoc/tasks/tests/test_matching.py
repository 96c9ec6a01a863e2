"""The same task recognised across documents; different tasks kept apart."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.tasks.importers.appendix import AppendixRow, parse_report_appendices
from dondoc.tasks.matching import (
    MAYBE_THRESHOLD,
    SAME_THRESHOLD,
    CandidateIndex,
    MatchDecision,
    match_task,
    normalise_for_match,
    similarity,
)
from dondoc.tasks.tests.seeds import seed_text

# Appendix 1 (late tasks) number -> the Appendix 2 row repeating it. Late task 3 (rare earths:
# "Quản lý, khai thác, bảo vệ hiệu quả khoáng sản") has no twin: Appendix 2 row 14 is a
# different, follow-up task on rare earths.
TWINS = {1: 2, 2: 10, 4: 15, 5: 17, 6: 18, 7: 23, 8: 24, 9: 26}


@pytest.fixture(scope="module")
def appendices() -> tuple[dict[int, AppendixRow], dict[int, AppendixRow]]:
    parsed = parse_report_appendices(seed_text("001_"))
    return (
        {r.number: r for r in parsed.appendix(1)},
        {r.number: r for r in parsed.appendix(2)},
    )


@pytest.fixture(scope="module")
def notice() -> str:
    """Conclusion notice 01-TB/BCĐTW, one space between words."""
    return re.sub(r"\s+", " ", seed_text("004_"))


def passage(notice: str, start: str, end: str) -> str:
    begin = notice.index(start)
    return notice[begin : notice.index(end, begin)].strip()


def match_in(rows: dict[int, AppendixRow], row: AppendixRow, *, skip: int | None = None):
    return match_task(
        row.content,
        ((number, other.content) for number, other in rows.items() if number != skip),
        lead_agencies=row.lead_agencies,
        candidate_leads={number: other.lead_agencies for number, other in rows.items()},
    )


# --------------------------------------------------------------------------------------------
# Normalisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KH, CN, ĐMST và CĐS", "khoa hoc cong nghe doi moi sang tao chuyen doi so"),
        ("KH, CN, ĐMST và CDS", "khoa hoc cong nghe doi moi sang tao chuyen doi so"),
        (
            "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.",
            "khoa hoc cong nghe doi moi sang tao chuyen doi so",
        ),
        ("nghiên cứu KHCN;", "nghien cuu khoa hoc cong nghe"),
        ("Thành uỷ TP Hồ Chí Minh", "thanh uy thanh pho ho chi minh"),
        ("Thành ủy TP Hồ Chí Minh", "thanh uy thanh pho ho chi minh"),
        ("Nghị quyết số 57-NQ/TW.", "nghi quyet so 57 nghi quyet trung uong"),
        ("BCĐ TW", "ban chi dao trung uong"),
        ("", ""),
    ],
)
def test_normalise_for_match(text: str, expected: str) -> None:
    assert normalise_for_match(text) == expected


def test_trailing_punctuation_and_abbreviations_do_not_matter() -> None:
    assert (
        similarity(
            "Phát động phong trào thi đua thực hiện Nghị quyết số 57-NQ/TW.",
            "Phát động phong trào thi đua thực hiện Nghị quyết số 57-NQ/TW",
        )
        == 1.0
    )
    assert (
        similarity(
            "Xây dựng, ban hành Danh mục Công nghệ chiến lược.",
            "Xây dựng, ban hành Danh mục Công nghệ chiến lược;",
        )
        == 1.0
    )


# --------------------------------------------------------------------------------------------
# The real report


@pytest.mark.parametrize(("late", "next_quarter"), sorted(TWINS.items()))
def test_late_task_repeated_next_quarter_is_the_same_task(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
    late: int,
    next_quarter: int,
) -> None:
    appendix_1, appendix_2 = appendices
    decision = match_in(appendix_2, appendix_1[late])
    assert decision.kind == "same"
    assert decision.candidate == next_quarter


def test_late_task_without_twin_is_new(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
) -> None:
    appendix_1, appendix_2 = appendices
    decision = match_in(appendix_2, appendix_1[3])
    assert decision == MatchDecision("new", None, decision.score)
    assert decision.score < MAYBE_THRESHOLD


def test_no_two_tasks_of_the_next_quarter_are_the_same(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
) -> None:
    _, appendix_2 = appendices
    for number, task in appendix_2.items():
        assert match_in(appendix_2, task, skip=number).kind == "new", task
    for a, b in itertools.combinations(appendix_2.values(), 2):
        assert similarity(a.content, b.content) < MAYBE_THRESHOLD, (a.number, b.number)


@pytest.mark.parametrize(
    "pair",
    [(5, 6), (5, 7), (6, 7), (4, 5), (4, 6), (4, 7)],
)
def test_amendments_of_different_laws_are_different_tasks(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
    pair: tuple[int, int],
) -> None:
    _, appendix_2 = appendices
    first, second = (appendix_2[number] for number in pair)
    decision = match_task(first.content, [(second.number, second.content)])
    assert decision.kind == "new"
    with_leads = match_task(
        first.content,
        [(second.number, second.content)],
        lead_agencies=first.lead_agencies,
        candidate_leads={second.number: second.lead_agencies},
    )
    assert with_leads.kind == "new"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("Nghiên cứu, đề xuất phương án cải cách", "3) Xây dựng", 16),
        ("Xây dựng các phương án tổ chức", "4) Xây dựng", 17),
        ("Xây dựng dự thảo cơ chế đặc thù", "5) Trong năm", 18),
        ("Trong năm 2025 mọi thủ tục", " (6) ", 19),
        ("chỉ đạo rà soát, điều chỉnh, bổ sung Quy hoạch điện", "Quản lý, khai thác", 13),
        ("chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành Chương trình", "Đây là vấn đề", 23),
        ("chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành chính sách", "Đây là vấn đề", 2),
        ("triển khai phát triển hệ sinh thái Đề án 06", "Trung tâm dữ liệu quốc gia sớm", 20),
    ],
)
def test_task_of_the_notice_reworded_in_the_report_is_the_same_task(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
    notice: str,
    start: str,
    end: str,
    expected: int,
) -> None:
    _, appendix_2 = appendices
    text = passage(notice, start, end)
    decision = match_task(text, ((n, r.content) for n, r in appendix_2.items()))
    assert (decision.kind, decision.candidate) == ("same", expected), decision


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("chỉ đạo triển khai mạng di động băng thông rộng 5G", " (9) ", 21),
        ("chỉ đạo bố trí ngân sách nhà nước", "Có thể bố trí ngay", 8),
        ("Có hình thức phù hợp phát động phong trào thi đua", "2) Nghiên cứu", 15),
    ],
)
def test_loosely_reworded_task_still_ranks_its_twin_first(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
    notice: str,
    start: str,
    end: str,
    expected: int,
) -> None:
    _, appendix_2 = appendices
    text = passage(notice, start, end)
    ranked = sorted(appendix_2, key=lambda n: similarity(text, appendix_2[n].content))
    assert ranked[-1] == expected


def test_notice_paragraph_with_explanations_goes_to_a_human(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]], notice: str
) -> None:
    _, appendix_2 = appendices
    paragraph = passage(
        notice, "Đồng chí Bộ trưởng Bộ Kế hoạch và Đầu tư", "Đồng chí Tổng Bí thư -"
    )
    decision = match_task(paragraph, ((n, r.content) for n, r in appendix_2.items()))
    assert (decision.kind, decision.candidate) == ("maybe", 2)


def test_task_with_a_second_object_added_goes_to_a_human(
    appendices: tuple[dict[int, AppendixRow], dict[int, AppendixRow]],
) -> None:
    _, appendix_2 = appendices
    for text, expected in [
        (
            "Xây dựng, ban hành Danh mục Công nghệ chiến lược và Chương trình phát triển công "
            "nghệ chiến lược",
            24,
        ),
        (
            "Sớm nghiên cứu, đề xuất sửa đổi, bổ sung một số quy định trong Luật Viên chức và "
            "Luật Cán bộ, công chức",
            5,
        ),
    ]:
        decision = match_task(text, ((n, r.content) for n, r in appendix_2.items()))
        assert (decision.kind, decision.candidate) == ("maybe", expected), decision


# --------------------------------------------------------------------------------------------
# Behaviour of match_task


LAW_A = "Sửa đổi, bổ sung một số quy định trong Luật Viên chức"
LAW_B = "Sửa đổi, bổ sung một số quy định trong Luật Phòng, chống tham nhũng"


def test_short_differing_tail_keeps_tasks_apart() -> None:
    assert match_task(LAW_A, [("b", LAW_B)]).kind == "new"


def test_shared_lead_agency_raises_and_different_one_lowers_the_score() -> None:
    text = "Xây dựng, ban hành Danh mục Công nghệ chiến lược và lộ trình"
    candidate = [("x", "Xây dựng, ban hành Danh mục Công nghệ chiến lược")]
    plain = match_task(text, candidate).score
    shared = match_task(
        text,
        candidate,
        lead_agencies=["Đảng uỷ Bộ Khoa học và Công nghệ"],
        candidate_leads={"x": ["Bộ Khoa học và Công nghệ"]},
    ).score
    different = match_task(
        text,
        candidate,
        lead_agencies=["Đảng uỷ Bộ Tài chính"],
        candidate_leads={"x": ["Đảng ủy Bộ Khoa học và Công nghệ"]},
    ).score
    assert different < plain < shared <= plain + 0.05


def test_no_candidates_means_new() -> None:
    assert match_task("Nhiệm vụ bất kỳ", []) == MatchDecision("new", None, 0.0)


def test_thresholds_can_be_tightened() -> None:
    decision = match_task(LAW_A, [("a", LAW_A)], same_threshold=1.01, maybe_threshold=0.9)
    assert decision == MatchDecision("maybe", "a", 1.0)


def test_best_candidate_wins_and_ties_keep_the_first() -> None:
    decision = match_task(LAW_A, [("b", LAW_B), ("a1", LAW_A), ("a2", LAW_A)])
    assert decision == MatchDecision("same", "a1", 1.0)


def test_default_thresholds_are_ordered() -> None:
    assert 0 < MAYBE_THRESHOLD < SAME_THRESHOLD <= 1


# --------------------------------------------------------------------------------------------
# Properties


TASK_VOCABULARY = (
    "Xây dựng ban hành Luật Viên chức KH CN ĐMST CĐS và chuyển đổi số Quý II/2025 TP "
    "Hà Nội Đảng uỷ Đảng ủy , ; . 57-NQ/TW 3% GDP trung tâm dữ liệu quốc gia"
)
TASK_WORDS = st.sampled_from(TASK_VOCABULARY.split())
TASK_TEXT = st.one_of(
    st.lists(TASK_WORDS, max_size=25).map(" ".join),
    st.text(max_size=60),
)


@settings(max_examples=300, deadline=None)
@given(TASK_TEXT, TASK_TEXT)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == similarity(b, a)


@settings(max_examples=200, deadline=None)
@given(TASK_TEXT)
def test_similarity_of_a_text_with_itself_is_one(text: str) -> None:
    assert similarity(text, text) == 1.0


@settings(max_examples=100, deadline=None)
@given(TASK_TEXT, st.lists(st.tuples(st.integers(0, 5), TASK_TEXT), max_size=6))
def test_match_task_is_well_formed(content: str, candidates: list[tuple[int, str]]) -> None:
    decision = match_task(content, candidates, lead_agencies=["Bộ Tài chính"], candidate_leads={})
    assert 0.0 <= decision.score <= 1.0
    assert (decision.candidate is None) == (decision.kind == "new")


# --------------------------------------------------------------------------------------------
# Candidate index: a row meets the few tasks sharing its rarer words, not the whole program

_SUBJECTS = "viên chức|tham nhũng|sở hữu trí tuệ|đất đai|báo chí|xuất bản|dược|thuế|hải quan|cư trú"


def test_a_2000_task_program_scores_only_a_few_candidates_per_row_with_the_same_decision():
    subjects = _SUBJECTS.split("|")
    texts = [
        (n, f"Sửa đổi, bổ sung Luật {subjects[n % 10]} về hồ sơ số {n} của tỉnh mã {n * 7}")
        for n in range(2000)
    ]
    index = CandidateIndex()
    for key, text in texts:
        index.add(key, text)

    for n in (0, 17, 999, 1998):
        row = f"Sửa đổi Luật {subjects[n % 10]} về hồ sơ số {n} của tỉnh mã {n * 7}."
        candidates = index.candidates(row)

        assert len(candidates) <= index.limit
        assert index.match(row) == match_task(row, texts)
        assert index.match(row).candidate == n


def test_a_small_program_passes_every_task_to_the_matcher_in_order():
    index = CandidateIndex(limit=5)
    for key, text in [("a", LAW_A), ("b", LAW_B)]:
        index.add(key, text)

    assert index.candidates("bất kỳ") == [("a", LAW_A), ("b", LAW_B)]

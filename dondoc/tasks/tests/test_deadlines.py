"""Deadline phrases read into due dates: every written form, the refusals, and properties."""

from __future__ import annotations

import calendar
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.core.dates import MAX_DATE, MIN_DATE
from dondoc.tasks.deadlines import (
    MAX_PHRASE_LENGTH,
    Deadline,
    DeadlineKind,
    format_deadline,
    parse_deadline,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def assert_due(phrase: str, due: date, period: str) -> None:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.DATE, (phrase, deadline)
    assert deadline.due == due, phrase
    assert deadline.period == period, phrase
    assert deadline.problems == ()
    assert not deadline.needs_review


def assert_unrecognised(phrase: str) -> Deadline:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.UNRECOGNISED, (phrase, deadline)
    assert deadline.due is None
    assert deadline.needs_review
    assert deadline.problems, "an unrecognised phrase must say why"
    return deadline


# Quarters (quý) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("Quý I/2025", date(2025, 3, 31)),
        ("Quý II/2025", date(2025, 6, 30)),
        ("Quý III/2025", date(2025, 9, 30)),
        ("Quý IV/2025", date(2025, 12, 31)),
        ("QII/2025", date(2025, 6, 30)),
        ("quý II năm 2025", date(2025, 6, 30)),
        ("QUÝ IV/2025", date(2025, 12, 31)),
        ("quý iii/2025", date(2025, 9, 30)),
    ],
)
def test_quarter_roman_numeral_maps_to_quarter_end(phrase: str, due: date) -> None:
    assert_due(phrase, due, "quarter")


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("quý 1/2025", date(2025, 3, 31)),
        ("Quý 2 năm 2025", date(2025, 6, 30)),
        ("Q2/2025", date(2025, 6, 30)),
        ("q3/2025", date(2025, 9, 30)),
        ("Quý 4/2025", date(2025, 12, 31)),
        ("Quý 02/2025", date(2025, 6, 30)),
    ],
)
def test_quarter_arabic_numeral_maps_to_quarter_end(phrase: str, due: date) -> None:
    assert_due(phrase, due, "quarter")


@pytest.mark.parametrize(
    "phrase",
    [
        "Quý I/2025",
        "Quý I-2025",
        "Quý I 2025",
        "Quý I.2025",
        "Quý I năm 2025",
        "Quý I, năm 2025",
        "Quý I / 2025",
        "Quý I – 2025",
        "Quý  I   /  2025",
        "Quý\nI/2025",
        "Quý I/\n2025",
        "Q I/2025",
        "QI/2025",
    ],
)
def test_quarter_accepts_any_separator_before_the_year(phrase: str) -> None:
    assert_due(phrase, date(2025, 3, 31), "quarter")


@pytest.mark.parametrize(
    "phrase",
    [
        "trong quý II năm 2025",
        "hoàn thành trong Quý II/2025",
        "Hoàn thành Quý II/2025",
        "xong trong quý II/2025",
        "trước quý II/2025",
        "chậm nhất quý II/2025",
        "chậm nhất là quý II/2025",
        "đến quý II/2025",
        "đến hết quý II/2025",
        "cuối quý II/2025",
        "vào quý II/2025",
        "Thời hạn: Quý II/2025",
        "Quý II/2025.",
        "Quý II/2025;",
        "Quý II/2025,",
        "- Quý II/2025",
    ],
)
def test_quarter_tolerates_lead_in_words_and_trailing_punctuation(phrase: str) -> None:
    assert_due(phrase, date(2025, 6, 30), "quarter")


@pytest.mark.parametrize(
    "phrase", ["Quy I/2025", "quy 1 nam 2025", "hoan thanh trong quy I/2025", "Qúy I/2025"]
)
def test_quarter_without_diacritics_is_recognised(phrase: str) -> None:
    assert_due(phrase, date(2025, 3, 31), "quarter")


def test_quarter_written_with_unicode_roman_numeral_and_fullwidth_digits() -> None:
    assert_due("Quý Ⅱ/２０２５", date(2025, 6, 30), "quarter")


# Months (tháng) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Tháng 5/2025",
        "5/2025",
        "05/2025",
        "tháng 05/2025",
        "tháng 5 năm 2025",
        "T5/2025",
        "t5/2025",
        "Tháng 5-2025",
        "5-2025",
        "5.2025",
        "Tháng 5 2025",
        "trong tháng 5/2025",
        "trước tháng 5/2025",
        "cuối tháng 5/2025",
        "thang 5/2025",
    ],
)
def test_month_maps_to_last_day_of_month(phrase: str) -> None:
    assert_due(phrase, date(2025, 5, 31), "month")


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("tháng 03/2025", date(2025, 3, 31)),
        ("Tháng 4/2025", date(2025, 4, 30)),
        ("Tháng 12/2025", date(2025, 12, 31)),
        ("Tháng 1/2026", date(2026, 1, 31)),
    ],
)
def test_month_end_follows_the_calendar(phrase: str, due: date) -> None:
    assert_due(phrase, due, "month")


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("Tháng 2/2024", date(2024, 2, 29)),
        ("Tháng 2/2025", date(2025, 2, 28)),
        ("Tháng 2/2000", date(2000, 2, 29)),
        ("Tháng 2/2100", date(2100, 2, 28)),
    ],
)
def test_february_end_respects_leap_years(phrase: str, due: date) -> None:
    assert_due(phrase, due, "month")


# Years and half-years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    ["2025", "Năm 2025", "năm 2025", "trong năm 2025", "cuối năm 2025", "hết năm 2025", "nam 2025"],
)
def test_year_maps_to_31_december(phrase: str) -> None:
    assert_due(phrase, date(2025, 12, 31), "year")


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("6 tháng đầu năm 2025", date(2025, 6, 30)),
        ("6 tháng cuối năm 2025", date(2025, 12, 31)),
        ("trong 6 tháng đầu năm 2025", date(2025, 6, 30)),
        ("sáu tháng đầu năm 2025", date(2025, 6, 30)),
        ("nửa đầu năm 2025", date(2025, 6, 30)),
        ("6 thang cuoi nam 2025", date(2025, 12, 31)),
    ],
)
def test_half_year_maps_to_end_of_the_half(phrase: str, due: date) -> None:
    assert_due(phrase, due, "half")


# Ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due", "period"),
    [
        ("quý I và quý II/2025", date(2025, 6, 30), "quarter"),
        ("Quý I - Quý II/2025", date(2025, 6, 30), "quarter"),
        ("Quý I-Quý II/2025", date(2025, 6, 30), "quarter"),
        ("quý I và quý II năm 2025", date(2025, 6, 30), "quarter"),
        ("Quý I, II/2025", date(2025, 6, 30), "quarter"),
        ("Quý 1, 2/2025", date(2025, 6, 30), "quarter"),
        ("từ quý I đến quý II/2025", date(2025, 6, 30), "quarter"),
        ("Quý IV/2024 - Quý I/2025", date(2025, 3, 31), "quarter"),
        ("tháng 5 và tháng 6/2025", date(2025, 6, 30), "month"),
        ("tháng 5, 6/2025", date(2025, 6, 30), "month"),
        ("15/4/2025 - 30/4/2025", date(2025, 4, 30), "day"),
        ("15-4-2025 - 30-4-2025", date(2025, 4, 30), "day"),
        ("từ 15/4 đến 30/4/2025", date(2025, 4, 30), "day"),
        ("từ ngày 15/4 đến ngày 30/4/2025", date(2025, 4, 30), "day"),
        ("2025-2026", date(2026, 12, 31), "year"),
        ("Năm 2025 - 2026", date(2026, 12, 31), "year"),
    ],
)
def test_range_is_due_at_the_end_of_the_later_period(phrase: str, due: date, period: str) -> None:
    assert_due(phrase, due, period)


# Exact dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Trước 15/4/2025",
        "trước ngày 15/4/2025",
        "15/4/2025",
        "ngày 15/04/2025",
        "chậm nhất 15/4/2025",
        "chậm nhất là ngày 15/4/2025",
        "hoàn thành trước ngày 15/4/2025",
        "đến ngày 15/4/2025",
        "15-4-2025",
        "15.4.2025",
        "15 / 4 / 2025",
        "ngày 15 tháng 4 năm 2025",
        "2025-04-15",
        "truoc ngay 15/4/2025",
    ],
)
def test_exact_date_is_that_day(phrase: str) -> None:
    assert_due(phrase, date(2025, 4, 15), "day")


def test_leap_day_is_a_real_date_in_a_leap_year() -> None:
    assert_due("29/02/2024", date(2024, 2, 29), "day")


@pytest.mark.parametrize(
    "phrase", ["31/02/2025", "29/02/2025", "31/4/2025", "0/4/2025", "15/13/2025"]
)
def test_impossible_date_is_unrecognised_with_a_reason(phrase: str) -> None:
    deadline = assert_unrecognised(phrase)
    assert "not a real date" in deadline.problems[0]


def test_date_with_mixed_separators_is_not_guessed() -> None:
    assert_unrecognised("15/4.2025")


def test_date_and_datetime_values_are_taken_as_that_day() -> None:
    assert parse_deadline(date(2025, 4, 15)) == Deadline(
        "15/04/2025", DeadlineKind.DATE, date(2025, 4, 15), "day"
    )
    assert parse_deadline(datetime(2025, 4, 15, 8, 30)).due == date(2025, 4, 15)


def test_a_number_value_is_read_as_its_text() -> None:
    assert parse_deadline(2025).due == date(2025, 12, 31)  # type: ignore[arg-type]


# Continuous, recurring, none ----------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Thường xuyên",
        "thường xuyên",
        "THƯỜNG XUYÊN",
        "thuong xuyen",
        "Thường xuyên, liên tục",
        "Thường xuyên; liên tục",
        "Thường xuyên và liên tục",
        "Liên tục",
        "Thực hiện thường xuyên",
        "Thường xuyên.",
    ],
)
def test_continuous_phrases_are_continuous(phrase: str) -> None:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.CONTINUOUS
    assert deadline.due is None
    assert not deadline.needs_review


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("Định kỳ", None),
        ("định kỳ", None),
        ("Dinh ky", None),
        ("Ðịnh kỳ", None),
        ("Hằng năm", "year"),
        ("Hàng năm", "year"),
        ("hằng năm.", "year"),
        ("Định kỳ hằng năm", "year"),
        ("Mỗi năm một lần", "year"),
        ("Năm một lần", "year"),
        ("Hằng quý", "quarter"),
        ("Hàng quý", "quarter"),
        ("định kỳ hằng quý", "quarter"),
        ("Định kỳ, hàng quý", "quarter"),
        ("Hằng tháng", "month"),
        ("Hàng tháng", "month"),
        ("định kỳ hằng tháng", "month"),
        ("6 tháng một lần", "half"),
        ("6 tháng 1 lần", "half"),
        ("6 tháng/lần", "half"),
        ("định kỳ 6 tháng", "half"),
        ("Định kỳ 6 tháng một lần", "half"),
        ("định kỳ 3 tháng", "quarter"),
        ("12 tháng một lần", "year"),
    ],
)
def test_recurring_phrases_state_their_period(phrase: str, period: str | None) -> None:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.RECURRING
    assert deadline.period == period
    assert deadline.due is None
    assert not deadline.needs_review


def test_weekly_recurrence_is_recurring_with_a_note() -> None:
    deadline = parse_deadline("Hằng tuần")
    assert deadline.kind is DeadlineKind.RECURRING
    assert deadline.period is None
    assert "weekly" in deadline.problems[0]


def test_six_months_alone_is_not_taken_as_recurring() -> None:
    assert_unrecognised("6 tháng")


@pytest.mark.parametrize("phrase", [None, "", " ", "\n\t ", "-", "—", "–", " - ", "--"])
def test_blank_or_dash_means_no_deadline(phrase: str | None) -> None:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.NONE
    assert deadline.due is None
    assert deadline.period is None
    assert not deadline.needs_review


# Refusals: never guess ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("Sau khi có ý kiến của Bộ Chính trị", "depends on an event"),
        ("Quý V/2025", "no quarter V"),
        ("Quý 5/2025", "no quarter 5"),
        ("Quý 0/2025", "no quarter 0"),
        ("13/2025", "no month 13"),
        ("Tháng 13/2025", "no month 13"),
        ("Tháng 0/2025", "no month 0"),
        ("năm 99999", "not a four-digit year"),
        ("Quý I/25", "not a four-digit year"),
        ("15/4/25", "not a four-digit year"),
        ("Năm 1944", "outside 1945-2100"),
        ("Quý I/2101", "outside 1945-2100"),
        ("Quý I", "No year"),
        ("Tháng 5", "No year"),
        ("15/4", "No year"),
        ("6 tháng đầu năm", "No year"),
        ("Hoàn thành", "lead-in"),
        ("Trong vòng 6 tháng", "Not a recognised deadline"),
        ("Đầu năm 2025", "Not a recognised deadline"),
        ("Giữa quý II/2025", "Not a recognised deadline"),
        ("Từ 15/4/2025", "Not a recognised deadline"),
        ("Quý I/2025 (đã lùi)", "Not a recognised deadline"),
        ("II/2025", "on its own"),
        ("Tháng II/2025", "Not a recognised deadline"),
        ("Quý I - Quý V/2025", "no quarter V"),
        ("tháng 6 đến 2025", "Not a recognised deadline"),
        ("ngày 2025", "Not a recognised deadline"),
        ("ngày quý II/2025", "Not a recognised deadline"),
    ],
)
def test_unrecognised_phrase_has_no_due_date_and_explains_why(phrase: str, reason: str) -> None:
    deadline = assert_unrecognised(phrase)
    assert deadline.phrase == phrase
    assert any(reason in problem for problem in deadline.problems), deadline.problems


def test_unrecognised_phrase_is_kept_verbatim_apart_from_whitespace() -> None:
    deadline = parse_deadline("  Sau khi có\n ý kiến   của Bộ Chính trị ")
    assert deadline.phrase == "Sau khi có ý kiến của Bộ Chính trị"


def test_phrase_keeps_original_wording() -> None:
    assert parse_deadline("  hoàn thành trong\nQuý III/2025. ").phrase == (
        "hoàn thành trong Quý III/2025."
    )


def test_overlong_phrase_is_unrecognised() -> None:
    deadline = assert_unrecognised("Quý I/2025 " * 100)
    assert str(MAX_PHRASE_LENGTH) in deadline.problems[0]


@pytest.mark.parametrize(
    "phrase",
    ["9" * 5000, "quý " + "I" * 5000 + "/2025", "\u0301" * 300, "\x00", "\ud800", "﷽" * 60],
)
def test_pathological_text_is_unrecognised_without_raising(phrase: str) -> None:
    assert parse_deadline(phrase).kind is DeadlineKind.UNRECOGNISED


# Plans' phrases (kế hoạch, chương trình hành động) -------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due", "period", "span"),
    [
        ("6/2025", date(2025, 6, 30), "month", "2025-06"),
        ("06/2025", date(2025, 6, 30), "month", "2025-06"),
        ("Tháng 10/2025", date(2025, 10, 31), "month", "2025-10"),
        ("tháng 10 năm 2025", date(2025, 10, 31), "month", "2025-10"),
        ("12/2028", date(2028, 12, 31), "month", "2028-12"),
        ("Quý III/2025", date(2025, 9, 30), "quarter", "2025-Q3"),
        ("Năm 2025", date(2025, 12, 31), "year", "2025"),
        ("2025 - 2026", date(2026, 12, 31), "year", "2025/2026"),
        ("2025-2026", date(2026, 12, 31), "year", "2025/2026"),
        ("Giai đoạn 2025 - 2030", date(2030, 12, 31), "year", "2025/2030"),
        ("6 tháng đầu năm 2025", date(2025, 6, 30), "half", "2025-H1"),
        ("Quý IV/2024 - Quý I/2025", date(2025, 3, 31), "quarter", "2024-Q4/2025-Q1"),
    ],
)
def test_plan_phrase_is_due_at_the_end_of_the_period_and_keeps_its_span(
    phrase: str, due: date, period: str, span: str
) -> None:
    assert_due(phrase, due, period)
    assert parse_deadline(phrase).span == span


@pytest.mark.parametrize(
    "phrase",
    [
        "2025 và những năm tiếp theo",
        "Năm 2025 và các năm tiếp theo",
        "2025, các năm sau",
        "Từ năm 2025 trở đi",
    ],
)
def test_work_from_a_year_on_is_continuous_without_a_due_date(phrase: str) -> None:
    deadline = parse_deadline(phrase)
    assert deadline.kind is DeadlineKind.CONTINUOUS
    assert deadline.due is None
    assert deadline.span == "2025/.."
    assert format_deadline(deadline) == "Thường xuyên (từ 2025)"


@pytest.mark.parametrize("phrase", ["Nhiệm vụ thường xuyên", "Là nhiệm vụ thường xuyên"])
def test_a_standing_task_is_continuous(phrase: str) -> None:
    assert parse_deadline(phrase).kind is DeadlineKind.CONTINUOUS


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("2026 - 2025", "runs backwards"),
        ("Quý II - Quý I/2025", "runs backwards"),
        ("13/2025", "no month 13"),
        ("Từ năm 2025", "Not a recognised deadline"),
        ("2101 và những năm tiếp theo", "outside 1945-2100"),
    ],
)
def test_ambiguous_plan_phrase_is_kept_and_flagged(phrase: str, reason: str) -> None:
    deadline = assert_unrecognised(phrase)
    assert any(reason in problem for problem in deadline.problems), deadline.problems


def test_a_date_cell_outside_the_calendar_is_flagged() -> None:
    assert_unrecognised(date(1900, 1, 1))  # type: ignore[arg-type]


# Display ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("Quý I/2025", "31/03/2025"),
        ("trước ngày 5/4/2025", "05/04/2025"),
        ("Thường xuyên, liên tục", "Thường xuyên"),
        ("Định kỳ", "Định kỳ"),
        ("Hằng quý", "Định kỳ (hằng quý)"),
        ("Hằng năm", "Định kỳ (hằng năm)"),
        ("Hằng tháng", "Định kỳ (hằng tháng)"),
        ("6 tháng một lần", "Định kỳ (6 tháng/lần)"),
        ("", "—"),
        ("-", "—"),
        ("Sau khi có ý kiến của Bộ Chính trị", "Sau khi có ý kiến của Bộ Chính trị"),
    ],
)
def test_format_deadline_gives_short_vietnamese_display(phrase: str, shown: str) -> None:
    assert format_deadline(parse_deadline(phrase)) == shown


def test_format_deadline_accepts_kinds_stored_as_plain_strings() -> None:
    stored = Deadline("Quý I/2025", "date", date(2025, 3, 31), "quarter")  # type: ignore[arg-type]
    assert format_deadline(stored) == "31/03/2025"
    assert Deadline("?", "unrecognised").needs_review  # type: ignore[arg-type]


# Properties ---------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
years = st.integers(min_value=MIN_DATE.year, max_value=MAX_DATE.year)


@st.composite
def quarter_phrases(draw: st.DrawFn) -> tuple[str, int, int]:
    quarter = draw(st.integers(1, 4))
    year = draw(years)
    unit = draw(st.sampled_from(["Quý", "quý", "QUÝ", "Quy", "quy", "Q", "q"]))
    numeral = draw(st.sampled_from([ROMAN[quarter], ROMAN[quarter].lower(), str(quarter)]))
    sep = draw(st.sampled_from(["/", "-", " ", ".", " / ", " năm ", " nam ", "\n", ", năm "]))
    prefix = draw(st.sampled_from(["", "trong ", "hoàn thành trong ", "trước ", "chậm nhất "]))
    suffix = draw(st.sampled_from(["", ".", ";", ",", " "]))
    space = draw(st.sampled_from(["", " ", "  "])) if len(unit) == 1 else " "
    return f"{prefix}{unit}{space}{numeral}{sep}{year}{suffix}", quarter, year


@st.composite
def month_phrases(draw: st.DrawFn) -> tuple[str, int, int]:
    month = draw(st.integers(1, 12))
    year = draw(years)
    number = draw(st.sampled_from([str(month), f"{month:02d}"]))
    form = draw(st.sampled_from(["Tháng {m}/{y}", "{m}/{y}", "tháng {m} năm {y}", "T{m}/{y}"]))
    return form.format(m=number, y=year), month, year


@st.composite
def day_phrases(draw: st.DrawFn) -> tuple[str, date]:
    day = draw(st.dates(min_value=MIN_DATE, max_value=MAX_DATE))
    sep = draw(st.sampled_from(["/", "-", "."]))
    prefix = draw(st.sampled_from(["", "trước ", "trước ngày ", "ngày ", "chậm nhất "]))
    d = draw(st.sampled_from([str(day.day), f"{day.day:02d}"]))
    m = draw(st.sampled_from([str(day.month), f"{day.month:02d}"]))
    return f"{prefix}{d}{sep}{m}{sep}{day.year}", day


plausible_phrases = st.one_of(
    quarter_phrases().map(lambda t: t[0]),
    month_phrases().map(lambda t: t[0]),
    day_phrases().map(lambda t: t[0]),
    st.sampled_from(
        ["Thường xuyên", "Định kỳ", "Hằng quý", "", "—", "Quý V/2025", "13/2025", "Sau khi"]
    ),
    # Plan phrases: month/year, spans of years, continuous from a year.
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["", "Năm ", "Từ năm ", "Giai đoạn ", "Tháng ", "Quý III/"]),
        st.integers(-1, 99999).map(str),
        st.sampled_from(
            ["", " - 2026", "-2030", "/2025", " và những năm tiếp theo", " trở đi", " - 1900"]
        ),
    ),
    # Recognisable pieces glued together with noise.
    st.lists(
        st.sampled_from(
            ["Quý", "I", "II", "/", "-", "2025", "năm", "tháng", "5", "và", ",", " ", "\n", "đến"]
        ),
        max_size=8,
    ).map("".join),
)
any_phrase = st.one_of(st.text(), plausible_phrases)


@PROPERTY_SETTINGS
@given(quarter_phrases())
def test_every_written_quarter_maps_to_its_quarter_end(case: tuple[str, int, int]) -> None:
    phrase, quarter, year = case
    month, day = QUARTER_END[quarter]
    assert_due(phrase, date(year, month, day), "quarter")


@PROPERTY_SETTINGS
@given(month_phrases())
def test_every_written_month_maps_to_its_last_day(case: tuple[str, int, int]) -> None:
    phrase, month, year = case
    assert_due(phrase, date(year, month, calendar.monthrange(year, month)[1]), "month")


@PROPERTY_SETTINGS
@given(day_phrases())
def test_every_written_date_maps_to_that_day(case: tuple[str, date]) -> None:
    phrase, day = case
    assert_due(phrase, day, "day")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    deadline = parse_deadline(text)
    assert isinstance(deadline, Deadline)
    # The catch-all that keeps the promise is never what answers.
    assert not any("could not be read" in problem for problem in deadline.problems)


@PROPERTY_SETTINGS
@given(any_phrase)
def test_parse_is_idempotent_on_its_own_phrase(text: str) -> None:
    first = parse_deadline(text)
    assert parse_deadline(first.phrase) == first


@PROPERTY_SETTINGS
@given(any_phrase)
def test_date_kind_has_a_due_date_and_unrecognised_never_does(text: str) -> None:
    deadline = parse_deadline(text)
    if deadline.kind is DeadlineKind.DATE:
        assert deadline.due is not None
        assert deadline.period in ("day", "month", "quarter", "half", "year")
        assert MIN_DATE <= deadline.due <= MAX_DATE
    else:
        assert deadline.due is None
    if deadline.kind is DeadlineKind.UNRECOGNISED:
        assert deadline.needs_review
        assert deadline.problems
    else:
        assert not deadline.needs_review
    assert isinstance(format_deadline(deadline), str)

"""Target cells as the documents write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dondoc.indicators.targets import parse_number, parse_targets


def one(text):
    (target,) = parse_targets(text)
    return target


@pytest.mark.parametrize(
    ("text", "operator", "value"),
    [
        ("≥ 80", "ge", "80"),
        ("> 0,7", "gt", "0.7"),
        ("duy trì trên 0,7", "gt", "0.7"),
        ("tối thiểu 3%", "ge", "3"),
        ("ít nhất 3", "ge", "3"),
        ("hơn 60%", "gt", "60"),
        ("<= 5", "le", "5"),
        ("100%", "eq", "100"),
        ("1.000", "eq", "1000"),
        ("2,75", "eq", "2.75"),
    ],
)
def test_comparisons_with_vietnamese_numbers(text, operator, value):
    target = one(text)

    assert (target.operator, target.value, target.qualitative) == (operator, Decimal(value), False)


def test_about_ten_thousand_is_approximate_with_the_thousands_dot():
    target = one("Khoảng 10.000")

    assert (target.operator, target.value, target.approximate) == ("eq", Decimal(10000), True)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [("40 - 50", 40, 50, ""), ("16 - 18%/năm", 16, 18, "%/năm"), ("từ 8 – 10%", 8, 10, "%")],
)
def test_ranges(text, low, high, unit):
    target = one(text)

    assert (target.operator, target.low, target.high, target.unit) == ("range", low, high, unit)


def test_several_scoped_targets_in_one_cell():
    asean, world = parse_targets("≤ 3 Đông Nam Á; ≤ 50 Thế giới")

    assert (asean.operator, asean.value, asean.scope) == ("le", 3, "Đông Nam Á")
    assert (world.operator, world.value, world.scope) == ("le", 50, "Thế giới")


@pytest.mark.parametrize(
    ("text", "value", "scope"),
    [("Top 3 ASEAN", 3, "ASEAN"), ("nhóm 30 nước dẫn đầu thế giới", 30, "thế giới")],
)
def test_a_rank_is_at_most_its_place_in_its_scope(text, value, scope):
    target = one(text)

    assert (target.operator, target.value, target.scope, target.rank) == ("le", value, scope, True)


def test_qualitative_text_is_kept_as_written():
    target = one("Phủ sóng 5G   toàn quốc")

    assert target.qualitative and target.operator == "text"
    assert target.text == "Phủ sóng 5G toàn quốc"


def test_blank_cell_has_no_target():
    assert parse_targets("  ") == [] and parse_targets(None) == []


def test_numbers_too_large_to_store_are_not_numbers():
    assert parse_number("1" * 20) is None
    assert one("≥ " + "9" * 20).qualitative


@given(st.text(max_size=60))
def test_any_text_gives_targets_or_qualitative_text(text):
    for target in parse_targets(text):
        assert target.qualitative or target.value is not None or target.low is not None

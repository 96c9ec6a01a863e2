"""Checks of an entered indicator value (kiểm tra số liệu), in plain Python.

``parse_number`` reads a figure as Vietnamese writes it: "25,5" (decimal comma), "1.234.567"
(thousands dots), "1.234,5"; a lone dot between digits that is not a thousands group ("25.5")
is read as a decimal point, as an English keyboard types it. ``check_value`` returns the
errors (the value cannot be saved) and the warnings (the reporter confirms them: a jump of
more than the allowed percentage from the last period) of one value. Messages are English
msgids translated by the caller's language; each carries the figures it speaks of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

#: Units whose figures are counts or amounts: never below zero.
NON_NEGATIVE_UNITS = frozenset(
    {
        "USD",
        "triệu USD",
        "tỷ USD",
        "triệu đồng",
        "tỷ đồng",
        "nghìn tỷ đồng",
        "người",
        "người/vạn dân",
        "doanh nghiệp",
        "tổ chức",
        "sáng chế",
        "bài báo",
        "thứ hạng",
        "lần",
        "triệu",
        "tỷ giao dịch",
        "triệu giao dịch",
        "dịch vụ",
        "thủ tục",
        "tin, bài",
        "cơ sở dữ liệu",
        "trạm",
        "Tbps",
        "chuyên gia",
        "nền tảng",
        "đô thị",
    }
)
PERCENT = "%"
MAX_ABS = Decimal("1e14")  # the column holds 20 digits, 6 after the point

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567 or 1.234,5
_COMMA_DECIMAL = re.compile(r"^\d+(,\d+)?$")  # 25 or 25,5
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")  # 25.5 (not a thousands group)


class NotANumber(ValueError):
    """The text is not a figure; ``str(exc)`` says so in the user's language."""


def parse_number(text: str | int | float | Decimal | None) -> Decimal | None:
    """The figure written in ``text``; None for a blank cell. Raises ``NotANumber``."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise NotANumber(_("“%(value)s” is not a number.") % {"value": text})
    if isinstance(text, int | Decimal):
        return _bounded(Decimal(text), str(text))
    if isinstance(text, float):
        return _bounded(Decimal(repr(text)), repr(text))
    raw = str(text)
    value = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    sign = ""
    if value[0] in "-+−":
        sign, value = ("-" if value[0] != "+" else ""), value[1:]
    if _GROUPED.match(value):
        number = value.replace(".", "").replace(",", ".")
    elif _COMMA_DECIMAL.match(value):
        number = value.replace(",", ".")
    elif _DOT_DECIMAL.match(value):
        number = value
    else:
        raise NotANumber(_("“%(value)s” is not a number.") % {"value": raw.strip()[:40]})
    try:
        return _bounded(Decimal(sign + number), raw)
    except InvalidOperation:
        raise NotANumber(_("“%(value)s” is not a number.") % {"value": raw.strip()[:40]}) from None


def _bounded(number: Decimal, raw: str) -> Decimal:
    if not number.is_finite() or abs(number) >= MAX_ABS:
        raise NotANumber(_("“%(value)s” is not a number.") % {"value": raw.strip()[:40]})
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        number = number.quantize(Decimal("0.000001"))
    return number


@dataclass
class Verdict:
    """What the checks found: errors refuse the value, warnings ask for a confirmation."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def jump_percent(previous: Decimal | None, value: Decimal | None) -> Decimal | None:
    """How many percent ``value`` moves from ``previous`` (None without both, or from 0)."""
    if previous is None or value is None or previous == 0:
        return None
    return abs(value - previous) / abs(previous) * 100


def check_value(
    *,
    unit: str,
    value: Decimal | None,
    not_available: str = "",
    previous: Decimal | None = None,
    jump_limit: int = 50,
) -> Verdict:
    """Errors and warnings of one value: required unless "not available" with a reason;
    a percentage between 0 and 100; a count never negative; a jump over ``jump_limit`` %."""
    verdict = Verdict()
    if value is None:
        if not not_available.strip():
            verdict.errors.append(_("Enter a value, or tick “not available” and give the reason."))
        return verdict
    if not_available.strip():
        verdict.errors.append(_("A value and “not available” cannot be given together."))
    if unit == PERCENT and not (0 <= value <= 100):
        verdict.errors.append(_("A percentage lies between 0 and 100."))
    elif unit in NON_NEGATIVE_UNITS and value < 0:
        verdict.errors.append(_("This figure (%(unit)s) cannot be negative.") % {"unit": unit})
    jump = jump_percent(previous, value)
    if jump is not None and jump > jump_limit:
        verdict.warnings.append(
            _(
                "The value moves %(jump)s %% from the last period (%(previous)s); "
                "more than %(limit)s %%. Confirm it if it is right."
            )
            % {
                "jump": _plain(jump.quantize(Decimal(1))),
                "previous": _plain(previous),
                "limit": jump_limit,
            }
        )
    return verdict


def check_children_sum(
    parent_value: Decimal | None, children: dict[str, Decimal | None]
) -> list[str]:
    """A parent aggregated by sum: its sub-indicators together must not exceed it."""
    if parent_value is None:
        return []
    total = sum((v for v in children.values() if v is not None), Decimal(0))
    if total > parent_value:
        return [
            _(
                "The sub-indicators (%(codes)s) add up to %(total)s, more than the indicator's "
                "own value %(value)s."
            )
            % {
                "codes": ", ".join(sorted(children)),
                "total": _plain(total),
                "value": _plain(parent_value),
            }
        ]
    return []


def _plain(value: Decimal | None) -> str:
    """A figure as Vietnamese writes it, for messages: 1.234,5."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")

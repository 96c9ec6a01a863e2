"""Target cells as the documents write them -> targets (pure Python, no Django).

    "≥ 80"                           -> [≥ 80]
    "> 0,7"                          -> [> 0.7]            (Vietnamese decimal comma)
    "Khoảng 10.000"                  -> [= 10000, approximate]   (thousands dot)
    "40 - 50", "16 - 18%/năm"        -> [40 … 50], [16 … 18] unit "%/năm"
    "≤ 3 Đông Nam Á; ≤ 50 Thế giới"  -> [≤ 3 scope "Đông Nam Á"], [≤ 50 scope "Thế giới"]
    "Top 3 ASEAN", "nhóm 30 nước"    -> [≤ 3 scope "ASEAN", rank]   (a rank: lower is better)
    "tối thiểu 3%", "trên 55%"       -> [≥ 3 %], [> 55 %]
    "100%"                           -> [= 100 %]
    "Phủ sóng 5G toàn quốc"          -> [qualitative, kept as text]

``parse_targets`` never raises: a cell it cannot read becomes one qualitative target holding
the text, assessed by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: Largest magnitude stored (the value columns hold 14 integer digits).
LIMIT = Decimal(10) ** 14

#: Words before a number and the operator they mean (folded: no diacritics, lower case).
_WORD_OPERATORS = [
    ("toi thieu", "ge"),
    ("it nhat", "ge"),
    ("khong duoi", "ge"),
    ("khong thap hon", "ge"),
    ("tu", "ge"),  # "từ 40 - 50" is a range; "từ 5" alone is at least 5
    ("tren", "gt"),
    ("hon", "gt"),
    ("vuot", "gt"),
    ("toi da", "le"),
    ("khong qua", "le"),
    ("khong vuot qua", "le"),
    ("duoi", "lt"),
    ("top", "rank"),
    ("nhom", "rank"),
    ("thu hang", "rank"),
    ("xep hang", "rank"),
    ("hang", "rank"),
    ("khoang", "approx"),
    ("gan", "approx"),
    ("dat", ""),
    ("duy tri", ""),
    ("bang", "eq"),
]
_SYMBOLS = {
    "≥": "ge",
    ">=": "ge",
    "=>": "ge",
    "≤": "le",
    "<=": "le",
    "=<": "le",
    ">": "gt",
    "<": "lt",
    "=": "eq",
}
_SYMBOL_RE = re.compile(r"^(≥|>=|=>|≤|<=|=<|>|<|=)\s*")
_NUMBER = r"[-−]?\d+(?:[.,]\d+)*"
_RANGE_RE = re.compile(rf"^({_NUMBER})\s*(?:%\s*)?(?:-|–|—|đến|den|tới|toi)\s*({_NUMBER})")
_NUMBER_RE = re.compile(rf"^({_NUMBER})")
_SCOPES = ("dong nam a", "asean", "the gioi", "khu vuc", "chau a", "toan cau", "quoc te")


@dataclass(frozen=True)
class ParsedTarget:
    operator: str  # ge gt le lt eq range text
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    scope: str = ""
    unit: str = ""  # what follows the number: "%", "%/năm", "người trên một vạn dân"
    text: str = ""  # the segment as written
    qualitative: bool = False
    approximate: bool = False
    rank: bool = False  # a place in a ranking: lower is better


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def parse_number(text: str) -> Decimal | None:
    """A number as Vietnamese documents write it: "1.000" = 1000, "0,7" = 0.7,
    "1.234,5" = 1234.5, "2.75" = 2.75 (a dot before other than three digits is decimal)."""
    text = text.strip().replace("−", "-").replace(" ", "")
    if not re.fullmatch(_NUMBER, text):
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        parts = text.split(",")
        text = text.replace(",", ".") if len(parts) == 2 else text.replace(",", "")
    elif text.count(".") > 1 or re.fullmatch(r"-?\d{1,3}\.\d{3}", text):
        text = text.replace(".", "")
    if text.count(".") > 1:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= LIMIT:
        return None
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def _split_tail(tail: str) -> tuple[str, str]:
    """What follows the number -> (unit, scope): a known region or "the world" is a scope."""
    tail = tail.strip(" .,:")
    folded = _fold(tail)
    for scope in _SCOPES:
        at = folded.find(scope)
        if at >= 0:
            unit = tail[:at].strip(" .,:")
            if _fold(unit) in ("nuoc", "nuoc dan dau", "quoc gia", "nuoc dung dau"):
                unit = ""
            return unit, tail[at:].strip(" .,:")
    return tail, ""


def _prefix(segment: str) -> tuple[list[str], str]:
    """Leading operator symbols and words -> (their meanings, the rest)."""
    meanings: list[str] = []
    rest = segment
    for _ in range(6):
        rest = rest.lstrip(" :")
        match = _SYMBOL_RE.match(rest)
        if match:
            meanings.append(_SYMBOLS[match.group(1)])
            rest = rest[match.end() :]
            continue
        folded = _fold(rest)
        for word, meaning in sorted(_WORD_OPERATORS, key=lambda w: -len(w[0])):
            if folded.startswith(word) and (
                len(folded) == len(word) or not folded[len(word)].isalnum()
            ):
                meanings.append(meaning)
                rest = rest[len(word) :]
                break
        else:
            break
    return meanings, rest.lstrip()


def _segment(segment: str) -> ParsedTarget:
    text = " ".join(segment.split())
    qualitative = ParsedTarget("text", text=text, qualitative=True)
    meanings, rest = _prefix(text)
    operator = next((m for m in meanings if m in ("ge", "gt", "le", "lt", "eq")), "")
    rank = "rank" in meanings
    approximate = "approx" in meanings
    match = _RANGE_RE.match(rest)
    if match:
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if low is None or high is None:
            return qualitative
        if low > high:
            low, high = high, low
        unit, scope = _split_tail(rest[match.end() :])
        return ParsedTarget(
            "range", low=low, high=high, scope=scope, unit=unit, text=text, rank=rank
        )
    match = _NUMBER_RE.match(rest)
    if not match:
        return qualitative
    value = parse_number(match.group(1))
    if value is None:
        return qualitative
    unit, scope = _split_tail(rest[match.end() :])
    if rank and not operator:
        operator = "le"
    return ParsedTarget(
        operator or "eq",
        value=value,
        scope=scope,
        unit=unit,
        text=text,
        approximate=approximate,
        rank=rank,
    )


def parse_targets(cell: str | None) -> list[ParsedTarget]:
    """Every target of a cell ("≤ 3 Đông Nam Á; ≤ 50 Thế giới" gives two); [] for a blank cell.

    Never raises: what cannot be read is one qualitative target with the text as written.
    """
    if cell is None:
        return []
    text = str(cell).replace("\u00a0", " ").strip()
    if not text:
        return []
    parts = [p for p in re.split(r"[;\n]", text) if p.strip()]
    parsed = [_segment(p) for p in parts]
    if len(parsed) > 1 and any(p.qualitative for p in parsed):
        return [ParsedTarget("text", text=" ".join(text.split()), qualitative=True)]
    return parsed

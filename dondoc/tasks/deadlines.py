"""Deadline phrases (thời hạn) as officials write them, read into due dates.

Tasks are assigned with deadlines written as free Vietnamese phrases: "Quý II/2025",
"Tháng 5/2025", "Trước ngày 15/4/2025", "6 tháng đầu năm 2025", "Thường xuyên",
"Định kỳ hằng quý"... ``parse_deadline`` reads such a phrase into a ``Deadline``:

* a concrete due date (``DATE``), always the *end* of the period named: "Quý I/2025" is due
  31/03/2025, "Tháng 2/2024" 29/02/2024, "Năm 2025" 31/12/2025; for a range ("Quý I - Quý
  II/2025", "quý I và quý II/2025") the end of the later period;
* continuous work (``CONTINUOUS``, "Thường xuyên", "Nhiệm vụ thường xuyên"), also from a year
  on: "2025 và những năm tiếp theo", "Từ năm 2025 trở đi" (``span`` "2025/..", no due date);
* recurring work (``RECURRING``, "Định kỳ", "Hằng năm", "Hằng quý", "Hàng tháng"...);
* no deadline at all (``NONE``, a blank cell or a dash);
* anything else (``UNRECOGNISED``): the phrase is kept as written and flagged for a person to
  read, with the reasons in ``problems``. The parser never guesses: "Sau khi có ý kiến của Bộ
  Chính trị", "Quý V/2025", "13/2025", "15/4" (no year) or a range that runs backwards
  ("2026 - 2025") get no date.

Plans write a month as "6/2025" (due 30/06/2025) and a span of years as "2025 - 2026" or
"Giai đoạn 2025-2030" (due at the end of the later year). ``span`` names the period read, in
ISO 8601 form: "2025-06", "2025-Q3", "2025-H1", "2025", "2025-04-15", a range "2025/2026", and
an open-ended "2025/.." for continuous work from a year on. Due dates stay within the calendar
of ``dondoc.core.dates`` (``MIN_DATE``..``MAX_DATE``).

Matching is done on a folded copy of the phrase (lowercase, no diacritics, single spaces), so
"Quy I/2025", "QUÝ I/2025" and "quý 1 năm 2025" read alike. ``parse_deadline`` never raises.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise

from dondoc.core.dates import MAX_DATE, MIN_DATE
from dondoc.core.text import fold, normalize_spaces

__all__ = [
    "DATE_PERIODS",
    "MAX_PHRASE_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "RECURRING_PERIODS",
    "Deadline",
    "DeadlineKind",
    "format_deadline",
    "parse_deadline",
]


class DeadlineKind(StrEnum):
    """What kind of deadline a phrase states."""

    DATE = "date"  # a concrete due date (thời hạn cụ thể)
    CONTINUOUS = "continuous"  # "Thường xuyên"
    RECURRING = "recurring"  # "Định kỳ", "Hằng năm", "Hằng quý", "Hàng tháng"...
    NONE = "none"  # blank: no deadline stated
    UNRECOGNISED = "unrecognised"  # kept verbatim, flagged for a human


#: Granularities a ``DATE`` deadline can name (``Deadline.period``).
DATE_PERIODS = ("day", "month", "quarter", "half", "year")
#: Periods a ``RECURRING`` deadline can state (``Deadline.period``; ``None`` when unstated).
RECURRING_PERIODS = ("month", "quarter", "half", "year")

MIN_YEAR = MIN_DATE.year
MAX_YEAR = MAX_DATE.year
#: Longer phrases are not deadlines but sentences; they are flagged rather than searched.
MAX_PHRASE_LENGTH = 200


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase and what it means.

    ``phrase`` is the phrase as written with whitespace normalised (line breaks from PDFs and
    spreadsheets become single spaces); the wording itself is kept. ``due`` is set for ``DATE``
    only. ``period`` is, for ``RECURRING``, how often ("month", "quarter", "half", "year", or
    ``None`` when unstated) and, for ``DATE``, the granularity the phrase named ("day",
    "month", "quarter", "half", "year"). ``problems`` holds human-readable reasons when the
    phrase is ``UNRECOGNISED`` (and occasional notes otherwise). ``span`` is the period read,
    ISO 8601 style ("2025-06", "2025-Q3", "2025/2026", "2025/.." for continuous from 2025); it
    is derived from the phrase, not stored on tasks, and not compared.
    """

    phrase: str
    kind: DeadlineKind
    due: date | None = None
    period: str | None = None
    problems: tuple[str, ...] = ()
    span: str | None = field(default=None, compare=False)

    @property
    def needs_review(self) -> bool:
        """True when a person has to read the phrase (cần rà soát): it was not understood."""
        return self.kind == DeadlineKind.UNRECOGNISED


class _Unrecognised(Exception):
    """Raised inside the parser with the reason a phrase cannot be read."""


_GENERIC_PROBLEM = (
    "Not a recognised deadline: expected a date (15/4/2025), a month (Tháng 5/2025), "
    "a quarter (Quý II/2025), a half-year (6 tháng đầu năm 2025), a year (2025), "
    "'Thường xuyên' or 'Định kỳ'."
)
_NO_YEAR_PROBLEM = "No year is given, so no due date can be set."

# Typographic dashes become "-"; "Ð"/"ð" (eth) is a common stand-in for "Đ"/"đ".
_KEY_TRANSLATION = str.maketrans(
    {
        **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
        "Ð": "d",
        "ð": "d",
    }
)

_NONE = re.compile(r"[\s-]*", re.ASCII)
_LEADING_JUNK = " -*+•·>"
_TRAILING_JUNK = " .;,:!"

# Lead-in words before the period itself: "hoàn thành trong", "trước", "chậm nhất là"... ("ngày"
# is read only before a day: see ``_DAY``).
_PREFIX = re.compile(
    r"(?:hoan thanh|xong|thuc hien|cham nhat(?: la)?|truoc|den|het|trong|vao|cuoi"
    r"|thoi han|han chot|han|(?:la\s+)?nhiem vu|giai doan)(?:\s*:\s*|\s+|\Z)",
    re.ASCII,
)
_RANGE_START = re.compile(r"tu\s+", re.ASCII)  # "từ" opening a range: "từ quý I đến quý II"

# Keywords. "Thường xuyên", "Thường xuyên, liên tục".
_CONTINUOUS = re.compile(
    r"(?:thuong xuyen|lien tuc)(?:\s*(?:[,;-]|va)?\s*(?:thuong xuyen|lien tuc))*", re.ASCII
)
_EVERY = r"(?:hang|moi)"  # "hằng", "hàng", "mỗi"
_ONCE = r"(?:\s*(?:mot|1)\s*lan|\s*/\s*(?:1\s*)?lan)"  # "một lần", "1 lần", "/lần"
_DINH_KY = r"(?P<dk>dinh ky\s*,?\s*)"
_RECURRING_UNIT = re.compile(
    rf"{_DINH_KY}?{_EVERY}\s+(?P<unit>nam|quy|thang|tuan|ngay)(?P<once>{_ONCE})?", re.ASCII
)
_RECURRING_MONTHS = re.compile(
    rf"{_DINH_KY}?(?P<every>{_EVERY}\s+)?(?P<n>[0-9]{{1,2}}|mot|ba|sau)\s*thang(?P<once>{_ONCE})?",
    re.ASCII,
)
_RECURRING_ONCE = re.compile(
    rf"{_DINH_KY}?(?P<unit>nam|quy|thang|nua nam)(?P<once>{_ONCE})", re.ASCII
)
# Continuous from a year on: "2025 và những năm tiếp theo", "Từ năm 2025 trở đi".
_CONTINUOUS_FROM = re.compile(
    r"(?:tu\s+)?(?:nam\s+)?(?P<year>[0-9]+)\s*(?:,|va)?\s*(?:nhung|cac)\s+nam\s+"
    r"(?:tiep theo|sau(?: do)?|ke tiep)|tu\s+(?:nam\s+)?(?P<from>[0-9]+)\s+tro di",
    re.ASCII,
)
_RECURRING_PLAIN = re.compile(r"dinh ky(?:\s+(?P<unit>nam|quy|thang))?", re.ASCII)
_CONDITIONAL = re.compile(r"\b(?:sau khi|khi co|khi duoc|tuy theo|theo tien do)\b", re.ASCII)

_RECURRING_UNITS = {"nam": "year", "quy": "quarter", "thang": "month", "nua nam": "half"}
_MONTH_WORDS = {"mot": 1, "ba": 3, "sau": 6}
_MONTHS_TO_PERIOD = {1: "month", 3: "quarter", 6: "half", 12: "year"}

# Periods. Between a period and its year: "/", "-", ".", ",", spaces, and/or "năm".
_SEP = r"(?:\s*[/.,-]\s*(?:nam\s*)?|\s*nam\s*|\s+)"
_YEAR = rf"(?:{_SEP}(?P<year>[0-9]+))?"
_DAY = r"(?:ngay\s*)?"  # "ngày 15/4/2025", "ngày 15 tháng 4 năm 2025"
_DAY_NUMERIC = re.compile(
    _DAY + r"(?P<day>[0-9]{1,2})\s*(?P<s>[/.-])\s*(?P<month>[0-9]{1,2})"
    r"(?:\s*(?P=s)\s*(?P<year>[0-9]+))?",
    re.ASCII,
)
_DAY_ISO = re.compile(
    r"(?P<year>[0-9]{4})\s*(?P<s>[/.-])\s*(?P<month>[0-9]{1,2})\s*(?P=s)\s*(?P<day>[0-9]{1,2})",
    re.ASCII,
)
_DAY_WORDS = re.compile(
    rf"{_DAY}(?P<day>[0-9]{{1,2}})\s*thang\s*(?P<month>[0-9]{{1,2}}){_YEAR}", re.ASCII
)
_QUARTER = re.compile(rf"(?:quy|qui|q)\s*(?P<num>[ivx]{{1,4}}|[0-9]{{1,2}}){_YEAR}", re.ASCII)
_MONTH = re.compile(rf"(?:thang|t)\s*(?P<num>[0-9]{{1,2}}){_YEAR}", re.ASCII)
_HALF = re.compile(
    rf"(?:(?:6|sau)\s*thang|nua(?:\s*nam)?)\s*(?P<which>dau|cuoi)(?:\s*nam)?{_YEAR}", re.ASCII
)
_YEAR_ONLY = re.compile(r"nam\s*(?P<year>[0-9]+)|(?P<bare>[0-9]{3,})", re.ASCII)
_BARE = re.compile(r"(?P<num>[ivx]{1,4}|[0-9]{1,2})(?:\s*[/.-]\s*(?P<year>[0-9]+))?", re.ASCII)

# Range connectors: first with the dash spaced (so "15-4-2025 - 30-4-2025" splits into two
# dates), then any dash ("Quý I-Quý II/2025").
_SPLIT_SPACED = re.compile(r"\s+-\s+|\s*[,;&+]\s*|\s+(?:va|den|toi)\s+", re.ASCII)
_SPLIT_ANY = re.compile(r"\s*[-,;&+]\s*|\s+(?:va|den|toi)\s+", re.ASCII)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_RECURRING_LABELS = {
    "month": "hằng tháng",
    "quarter": "hằng quý",
    "half": "6 tháng/lần",
    "year": "hằng năm",
}


@dataclass(frozen=True)
class _Piece:
    """One period of a phrase, before its year is known for sure.

    ``unit`` is "day", "month", "quarter", "half" or "year", or ``None`` for a bare numeral
    ("II" in "Quý I, II/2025") whose unit comes from the piece before it. ``number`` is the
    month, quarter or half (1 first, 2 second) number, the raw numeral text when ``unit`` is
    ``None``; ``day`` is the day of month for "day".
    """

    unit: str | None
    number: int | str = 0
    day: int = 0
    year: int | None = None


def parse_deadline(phrase: str | date | None) -> Deadline:
    """Read a deadline phrase (thời hạn) into a ``Deadline``; never raises.

    A ``date`` (a spreadsheet date cell) is taken as that day. Anything not understood comes
    back ``UNRECOGNISED`` with the phrase kept and the reasons in ``problems``.
    """
    if isinstance(phrase, datetime):
        phrase = phrase.date()
    if isinstance(phrase, date):
        shown = _format_date(phrase)
        if not MIN_DATE <= phrase <= MAX_DATE:
            return _unrecognised(shown, f"The year {phrase.year} is outside {MIN_YEAR}-{MAX_YEAR}.")
        return Deadline(shown, DeadlineKind.DATE, phrase, "day", span=phrase.isoformat())
    try:
        text = normalize_spaces(
            phrase if isinstance(phrase, str) or phrase is None else str(phrase)
        )
    except Exception:  # a value that cannot even be shown as text
        return _unrecognised("", "The deadline could not be read as text.")
    try:
        return _parse(text)
    except Exception:  # the contract is to never raise; flag the phrase instead
        return _unrecognised(text, "The deadline could not be read automatically.")


def format_deadline(d: Deadline) -> str:
    """Short Vietnamese display of a deadline (``kind`` may also be the plain string value).

    "31/03/2025", "Thường xuyên", "Định kỳ (hằng quý)", "—" when there is none, and the phrase
    as written when it was not understood.
    """
    if d.kind == DeadlineKind.DATE and d.due is not None:
        return _format_date(d.due)
    if d.kind == DeadlineKind.CONTINUOUS:
        since = (d.span or "").removesuffix("/..")
        return f"Thường xuyên (từ {since})" if since and since != d.span else "Thường xuyên"
    if d.kind == DeadlineKind.RECURRING:
        label = _RECURRING_LABELS.get(d.period or "")
        return f"Định kỳ ({label})" if label else "Định kỳ"
    if d.kind == DeadlineKind.NONE:
        return "—"
    return d.phrase or "—"


def _format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _unrecognised(text: str, *problems: str) -> Deadline:
    return Deadline(text, DeadlineKind.UNRECOGNISED, problems=problems)


def _key(text: str) -> str:
    """The folded form matched against: NFKC (fullwidth digits, "Ⅱ"), plain dashes, no marks."""
    return fold(unicodedata.normalize("NFKC", text).translate(_KEY_TRANSLATION))


def _strip_prefixes(key: str) -> str:
    while match := _PREFIX.match(key):
        key = key[match.end() :]
    return key


def _parse(text: str) -> Deadline:
    if len(text) > MAX_PHRASE_LENGTH:
        return _unrecognised(
            text, f"Longer than {MAX_PHRASE_LENGTH} characters: a sentence, not a deadline."
        )
    key = _key(text)
    if len(key) > 2 * MAX_PHRASE_LENGTH:
        return _unrecognised(text, _GENERIC_PROBLEM)
    if _NONE.fullmatch(key):
        return Deadline(text, DeadlineKind.NONE)
    key = key.lstrip(_LEADING_JUNK).rstrip(_TRAILING_JUNK)
    core = _strip_prefixes(key)
    if not core:
        return _unrecognised(text, "Only a lead-in word ('hoàn thành', 'trước'...) is given.")
    keyword = _keyword(text, core)
    if keyword is not None:
        return keyword
    if match := _CONTINUOUS_FROM.fullmatch(core):
        try:
            year = _year(match["year"] or match["from"])
        except _Unrecognised as exc:
            return _unrecognised(text, str(exc))
        return Deadline(text, DeadlineKind.CONTINUOUS, span=f"{year}/..")
    if _CONDITIONAL.search(core):
        return _unrecognised(
            text,
            "The deadline depends on an event ('sau khi...'), not on a date.",
            _GENERIC_PROBLEM,
        )
    try:
        due, period, span = _parse_period(core)
    except _Unrecognised as exc:
        return _unrecognised(text, str(exc))
    return Deadline(text, DeadlineKind.DATE, due, period, span=span)


def _keyword(text: str, core: str) -> Deadline | None:
    """ "Thường xuyên" and the recurring forms ("Định kỳ", "Hằng quý", "6 tháng một lần")."""
    if _CONTINUOUS.fullmatch(core):
        return Deadline(text, DeadlineKind.CONTINUOUS)
    recurring = DeadlineKind.RECURRING
    if match := _RECURRING_UNIT.fullmatch(core):
        unit = match["unit"]
        if unit in _RECURRING_UNITS:
            return Deadline(text, recurring, period=_RECURRING_UNITS[unit])
        every = "weekly" if unit == "tuan" else "daily"
        return Deadline(
            text, recurring, problems=(f"Recurs {every}; only the phrase records how often.",)
        )
    if (match := _RECURRING_MONTHS.fullmatch(core)) and (
        match["dk"] or match["every"] or match["once"]
    ):
        raw = match["n"]
        months = _MONTH_WORDS[raw] if raw in _MONTH_WORDS else int(raw)
        if months in _MONTHS_TO_PERIOD:
            return Deadline(text, recurring, period=_MONTHS_TO_PERIOD[months])
        return Deadline(
            text, recurring, problems=(f"Recurs every {months} months; only the phrase says so.",)
        )
    if match := _RECURRING_ONCE.fullmatch(core):
        return Deadline(text, recurring, period=_RECURRING_UNITS[match["unit"]])
    if match := _RECURRING_PLAIN.fullmatch(core):
        unit = match["unit"]
        return Deadline(text, recurring, period=_RECURRING_UNITS[unit] if unit else None)
    return None


def _parse_period(core: str) -> tuple[date, str, str]:
    """The due date, granularity and span of a period phrase or a range of them."""
    piece = _piece(core)
    if piece is not None:
        return _resolve([piece])
    first_error: _Unrecognised | None = None
    for splitter in (_SPLIT_SPACED, _SPLIT_ANY):
        parts = [part for part in splitter.split(core) if part]
        if len(parts) < 2:
            continue
        parts[0] = (
            _RANGE_START.sub("", parts[0], count=1) if parts[0].startswith("tu ") else parts[0]
        )
        try:
            pieces = []
            for part in parts:
                found = _piece(_strip_prefixes(part.strip()))
                if found is None:
                    raise _Unrecognised(_GENERIC_PROBLEM)
                pieces.append(found)
            return _resolve(pieces)
        except _Unrecognised as exc:
            first_error = first_error or exc
    raise first_error or _Unrecognised(_GENERIC_PROBLEM)


def _piece(text: str) -> _Piece | None:
    """One period ("quy ii/2025", "thang 5", "15/4/2025", "ii"), or None if none matches."""
    for pattern in (_DAY_NUMERIC, _DAY_ISO, _DAY_WORDS):
        if match := pattern.fullmatch(text):
            return _Piece(
                "day", int(match["month"]), day=int(match["day"]), year=_year(match["year"])
            )
    if match := _QUARTER.fullmatch(text):
        return _Piece("quarter", _number("quarter", match["num"]), year=_year(match["year"]))
    if match := _MONTH.fullmatch(text):
        return _Piece("month", _number("month", match["num"]), year=_year(match["year"]))
    if match := _HALF.fullmatch(text):
        return _Piece("half", 1 if match["which"] == "dau" else 2, year=_year(match["year"]))
    if match := _YEAR_ONLY.fullmatch(text):
        return _Piece("year", year=_year(match["year"] or match["bare"]))
    if match := _BARE.fullmatch(text):
        return _Piece(None, match["num"], year=_year(match["year"]))
    return None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    shown = text if len(text) <= 12 else f"{text[:12]}..."
    if len(text) != 4:
        raise _Unrecognised(f"'{shown}' is not a four-digit year.")
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Unrecognised(f"The year {year} is outside {MIN_YEAR}-{MAX_YEAR}.")
    return year


def _number(unit: str, numeral: str) -> int:
    """A month or quarter number, checked: quarters I-IV (or 1-4), months 1-12 in digits."""
    is_digits = numeral[0] in "0123456789"
    if unit == "quarter":
        value = int(numeral) if is_digits else _ROMAN.get(numeral, 0)
        if not 1 <= value <= 4:
            raise _Unrecognised(
                f"There is no quarter {numeral.upper()}: quarters run from I to IV (1 to 4)."
            )
        return value
    if not is_digits:
        raise _Unrecognised(f"Months are written in digits, not '{numeral.upper()}'.")
    value = int(numeral)
    if not 1 <= value <= 12:
        raise _Unrecognised(f"There is no month {value}: months run from 1 to 12.")
    return value


def _resolve(pieces: list[_Piece]) -> tuple[date, str, str]:
    """Give every piece a year and return the latest end with its granularity and the span.

    A piece without a year takes the year of the next piece that has one ("quý I và quý
    II/2025"); a bare numeral takes the unit of the piece before it ("Quý I, II/2025"), or is a
    month when it carries a year itself ("5/2025"). Pieces must run forwards: "2026 - 2025"
    says two things at once and is refused.
    """
    ends: list[tuple[date, str, str]] = []
    pending: list[_Piece] = []
    previous: str | None = None
    for piece in pieces:
        if piece.unit is None:
            numeral = str(piece.number)
            unit = previous if previous in ("month", "quarter") else None
            if unit is None and piece.year is not None and numeral[0] in "0123456789":
                unit = "month"
            if unit is None:
                raise _Unrecognised(
                    f"'{numeral.upper()}' on its own does not say whether it is a month, "
                    "a quarter or a year."
                )
            piece = _Piece(unit, _number(unit, numeral), year=piece.year)
        previous = piece.unit
        if piece.year is None:
            pending.append(piece)
            continue
        if pending and piece.unit == "year":
            # "tháng 6 đến 2025": a year does not lend itself to the periods before it.
            raise _Unrecognised(_GENERIC_PROBLEM)
        ends.extend(_end(p, piece.year) for p in pending)
        ends.append(_end(piece, piece.year))
        pending = []
    if pending or not ends:
        raise _Unrecognised(_NO_YEAR_PROBLEM)
    for before, after in pairwise(ends):
        if after[0] < before[0]:
            raise _Unrecognised(
                f"The range runs backwards ({before[2]} before {after[2]}): "
                "which end is meant is unclear."
            )
    first, latest = ends[0], ends[-1]
    span = latest[2] if first[2] == latest[2] else f"{first[2]}/{latest[2]}"
    return latest[0], latest[1], span


def _end(piece: _Piece, year: int) -> tuple[date, str, str]:
    """Last day of the period ``piece`` names in ``year``, its granularity and ISO label."""
    unit = piece.unit or "year"
    number = int(piece.number)
    if unit == "day":
        try:
            day = date(year, number, piece.day)
        except ValueError:
            raise _Unrecognised(
                f"{piece.day:02d}/{number:02d}/{year} is not a real date."
            ) from None
        return day, unit, day.isoformat()
    if unit == "month":
        return (
            date(year, number, calendar.monthrange(year, number)[1]),
            unit,
            f"{year}-{number:02d}",
        )
    if unit == "quarter":
        month = 3 * number
        return date(year, month, calendar.monthrange(year, month)[1]), unit, f"{year}-Q{number}"
    if unit == "half":
        end = date(year, 6, 30) if number == 1 else date(year, 12, 31)
        return end, unit, f"{year}-H{number}"
    return date(year, 12, 31), unit, str(year)

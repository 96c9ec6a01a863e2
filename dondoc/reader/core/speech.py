"""A transcript of spoken remarks read as written text (bản gỡ băng).

A transcript typed from a recording ("bản gỡ băng" of a leader's concluding remarks) opens each
stretch of speech with its time code ("[00:09:18] …") and keeps what was said as said: stage
notes ("(vỗ tay)", "(cười)", "[không nghe rõ]", "[kết thúc ghi âm]"), fillers ("à", "ờ", "nhé"),
an ellipsis, numbers and dates in words ("trước ba mươi tháng mười một", "trong quý một năm hai
nghìn không trăm hai mươi bảy") and a time corrected while speaking ("trước mười lăm tháng mười
một, à xin lỗi, trước mười lăm tháng mười hai"). ``spoken_transcript(lines)`` gives each stretch
as a paragraph without its time code, stage notes and fillers, a corrected phrase replaced by
its correction, and the dates written in figures ("trước ngày 30/11", "trong quý I năm 2027",
"trong tháng 12", "năm nay" as the year of the speech), so the next steps read it like any
conclusion.
"""

from __future__ import annotations

import re

__all__ = ["is_transcript", "spoken_transcript"]

_TIME_CODE = re.compile(r"^\s*[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*")
#: a stage note: a few lowercase words in brackets ("(vỗ tay)", "[không nghe rõ]")
_STAGE = re.compile(r"\s*[\[(][a-zà-ỹđ]+(?: [a-zà-ỹđ]+){0,4}[\])]")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)(?=\s|$)")
#: fillers of speech between commas or before one: ", à,", ", ờ,", " nhé,"
_FILLER = re.compile(r"(?:,\s*|\s)(?:à|ờ|ừ|ơ|ạ|ấy)(?=\s*,)|(?<=\w)\s+nhé(?=\s*[,.])")
_LEADING_FILLER = re.compile(r"(?<=[,.]\s)(?:à|ờ|ừ),?\s+")
#: a correction in speech: "…, à xin lỗi, …", "…, à nhầm, …"
_CORRECTION = re.compile(r",?\s*(?:à\s+|ờ\s+)?(?:xin lỗi|nhầm|nói lại|à không)\s*,\s*")

_UNITS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_NUMBER_WORD = (
    r"(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|bẩy|tám|chín|mười|mươi|trăm|nghìn|ngàn"
    r"|linh|lẻ)"
)
_NUMBER = rf"{_NUMBER_WORD}(?: {_NUMBER_WORD})*"
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def words_to_number(words: str) -> int | None:
    """The number said in Vietnamese words ("ba mươi mốt", "mười lăm", "hai nghìn không trăm
    hai mươi bảy"), or None."""
    total, current = 0, 0
    tokens = words.split()
    n = 0
    while n < len(tokens):
        word = tokens[n]
        if word in ("nghìn", "ngàn"):
            total += max(current, 1) * 1000
            current = 0
        elif word == "trăm":
            total += current * 100
            current = 0
        elif word == "mười":
            current += 10
        elif word == "mươi":
            current = current * 10
        elif word in ("linh", "lẻ"):
            pass
        elif word in _UNITS:
            value = _UNITS[word]
            # "ba mốt": thirty-one, the tens said without "mươi"
            if word in ("mốt", "tư", "lăm") and 0 < current < 10 and n > 0:
                current = current * 10 + value
            else:
                current += value
        else:
            return None
        n += 1
    return total + current


def _prefix_number(words: str, limit: int) -> tuple[int, int] | None:
    """The longest opening of ``words`` that says a number up to ``limit``: (number, words)."""
    tokens = words.split()
    for size in range(len(tokens), 0, -1):
        value = words_to_number(" ".join(tokens[:size]))
        if value is not None and 1 <= value <= limit:
            return value, size
    return None


_DAY_MONTH = re.compile(rf"(?<!\w)(?:(ngày) )?({_NUMBER}) tháng ({_NUMBER})(?!\w)")
_MONTH = re.compile(rf"(?<!\w)tháng ({_NUMBER})(?!\w)")
_QUARTER = re.compile(rf"(?<!\w)quý ({_NUMBER})(?!\w)")
_YEAR = re.compile(rf"(?<!\w)năm ((?:hai|một) (?:nghìn|ngàn)(?: {_NUMBER_WORD})*)(?!\w)")
#: "năm nay" after a day or a month: the year of the speech
_THIS_YEAR = re.compile(r"(?<=\d) năm nay(?!\w)")
_NO_YEAR = re.compile(r"(?:(?<=ngày )\d{1,2}/\d{1,2}|(?<=tháng )\d{1,2})(?![/\d]| năm \d)")
_A_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(\d{4})\b")


def _day_month(m: re.Match) -> str:
    day = _prefix_number(m.group(2), 31)
    month = _prefix_number(m.group(3), 12)
    if not day or day[1] != len(m.group(2).split()) or not month:
        return m.group(0)
    rest = m.group(3).split()[month[1] :]
    tail = f" {' '.join(rest)}" if rest else ""
    return f"ngày {day[0]}/{month[0]}{tail}"


def _month(m: re.Match) -> str:
    month = _prefix_number(m.group(1), 12)
    if not month:
        return m.group(0)
    rest = m.group(1).split()[month[1] :]
    return f"tháng {month[0]}" + (f" {' '.join(rest)}" if rest else "")


def _quarter(m: re.Match) -> str:
    quarter = _prefix_number(m.group(1), 4)
    if not quarter:
        return m.group(0)
    rest = m.group(1).split()[quarter[1] :]
    return f"quý {_ROMAN[quarter[0]]}" + (f" {' '.join(rest)}" if rest else "")


def _year(m: re.Match) -> str:
    value = words_to_number(m.group(1))
    return f"năm {value}" if value and 1900 <= value <= 2199 else m.group(0)


def spoken_dates(line: str, year: str | None = None) -> str:
    """Dates said in words written in figures."""
    line = _YEAR.sub(_year, line)
    line = _DAY_MONTH.sub(_day_month, line)
    line = _MONTH.sub(_month, line)
    line = _QUARTER.sub(_quarter, line)
    if year:
        # a day or a month said without its year is in the year of the speech
        line = _THIS_YEAR.sub(f"/{year}", line)
        line = _NO_YEAR.sub(rf"\g<0>/{year}", line)
    return line


def _corrected(line: str) -> str:
    """ "… trước mười lăm tháng mười một, à xin lỗi, trước mười lăm tháng mười hai, …": the
    phrase said first, from the word the correction repeats, is dropped."""
    m = _CORRECTION.search(line)
    while m:
        after = line[m.end() :]
        first = after.split(maxsplit=1)[0] if after.strip() else ""
        before = line[: m.start()]
        at = before.rfind(f" {first} ") if first else -1
        if at < 0 or m.start() - at > 80:
            break
        line = before[:at] + " " + after
        m = _CORRECTION.search(line)
    return line


_SPOKEN_ORDINALS = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")
#: a point said "Một là …", "Hai là, …": written "1. …"
_SPOKEN_POINT = re.compile(rf"^({'|'.join(o.capitalize() for o in _SPOKEN_ORDINALS)}) là,?\s+")


#: the transcriber's note on the recording: no words of the speaker
_TRANSCRIBER_NOTE = re.compile(r"^\s*Ghi chú của (?:người gỡ băng|người ghi|thư ký)\s*:")


#: a spoken connective opening a further work of the same point: "Rồi cũng Bộ Tài chính, …",
#: "Và Văn phòng Chính phủ …", "Trong đó Hà Nội …", "Còn Đà Nẵng …"
_NEXT_WORK = re.compile(r"(?:(?<=[.!?] )|^)(?:Rồi cũng|Rồi|Và|Còn|Trong đó|Ngoài ra) (?=[A-ZÀ-ỸĐ])")
#: the agency a point opens with and the person named after it as an aside: "Bộ Tài chính,
#: đồng chí Thắng, …", "Bộ Khoa học và Công nghệ, anh Hùng trực tiếp chỉ đạo, …"
_ASIDE = re.compile(
    r"^\d{1,2}\. (?P<agency>[A-ZĐ][^,]{3,80}), (?P<aside>(?:anh|chị|đồng chí) [A-ZĐ]\w*"
    r"(?: trực tiếp chỉ đạo| chỉ đạo)?), "
)


def _works(line: str) -> list[str]:
    """A stretch cut where a further work opens with a connective; a work "cũng" of the
    point's agency keeps the person named beside it."""
    pieces: list[str] = []
    at = 0
    for m in _NEXT_WORK.finditer(line):
        if m.start() == 0:
            at = m.end()
            continue
        pieces.append(line[at : m.start()].strip())
        at = m.end()
    pieces.append(line[at:].strip())
    aside = _ASIDE.match(pieces[0])
    if aside:
        agency = aside.group("agency")
        for n in range(1, len(pieces)):
            if pieces[n].startswith(f"{agency}, ") and "cũng" in line:
                rest = pieces[n][len(agency) + 2 :]
                pieces[n] = f"{agency}, {aside.group('aside')}, {rest}"
    return [p for p in pieces if p]


def _written_point(line: str) -> str:
    m = _SPOKEN_POINT.match(line)
    if m:
        rest = line[m.end() :]
        line = f"{_SPOKEN_ORDINALS.index(m.group(1).lower()) + 1}. {rest[:1].upper()}{rest[1:]}"
    return line


def is_transcript(lines: list[tuple[str, int]]) -> bool:
    return sum(1 for line, _ in lines if _TIME_CODE.match(line)) >= 5


def spoken_transcript(raw_lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Each stretch of speech as a paragraph of written text (see the module's notes)."""
    year = None
    for line, _ in raw_lines[:30]:
        if m := _A_DATE.search(line):
            year = m.group(1)
            break
    out: list[tuple[str, int]] = []
    for line, start in raw_lines:
        if _TRANSCRIBER_NOTE.match(line):
            continue
        code = _TIME_CODE.match(line)
        if code:
            start += code.end()
            line = line[code.end() :]
        if code or _STAGE.search(line):
            line = _STAGE.sub("", line)
        if code:
            line = _ELLIPSIS.sub("", line)
            line = _FILLER.sub("", line)
            line = _LEADING_FILLER.sub("", line)
            line = _corrected(line)
            line = spoken_dates(line, year)
            line = _written_point(line)
            line = re.sub(r"\s+([,.])", r"\1", line)
            line = re.sub(r",\s*,", ",", line).strip()
            if not line.strip(" ,."):
                continue
            for piece in _works(line):
                out.append((piece, start))
                out.append(("", start + len(piece)))
            continue
        out.append((line, start))
    return out

"""Deadline phrases inside running text (thời hạn trong câu), read on the folded text.

``find_deadlines(folded, year)`` lists the phrases that set a time for work: "trong quý
II/2025", "trước ngày 31 tháng 3 năm 2025", "Ngay trong quý I" (the year taken from the
notice), "trong tháng 4/2025", "trong năm 2025", "Thường xuyên", "hằng quý", "tại phiên họp
tiếp theo" (kept as text, without a date). Each gets a canonical text
("Quý II/2025", "Trước ngày 31/3/2025") that ``dondoc.tasks.deadlines.parse_deadline`` reads
into a due date. Bare dates are not deadlines ("Nghị quyết số 57-NQ/TW, ngày 22/12/2024"); a
month, a year or a day needs a word that makes it one (trong, trước, chậm nhất, hoàn thành...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PREFIX = (
    r"(?<![\w])(?P<prefix>(?:(?:ngay|ngay tu|chi|chu yeu)\s+)?"
    r"(?:trong|truoc|cham nhat(?:\s+(?:la|vao|trong|truoc))?|den het|den|xong trong|xong truoc"
    r"|hoan thanh trong|hoan thanh truoc|hoan thanh|vao|cuoi|dau|tu)\s+)"
)
_YEAR = r"(?:\s*(?:/|nam|-)\s*(?P<year>(?:19|20)\d\d))?"
#: a number of days said in words, folded ("muoi", "hai muoi lam")
_SPOKEN_NUMBER = (
    r"(?:(?:(?:hai|ba|bon|nam|sau|bay|tam|chin) muoi|muoi)"
    r"(?: (?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin))?"
    r"|mot|hai|ba|bon|nam|sau|bay|tam|chin)"
)

_PATTERNS = [
    # "trước ngày 15 tháng 12 hằng năm": a day of every year
    (
        "annual",
        re.compile(
            r"(?<![\w])(?P<prefix>(?:truoc|cham nhat|trong|den|vao)\s+)?ngay\s+(?P<d>\d{1,2})"
            r"(?:\s*(?:/|\s+thang\s+)(?P<m>\d{1,2})\s+hang nam"
            # "trước ngày 20 hằng tháng": a day of every month
            r"|\s+(?P<monthly>hang thang))\b"
        ),
    ),
    # "vào tháng 12 hằng năm": a month of every year
    (
        "annual",
        re.compile(
            r"(?<![\w])(?P<prefix>(?:truoc|trong|vao)\s+)?thang\s+(?P<month>\d{1,2})\s+hang nam\b"
        ),
    ),
    (
        "date",
        re.compile(
            # "trước 17h00 ngày 09/10/2026", "trước 16 giờ ngày …": the hour the day closes at
            _PREFIX + r"(?:\d{1,2}\s*(?:h|gio)(?:\s*\d{2}(?:\s*phut)?)?,?\s+)?"
            r"(?:ngay\s+)?(?P<d>\d{1,2})\s*(?:/|-|\s+thang\s+)(?P<m>\d{1,2})"
            r"\s*(?:/|-|\s+nam\s+)(?P<year>(?:19|20)\d\d)\b"
        ),
    ),
    # "trước khai giảng năm học 2026 - 2027 (ngày 05/9/2026)": an event and its day in brackets
    (
        "event",
        re.compile(
            r"(?<![\w])(?P<prefix>(?:hoan thanh\s+)?truoc\s+)(?:[a-z0-9]+[\s,-]+){1,8}?\(\s*ngay\s+"
            r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<year>(?:19|20)\d\d)\s*\)"
        ),
    ),
    (
        "meeting",
        re.compile(
            r"(?P<prefix>(?:tai|truoc)\s+)(?P<meeting>phien hop|cuoc hop|hoi nghi|ky hop)\s+"
            r"(?:(?P<next>tiep theo|gan nhat|toi|sau)\b"
            # "trước phiên họp tiếp theo của Ban Chỉ đạo": whose meeting, kept as written
            r"(?P<of> cua (?:ban chi dao(?: trung uong)?|chinh phu|bo chinh tri|ban bi thu"
            r"|quoc hoi|hoi dong nhan dan tinh|uy ban nhan dan tinh|ban thuong vu(?: tinh uy)?)"
            r"(?![\w]))?"
            # "tại Kỳ họp thứ 10", "tại phiên họp Chính phủ thường kỳ tháng 3 năm 2026",
            # "tại Kỳ họp thứ hai, Quốc hội khóa XVI", "trước Phiên họp thứ mười"
            r"|(?P<rest>thu (?:\d{1,3}|nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi(?: (?:mot|hai|ba"
            r"|bon|lam|nam|sau|bay|tam|chin))?)\b(?:,? (?:cua )?quoc hoi khoa [xvil]+\b)?"
            # "trước Hội nghị Trung ương 15", "tại Hội nghị Trung ương lần thứ 12"
            r"|trung uong (?:lan thu )?\d{1,2}\b"
            r"|(?:[a-z]+\s+){0,4}?thang\s+\d{1,2}\s*(?:/|nam)\s*"
            r"(?:19|20)\d\d\b"
            # "tại kỳ họp thường lệ giữa năm 2028", "tại Phiên họp đầu năm 2027": a session in a
            # part of a year
            r"|thuong le (?:giua|cuoi|dau) nam (?:19|20)\d\d\b|(?:giua|dau) nam (?:19|20)\d\d\b"
            # "tại hội nghị sơ kết 6 tháng đầu năm 2026", "tại Hội nghị sơ kết công tác 6 tháng
            # đầu năm 2026 của Bộ": a review meeting, no day
            r"|(?:so ket|tong ket)(?: [a-z0-9]+){0,6}? nam (?:19|20)\d\d\b"
            r"(?: cua (?:bo|nganh|ban chi dao|tinh|chinh phu)(?![\w]))?))"
        ),
    ),
    # "trước Tết Nguyên đán Đinh Mùi 2027": a lunar holiday, whose day the text does not give,
    # kept as written
    (
        "holiday",
        re.compile(
            r"(?<![\w])(?P<prefix>truoc\s+)tet(?: nguyen dan)?"
            r"(?: (?:giap|at|binh|dinh|mau|ky|canh|tan|nham|quy)"
            r" (?:ty|suu|dan|mao|thin|ngo|mui|than|dau|tuat|hoi))?(?: (?:19|20)\d\d)?(?![\w])"
        ),
    ),
    # "trước Hội nghị toàn quốc về chuyển đổi số": a national conference closing the clause,
    # an event without a day, kept as written
    (
        "meeting",
        re.compile(
            r"(?<![\w])(?P<prefix>truoc\s+)(?P<meeting>hoi nghi|hoi thao|dien dan)\s+"
            r"(?P<rest>toan quoc(?: [a-z0-9]+){0,8}?)(?=\s*(?:[.;]|$))"
        ),
    ),
    (
        "quarter",
        re.compile(r"(?<![\w])quy\s+(?P<q>iv|i{1,3}|[1-4])\b" + _YEAR),
    ),
    ("half", re.compile(_PREFIX + r"?(?P<h>6 thang (?:dau|cuoi) nam)\s*(?P<year>(?:19|20)\d\d)?")),
    ("month", re.compile(_PREFIX + r"thang\s+(?P<m>\d{1,2})\b" + _YEAR)),
    # "… kết nối cơ sở dữ liệu – tháng 12/2026": a month after a dash closing its line, as a
    # slide's bullet or a list item gives its time
    (
        "month",
        re.compile(
            r"(?<=\s)(?P<prefix>[–-]\s+)thang\s+(?P<m>\d{1,2})\s*/\s*(?P<year>(?:19|20)\d\d)"
            r"(?=[ .;]*(?:\n|$))"
        ),
    ),
    # "trong năm 2026 và các năm tiếp theo": from a year on, kept as written, no due day
    (
        "onward",
        re.compile(_PREFIX + r"?nam\s+(?:19|20)\d\d\s+va cac nam (?:tiep theo|sau)(?![\w])"),
    ),
    ("year", re.compile(_PREFIX + r"(?:nam\s+)?(?P<year>(?:19|20)\d\d)\b(?!\s*[-/]\s*\d)")),
    # "đặt hàng năm 2026" (to order for 2026) is no "hằng năm"
    # "từ năm học 2025 – 2026 và hằng năm", "từ kỳ đánh giá năm 2026 và hằng năm": a rhythm
    # from a start on, kept as written
    (
        "since",
        re.compile(
            r"(?<![\w])(?P<prefix>tu\s+)(?:[a-z0-9]+[\s,–-]+){1,8}?va\s+hang (?:nam|quy|thang)"
            r"(?![\w])"
        ),
    ),
    (
        "continuous",
        re.compile(
            r"\b(?P<c>(?:dinh ky\s+)?(?:(?:6|sau|3|ba) thang,?\s+)?(?:hang nam|hang quy|hang thang"
            r"|hang tuan)|dinh ky (?:6|sau|3|ba) thang|thuong xuyen|dinh ky)\b"
            r"(?!\s+(?:19|20)\d\d)"
            # the days it falls on: "(trước ngày 15/6 và ngày 15/12)", ", trước ngày 25"
            r"(?P<on>\s*\((?:truoc|vao|cham nhat|trong)\s[^()]{3,40}\)"
            # "thường xuyên (báo cáo chiều thứ Sáu hằng tuần)": the rhythm of its report
            r"|\s*\((?:[a-z0-9]+\s+){1,6}hang (?:tuan|thang|quy|nam)\)"
            # ", trước ngày 20 của tháng cuối quý", ", trước ngày 05 của tháng sau"
            r"|,?\s+(?:truoc|vao|cham nhat) ngay \d{1,2}"
            r"(?:\s+cua (?:thang|quy)(?:\s+(?:dau|cuoi|sau|tiep theo|ke tiep|quy|nam))*"
            # ", trước ngày 15 tháng 6 và ngày 15 tháng 12", ", trước ngày 15/6 và 15/12": the
            # days of each half-year
            r"|(?:\s*/\s*|\s+thang\s+)\d{1,2}(?:\s+va\s+(?:ngay\s+)?\d{1,2}(?:\s*/\s*|\s+thang\s+)"
            r"\d{1,2})*)?"
            r"(?=\s*[;,.]|\s*$))?"
            # "định kỳ 6 tháng (trước ngày 10/6) và hằng năm (trước ngày 10/12)": two rhythms
            r"(?P<more>\s+va\s+(?:hang nam|hang quy|hang thang)"
            r"\s*\((?:truoc|vao|cham nhat|trong)\s[^()]{3,40}\))?"
        ),
    ),
    # "Ngay trong tuần này", "trong tuần tới": due at the end of that week, counted from the
    # document's date (see ``week_end``)
    (
        "week",
        re.compile(r"(?<![\w])(?P<prefix>(?:ngay\s+)?trong\s+)tuan\s+(?:nay|toi|sau)(?![\w])"),
    ),
    # "chậm nhất 07 ngày làm việc trước ngày kiểm tra": a time before another event
    (
        "relative",
        re.compile(
            r"(?<![\w])(?P<prefix>cham nhat|truoc|sau|trong(?: vong| thoi han| thoi gian)?)"
            # the number also in words, as a transcript of speech keeps it ("trong vòng mười
            # ngày kể từ khi nhận đủ hồ sơ")
            rf"\s+(?:\d{{1,3}}|{_SPOKEN_NUMBER})\s+ngay(?: lam viec)?\s+(?:truoc|sau|ke tu)"
            r"\s+(?:ngay|khi)"
            # "… kể từ ngày ký Quyết định này": the document named with it
            # "… kể từ ngày Nghị định có hiệu lực thi hành": a text's entry into force
            r"(?:\s+(?:nghi dinh|thong tu|luat|nghi quyet|quyet dinh)(?:\s+nay)?\s+co hieu luc"
            r"(?:\s+thi hanh)?(?![\w])"
            r"|\s+(?:ky|ban hanh)(?:\s+(?:quyet dinh|ke hoach|chi thi|thong bao|cong van"
            r"|nghi quyet|van ban)(?:\s+nay)?)?(?![\w])"
            # "… kể từ khi nhận đủ hồ sơ,": the event in a few words closed by a stop
            r"|(?:\s+[a-z]+){3,4}(?=\s*[,.;])"
            r"|(?:\s+[a-z]+){1,2})"
        ),
    ),
    # (last: a day of a rhythm, "định kỳ 6 tháng (trước ngày 15/6 và ngày 15/12)", is the
    # rhythm's)
    # "trước 15/11", "trước 17h ngày 12/11", "đến 20/11": a day without its year, as a working
    # note or a chat writes it, in the document's year
    (
        "day",
        re.compile(
            r"(?<![\w])(?P<prefix>(?:cham nhat(?: la| vao)?|truoc|den het|den|xong truoc"
            r"|hoan thanh truoc)\s+)(?:\d{1,2}\s*(?:h|gio)(?:\s*\d{2}(?:\s*phut)?)?,?\s+)?"
            r"(?:ngay\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![\d/-])(?!\s*/)"
        ),
    ),
    # "trước 17h thứ Sáu tuần này": a weekday of this or the next week, counted from the
    # document's date (see ``weekday_of``), kept as written
    (
        "weekday",
        re.compile(
            r"(?<![\w])(?P<prefix>(?:cham nhat(?: la| vao)?|truoc|den het|den|vao|trong)\s+)"
            r"(?:\d{1,2}\s*(?:h|gio)(?:\s*\d{2})?,?\s+)?(?:(?:sang|chieu|ngay)\s+)?"
            r"thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])\s+tuan\s+(?:nay|toi|sau)(?![\w])"
        ),
    ),
]
_MEETINGS = {
    "phien hop": "phiên họp",
    "cuoc hop": "cuộc họp",
    "hoi nghi": "hội nghị",
    "ky hop": "kỳ họp",
}
_NEXT = {"tiep theo": "tiếp theo", "gan nhat": "gần nhất", "toi": "tới", "sau": "sau"}


#: Words every phrase of a kind holds.
_NEEDS = {
    "holiday": ("tet",),
    "event": ("(ngay", "( ngay"),
    "annual": ("hang nam", "hang thang"),
    "half": ("6 thang",),
    "week": ("trong tuan",),
    "weekday": ("tuan nay", "tuan toi", "tuan sau"),
    "quarter": ("quy",),
    "onward": ("cac nam",),
    "since": ("va hang",),
}
_QUARTER_PREFIX = re.compile(r"(?<![\w])(?:[a-z]+\s+){1,2}$")
#: "đến năm 2030", "từ năm 2026": a horizon or a start, not a time for the work to be done.
_HORIZON = re.compile(r"den|tu|vao")


@dataclass(frozen=True)
class DeadlinePhrase:
    start: int
    end: int
    text: str  # canonical: "Quý I/2025"
    prefixed: bool  # introduced by trong/trước/chậm nhất...


#: Every phrase holds one of these (a digit, "quý", "thường xuyên", "hằng", "định kỳ", a
#: meeting): the patterns run only around them, which on a long text is most of the speed.
_ANCHOR = re.compile(
    r"thang\s+\d|nam\s+\d|ngay\s+\d|quy\s+\d|\d\s*[/-]\s*\d|19\d\d|20\d\d|quy\s+[iv1-4]|xuyen"
    r"|hang (?:nam|quy|thang|tuan)|dinh ky|phien hop|cuoc hop|ky hop|hoi nghi|\d thang"
    r"|\d ngay(?: lam viec)?|trong tuan|quoc hoi khoa|co hieu luc|truoc tet|tuan (?:nay|toi|sau)"
    r"|ngay ke tu"
)  # flat: each branch opens with a literal, which the regex engine scans for quickly
_REACH = 48  # "chậm nhất trong", "ngay từ hoàn thành trước ngày" before the anchor
_REACH_AFTER = 28  # the rest of a date or a quarter's year after it


def _windows(folded: str) -> list[tuple[int, int]]:
    """Stretches of the text within reach of an anchor, merged, in order."""
    if len(folded) < 4000:
        return [(0, len(folded))]
    out: list[list[int]] = []
    for m in _ANCHOR.finditer(folded):
        a, b = max(0, m.start() - _REACH), min(len(folded), m.end() + _REACH_AFTER)
        if out and a <= out[-1][1]:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def find_deadlines(folded: str, year: int | None, text: str = "") -> list[DeadlinePhrase]:
    """Deadline phrases of a folded text, in order, without overlaps; ``text`` is the same
    text unfolded, for phrases kept as written ("Tại Kỳ họp thứ 10")."""
    found: list[DeadlinePhrase] = []
    text_of = text if len(text) == len(folded) else ""
    taken = bytearray(len(folded) + 1)
    windows = _windows(folded)
    for kind, pattern in _PATTERNS:
        needed = _NEEDS.get(kind)
        if needed is not None and not any(word in folded for word in needed):
            continue  # a kind whose words are nowhere in the text: no pass over its windows
        for m in (m for ws, we in windows for m in pattern.finditer(folded, ws, we)):
            start, end = m.span()
            groups = m.groupdict()
            if kind == "quarter":
                # the two words before "quý" say whether it is a time for work
                before = _QUARTER_PREFIX.search(folded, max(0, start - 40), start)
                if before:
                    start = before.start()
                groups["prefix"] = before.group(0) if before else ""
            if 1 in taken[start:end]:
                continue
            prefix = (groups.get("prefix") or "").strip()
            if kind in ("relative", "week", "weekday", "onward", "since", "holiday") or (
                kind == "meeting"
                and (groups.get("rest") or (groups.get("next") and prefix.startswith("truoc")))
            ):
                text = _as_written(text_of[start:end] if text_of else folded[start:end])
            elif (
                kind == "continuous"
                and text_of
                and re.search(r" cua |hang ", groups.get("on") or "")
            ):
                # its day in words the folded form cannot rebuild ("tháng sau"): as written
                text = _as_written(text_of[start:end] if text_of else folded[start:end])
            else:
                text = _canonical(kind, groups, year)
            if text is None:
                continue
            if (
                kind == "year"
                and (
                    not prefix
                    or _HORIZON.fullmatch(prefix)
                    # "tại kỳ họp thường lệ cuối năm 2027": the session's, read as a meeting
                    or folded[max(0, start - 10) : start].endswith("thuong le ")
                )
            ):
                continue
            if kind == "continuous" and (
                groups["c"].strip() == "dinh ky"
                or folded[max(0, start - 6) : start].endswith((" chi ", "nguon "))
            ):
                continue  # "chi thường xuyên": recurrent spending, not a rhythm of work
            found.append(DeadlinePhrase(start, end, text, bool(prefix)))
            taken[start:end] = b"\x01" * (end - start)
    found.sort(key=lambda p: p.start)
    return found


def _canonical(kind: str, g: dict, year: int | None) -> str | None:
    y = g.get("year") or (str(year) if year else None)
    if kind == "day":
        d, m = int(g["d"]), int(g["m"])
        if not (1 <= d <= 31 and 1 <= m <= 12 and year):
            return None
        word = "Trước ngày" if re.search(r"\b(?:truoc|cham nhat|den)\b", g["prefix"]) else "Ngày"
        return f"{word} {d}/{m}/{year}"
    if kind in ("date", "event"):
        before = re.search(r"\b(?:truoc|cham nhat|den)\b", g.get("prefix") or "") is not None
        word = "Trước ngày" if before else "Ngày"
        return f"{word} {int(g['d'])}/{int(g['m'])}/{g['year']}"
    if kind == "quarter":
        q = _ROMAN.get(g["q"])
        return f"Quý {_ROMAN_OUT[q]}/{y}" if q and y else None
    if kind == "half":
        half = "6 tháng đầu năm" if "dau" in g["h"] else "6 tháng cuối năm"
        return f"{half} {y}" if y else None
    if kind == "month":
        month = int(g["m"])
        return f"Tháng {month}/{y}" if y and 1 <= month <= 12 else None
    if kind == "year":
        return f"Năm {y}"
    if kind == "meeting":
        return f"Tại {_MEETINGS[g['meeting']]} {_NEXT[g['next']]}"
    if kind == "continuous":
        return _written(g["c"] + (g.get("on") or "") + (g.get("more") or ""))
    if kind == "annual":
        prefix = (g.get("prefix") or "").strip()
        if g.get("month"):
            return _written(f"{prefix} thang {int(g['month'])} hang nam".strip())
        if g.get("monthly"):
            # the day as written: "trước ngày 05 hằng tháng"
            return _written(f"{prefix} ngay {g['d']} hang thang".strip())
        return _written(f"{prefix} ngay {int(g['d'])} thang {int(g['m'])} hang nam".strip())
    return None


_WORDS = {
    "thuong": "thường",
    "xuyen": "xuyên",
    "hang": "hằng",
    "nam": "năm",
    "quy": "quý",
    "thang": "tháng",
    "tuan": "tuần",
    "dinh": "định",
    "ky": "kỳ",
    "sau": "sáu",
    "truoc": "trước",
    "cham": "chậm",
    "nhat": "nhất",
    "ngay": "ngày",
    "trong": "trong",
    "den": "đến",
    "vao": "vào",
    "va": "và",
}


def _written(folded_phrase: str) -> str:
    """A recurring phrase as written ("định kỳ 6 tháng, hằng năm"), rebuilt from its folded
    words, capitalised: "Định kỳ 6 tháng, hằng năm", "Hằng quý"."""
    out = re.sub(r"[a-z]+", lambda m: _WORDS.get(m.group(0), m.group(0)), folded_phrase)
    out = " ".join(out.split())
    return out[:1].upper() + out[1:]


def _as_written(phrase: str) -> str:
    phrase = " ".join(phrase.split())
    return phrase[:1].upper() + phrase[1:]


_MEETING_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*((?:19|20)\d\d)", re.IGNORECASE)


def meeting_month(value: str) -> str | None:
    """ "Tại phiên họp Chính phủ thường kỳ tháng 3 năm 2026" is due with its month: "Tháng
    3/2026"; None for any other phrase."""
    if not value.startswith("Tại "):
        return None
    m = _MEETING_MONTH.search(value)
    return f"Tháng {int(m.group(1))}/{m.group(2)}" if m else None


_WEEK = re.compile(r"trong\s+tuần\s+(này|tới|sau)", re.IGNORECASE)


def week_end(value: str, on: date | None) -> str | None:
    """ "Ngay trong tuần này" in a document of Tuesday 02/12/2025 is due on the Sunday of that
    week: "Trước ngày 7/12/2025" ("tuần tới", "tuần sau": the Sunday after); None for any other
    phrase or without the document's date."""
    m = _WEEK.search(value)
    if m is None or on is None:
        return None
    sunday = on + timedelta(days=6 - on.weekday() + (0 if m.group(1).lower() == "này" else 7))
    return f"Trước ngày {sunday.day}/{sunday.month}/{sunday.year}"


_WEEKDAY = re.compile(
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])\s+tuần\s+(này|tới|sau)(?![\w])", re.IGNORECASE
)
_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}


def weekday_of(value: str, on: date | None) -> str | None:
    """ "Trước 17h thứ Sáu tuần này" in a message of Thursday 05/11/2026 is due on Friday
    06/11/2026: "Trước ngày 6/11/2026" ("tuần tới", "tuần sau": that day of the next week);
    None for any other phrase or without the document's date."""
    m = _WEEKDAY.search(value)
    if m is None or on is None:
        return None
    word = m.group(1).lower()
    weekday = int(word) - 2 if word.isdigit() else _WEEKDAYS.get(word)
    if weekday is None:
        return None
    later = 0 if m.group(2).lower() == "này" else 7
    due = on + timedelta(days=weekday - on.weekday() + later)
    return f"Trước ngày {due.day}/{due.month}/{due.year}"


#: "trong 15 ngày kể từ ngày ban hành Thông báo này", "trong thời hạn 45 ngày kể từ ngày ký",
#: "15 ngày làm việc kể từ ngày ký": days counted from the document's own date
_SINCE_ISSUE = re.compile(
    r"^(?:trong(?: vòng| thời hạn| thời gian)?|chậm nhất)\s+(\d{1,3})\s+ngày(\s+làm\s+việc)?"
    r"\s+kể\s+từ\s+ngày\s+(?:ban\s+hành|ký)",
    re.IGNORECASE,
)


def since_issue(value: str, on: date | None) -> str | None:
    """ "Trong 15 ngày kể từ ngày ban hành" in a notice of 25/11/2026 is due on 10/12/2026:
    "Trước ngày 10/12/2026", counting from the day after; working days ("15 ngày làm việc")
    skip Saturdays and Sundays (public holidays are not known here). None for any other
    phrase or without the document's date."""
    m = _SINCE_ISSUE.match(value)
    if m is None or on is None:
        return None
    due = days_after(on, int(m.group(1)), working=bool(m.group(2)))
    return f"Trước ngày {due.day}/{due.month}/{due.year}"


def days_after(on: date, days: int, *, working: bool = False) -> date:
    """The day ``days`` days after ``on``, the day after it being the first; in working days
    Saturdays and Sundays are skipped (public holidays are not known here)."""
    if not working:
        return on + timedelta(days=days)
    due, left = on, days
    while left > 0:
        due += timedelta(days=1)
        left -= due.weekday() < 5
    return due

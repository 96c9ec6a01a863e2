"""Forms of labelled lines (phiếu giao việc), pure: no Django.

Document software exports a task slip as a form: a title ("PHIẾU GIAO VIỆC"), its number and
date ("Số: 412/PGV-VPTW <tab> Ngày giao: 09/11/2026"), then one labelled line a field::

    Đơn vị chủ trì:      Vụ Tổng hợp
    Đơn vị phối hợp:     Tổ giúp việc BCĐ TW
    Nội dung công việc:
    Tổng hợp báo cáo …; dự thảo báo cáo tháng …
    Hạn xử lý:           03 ngày làm việc
    Yêu cầu sản phẩm:    Dự thảo báo cáo …

and several slips are exported one after another, separated by a form feed or a rule of "=".
``labelled_forms(lines)`` writes each slip as the items the structure reader reads: its work
("1. Tổng hợp báo cáo …", one item a numbered work when the slip holds several) and one field
line ("Cơ quan chủ trì: …; Cơ quan phối hợp: …; Thời gian hoàn thành: …; Sản phẩm: …"). A
time by work ("(1) 30/11/2026; (2) 15/12/2026") goes to each work; a time counted in days
("05 ngày làm việc", "… kể từ ngày nhận được phiếu") is counted from the slip's own date, the
day written after it ("05 ngày làm việc (trước ngày 17/11/2026)"). A withdrawn slip ("Trạng
thái: ĐÃ THU HỒI") and a slip sent for information only ("Hình thức xử lý: ☒ Để biết") give
no task and are left out; so are the print stamps, check boxes, signature and receipt lines.
The first slip's header (issuer, number and date) is kept as the document's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from dondoc.reader.core.when import days_after

__all__ = ["labelled_forms"]

_LABEL = re.compile(r"^\s*(?P<label>[^\W\d][^:\t]{1,40}?)\s*:\s*(?P<value>.*)$")
_KEYS = [
    ("content", re.compile(r"^noi dung(?: cong viec| giao| xu ly| yeu cau)?$")),
    ("lead", re.compile(r"^(?:don vi|co quan)? ?(?:chu tri|thuc hien|xu ly chinh)$")),
    ("coordinating", re.compile(r"^(?:don vi|co quan)? ?phoi hop$")),
    ("deadline", re.compile(r"^(?:han xu ly|thoi han(?: xu ly| hoan thanh)?|han hoan thanh)$")),
    ("output", re.compile(r"^(?:yeu cau )?san pham$")),
    ("number", re.compile(r"^so$")),
    ("status", re.compile(r"^trang thai$")),
    ("mode", re.compile(r"^hinh thuc xu ly$")),
    ("note", re.compile(r"^ghi chu$")),
    ("other", re.compile(r"^(?:nguoi giao|do khan|nguoi nhan|ngay giao|nguoi ky)$")),
]
_RULE = re.compile(r"^\s*[=_*-]{10,}\s*$")
_STAMP = re.compile(r"\b(?:in lúc|ngày in|xuất lúc)\s*:", re.IGNORECASE)
_DATE = re.compile(
    r"ng[àa]y(?: giao| ban h[àa]nh| k[ýy])?\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE
)
_WORK = re.compile(r"^\s*\(?(\d{1,2})[.)]\s+(?=\S)")
_BY_WORK = re.compile(r"\((\d{1,2})\)\s*([^;()]+?)\s*(?=;|\(\d{1,2}\)|$)")
_COUNTED = re.compile(
    r"^(?:trong(?: vòng| thời hạn)?\s+)?(\d{1,3})\s+ngày(\s+làm\s+việc)?"
    r"(?:\s+kể\s+từ\s+ngày\s+(?:nhận|giao|ký)[^()]*)?$",
    re.IGNORECASE,
)
#: "☒ Để biết": a slip sent for information, no work
_FOR_INFORMATION = re.compile(r"[☒☑■✔✓x]\]?\s*để biết", re.IGNORECASE)
_WITHDRAWN = re.compile(r"thu hồi|đã hủy|đã huỷ|hủy bỏ|huỷ bỏ", re.IGNORECASE)
#: "(thay thế nội dung Phiếu số 415/PGV-VPTW)": a note on the slip, not its work
_REPLACES = re.compile(r"\s*\((?:thay thế|thay cho)[^()]*\)", re.IGNORECASE)
#: lines of a slip that are no field after its first (signature block, receipt line, page)
_STRAY = 8
_FIELDS = [
    ("lead", "Cơ quan chủ trì"),
    ("coordinating", "Cơ quan phối hợp"),
    ("deadline", "Thời gian hoàn thành"),
    ("output", "Sản phẩm"),
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w ]+", " ", text).split())


def _field(line: str) -> tuple[str, str] | None:
    """(key, value) of a labelled line, or None."""
    m = _LABEL.match(line)
    if m is None:
        return None
    label = _fold(m.group("label"))
    for key, pattern in _KEYS:
        if pattern.match(label):
            return key, m.group("value").strip()
    return None


def _segments(lines: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """The lines cut at form feeds and rules of "=" (or "-", "_")."""
    out: list[list[tuple[str, int]]] = [[]]
    for line, start in lines:
        if line == "\f" or _RULE.match(line):
            out.append([])
        else:
            out[-1].append((line, start))
    return out


def _read(segment: list[tuple[str, int]]) -> dict | None:
    """A slip's fields, its header lines and its content lines, or None when the segment is no
    slip (not one content, one lead and one time)."""
    fields: dict[str, str] = {}
    content: list[str] = []
    header: list[tuple[str, int]] = []
    in_content = False
    seen_field = False
    stray = 0  # lines after the first field that are none (a signature, a receipt line)
    for line, start in segment:
        field = _field(line)
        if field is not None:
            key, value = field
            if key == "number":
                m = _DATE.search(line)
                if m:
                    fields["date"] = "/".join(m.groups())
                fields["number"] = value.split("\t")[0].strip()
                if not seen_field:
                    header.append((line, start))
                continue
            if key == "content" and "content" in fields:
                return None  # two works' blocks: a plan of labelled lines, not a slip
            seen_field = True
            in_content = key == "content"
            fields[key] = value.replace("\t", " ").strip()
            if in_content and fields[key]:
                content.append(fields[key])
            continue
        stripped = line.strip()
        if in_content and stripped and not stripped.isupper():
            content.append(stripped)
            continue
        in_content = False
        if not seen_field and stripped:
            header.append((line, start))
        elif stripped:
            stray += 1
    if (
        not content
        or "lead" not in fields
        or "deadline" not in fields
        or "number" not in fields
        or stray > _STRAY
    ):
        return None
    fields["header"] = header
    fields["works"] = _works(content)
    return fields


def _works(content: list[str]) -> list[str]:
    """The slip's works: one a numbered line ("1. Rà soát …", "2. Đề xuất …"), a line without
    a number going on with the work above it; or the whole content as one."""
    works: list[str] = []
    for line in content:
        m = _WORK.match(line)
        if m and int(m.group(1)) == len(works) + 1:
            works.append(line[m.end() :])
        elif works:
            works[-1] = f"{works[-1]} {line}"
        else:
            works = []
            break
    if len(works) < 2:
        works = [" ".join(content)]
    return [_REPLACES.sub("", w).strip() for w in works]


def _deadlines(value: str, works: int, on: date | None) -> list[str]:
    """The time of each work: one per work when the field numbers them, else the same."""
    value = " ".join(value.split())
    if _fold(value) in ("khong", "", "khong co"):
        times = [""] * works
    else:
        by_work = _BY_WORK.findall(value)
        if works > 1 and len(by_work) == works:
            times = [text.strip() for _n, text in by_work]
        else:
            times = [value] * works
    out = []
    for time in times:
        m = _COUNTED.match(time)
        if m and on is not None:
            due = days_after(on, int(m.group(1)), working=bool(m.group(2)))
            time = f"{time} (trước ngày {due.day}/{due.month}/{due.year})"
        out.append(time)
    return out


def _slip_date(fields: dict) -> date | None:
    if "date" not in fields:
        return None
    d, m, y = (int(x) for x in fields["date"].split("/"))
    try:
        return date(y, m, d)
    except ValueError:
        return None


def labelled_forms(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ``(line, start)`` list with each slip of labelled lines written as items and field
    lines; a text without such a slip is returned as it is."""
    segments = _segments(lines)
    slips = [_read(segment) for segment in segments]
    if not any(slips):
        return lines
    out: list[tuple[str, int]] = []
    number = 0
    first = True
    for segment, slip in zip(segments, slips, strict=True):
        if slip is None:
            out.extend(segment)
            continue
        at = segment[0][1] if segment else 0
        if first:
            # the document's header: the first slip's issuer, its number and date
            for line, start in slip["header"]:
                if _STAMP.search(line) or not line.strip():
                    continue
                if _field(line) is not None and slip.get("number"):
                    text = f"Số: {slip['number']}"
                    if "date" in slip:
                        text += f", ngày {slip['date']}"
                    out.append((text, start))
                else:
                    out.append((line, start))
            out.append(("", at))
            first = False
        status = slip.get("status", "")
        if _WITHDRAWN.search(status) or _FOR_INFORMATION.search(slip.get("mode", "")):
            continue
        works = slip["works"]
        times = _deadlines(slip.get("deadline", ""), len(works), _slip_date(slip))
        for work, time in zip(works, times, strict=True):
            number += 1
            out.append((f"{number}. {work}", at))
            values = {**slip, "deadline": time}
            fields = [
                f"{label}: {' '.join(values[key].split())}"
                for key, label in _FIELDS
                if values.get(key, "").strip() and _fold(values[key]) not in ("khong",)
            ]
            if fields:
                out.append(("; ".join(fields), at))
        out.append(("", at))
    return out

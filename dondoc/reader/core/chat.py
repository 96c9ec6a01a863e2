"""A group chat's history exported as text (lịch sử trò chuyện nhóm), pure: no Django.

A messaging app exports a group's history one message a line, each opening with its time and
sender ("[16:47, 05/11/2026] Trực VP BCĐ – Văn phòng BCĐ: Em xin truyền đạt …"), a message's
further lines without one. Instructions are relayed there among acknowledgements, stickers,
pictures, files and talk. ``chat_messages(lines)`` keeps each message's text as a paragraph of
its own, without its time and sender, under a line giving its day ("Ngày 5 tháng 11 năm
2026", the first of them the document's date), and leaves out:

- what assigns nothing: "[Nhãn dán]", "[Hình ảnh]", "[Tệp] …" messages, emoji, short
  acknowledgements ("Đã nhận", "Cảm ơn VP ạ") and replies opening with "Dạ" or "Vâng";
- the marks of a forwarded message ("[Chuyển tiếp]", "Từ nhóm: …"), whose text stays;
- the spoken particle closing a sentence ("… tuần này ạ.").

A weekday ("trước 17h thứ Sáu tuần này") is counted from the message's own day, written after
it in brackets ("(ngày 6/11/2026)").

A later message that changes an item's time is applied to the item it names and then left out:
a correction ("hạn mục 4 là trước 25/11 chứ không phải 20/11") and a postponement once granted
("anh Chính đồng ý cho Bộ KHCN lùi hạn mục 2 đến 20/11"); a request to postpone changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

from dondoc.reader.core.when import weekday_of

__all__ = ["chat_messages"]

#: "[16:47, 05/11/2026] Sender: text", "[05/11/2026 16:47] Sender: text",
#: "05/11/2026, 16:47 - Sender: text"
_MESSAGE = re.compile(
    r"^\s*(?:\[(?:\d{1,2}:\d{2}(?::\d{2})?,?\s*(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4}),?\s*\d{1,2}:\d{2}(?::\d{2})?)\]"
    r"|(?P<d3>\d{1,2})/(?P<m3>\d{1,2})/(?P<y3>\d{4}),?\s+\d{1,2}:\d{2}\s+-)"
    r"\s+(?P<sender>[^:\n]{1,80}?):\s?(?P<text>.*)$"
)
_ATTACHMENT = re.compile(
    r"^\[(?:Nhãn dán|Sticker|Hình ảnh|Ảnh|Tệp|File|Video|Âm thanh|Ghi âm|Vị trí|Danh thiếp"
    r"|Liên kết|Link|Tin nhắn đã thu hồi)\]",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(?:\[(?:Chuyển tiếp|Tin nhắn chuyển tiếp|Forwarded)\]|Từ nhóm\s*:.*|Từ\s*:.*)\s*$",
    re.IGNORECASE,
)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
#: a short reply that only acknowledges: "Đã nhận", "Dạ Bộ NV đã nhận ạ", "Cảm ơn VP ạ", "OK"
_ACKNOWLEDGES = re.compile(
    r"^(?:dạ\s+|vâng\s+)?(?:[^\s,.:;]+\s+){0,4}?(?:đã nhận|đã rõ|nhận được|xin cảm ơn|cảm ơn"
    r"|em cảm ơn|ok|oke|vâng|rõ)\b",
    re.IGNORECASE,
)
#: a reply opening with the spoken assent: "Dạ …", "Vâng …"
_REPLY = re.compile(r"^(?:dạ|vâng)(?![\w])", re.IGNORECASE)
_PARTICLE = re.compile(r"\s+ạ(?=\s*[.!,;]|\s*$)")
_DATE = r"(\d{1,2}/\d{1,2}(?:/\d{4})?)"
#: "hạn mục 4 là trước 25/11 chứ không phải 20/11": the sender corrects an item's time
_CORRECTS = re.compile(
    r"(?:thời\s+)?hạn\s+(?:của\s+)?mục\s+(\d{1,2})\s+là\s+[^.;]*?" + _DATE + r"[^.;]*?"
    r"(?:chứ|chứ không phải|không phải)\s+(?:không\s+phải\s+)?(?:là\s+)?[^.;\d]*" + _DATE,
    re.IGNORECASE,
)
#: "đồng ý cho Bộ KHCN lùi hạn mục 2 đến 20/11": a postponement granted
_GRANTS = re.compile(
    r"(?:đồng ý|nhất trí|chấp thuận)\s+(?:cho\s+[^.;:]{1,60}?\s+)?(?:lùi|gia hạn|kéo dài)"
    r"\s+(?:thời\s+)?hạn\s+(?:của\s+)?mục\s+(\d{1,2})\s+(?:đến|sang|tới)\s+(?:ngày\s+)?" + _DATE,
    re.IGNORECASE,
)
#: "trước 17h thứ Sáu tuần này": a weekday counted from the message's own day
_WEEKDAY = re.compile(
    r"(?:trước|chậm nhất|đến|vào|trong)\s+(?:\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?\s+)?"
    r"(?:(?:sáng|chiều|ngày)\s+)?thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])\s+tuần\s+(?:này|tới|sau)"
    r"(?![\w])(?!\s*\()",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^\s*(\d{1,2})[.)]\s")
_ANY_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{4})?(?![\d/])")


def _day(m: re.Match) -> tuple[int, int, int]:
    for n in "123":
        if m.group(f"d{n}"):
            return int(m.group(f"d{n}")), int(m.group(f"m{n}")), int(m.group(f"y{n}"))
    return 0, 0, 0


def _noise(text: str) -> bool:
    """Whether a message assigns nothing: an attachment, emoji, an acknowledgement."""
    bare = _EMOJI.sub("", text).strip(" .!")
    if not bare or _ATTACHMENT.match(bare):
        return True
    if _REPLY.match(bare) and len(bare.split()) <= 25:
        return True  # "Dạ Bộ NV cử đ/c … dự ạ": an answer to the group, no instruction
    return len(bare.split()) <= 8 and _ACKNOWLEDGES.match(bare) is not None


def _amend(messages: list[list[list]], upto: int, number: int, old: str | None, new: str) -> bool:
    """Set the time of item ``number`` of the last numbered message before ``upto`` to ``new``
    (in place of the date ``old``, or of its last date); whether it was found."""
    for message in reversed(messages[:upto]):
        for line in message:
            m = _ITEM.match(line[0])
            if m is None or int(m.group(1)) != number:
                continue
            dates = list(_ANY_DATE.finditer(line[0]))
            if old is not None:
                dates = [d for d in dates if d.group(0) == old] or dates
            if not dates:
                return False
            d = dates[-1]
            line[0] = line[0][: d.start()] + new + line[0][d.end() :]
            return True
    return False


def _dated(text: str, day: tuple[int, int, int]) -> str:
    """The text with the day each weekday phrase stands for written after it, counted from
    the message's own day: "trước 17h thứ Sáu tuần này (ngày 06/11/2026)"."""
    try:
        sent = date(day[2], day[1], day[0])
    except ValueError:
        return text

    def with_day(m: re.Match) -> str:
        due = weekday_of(m.group(0), sent)
        return f"{m.group(0)} ({due.replace('Trước ngày', 'ngày')})" if due else m.group(0)

    return _WEEKDAY.sub(with_day, text)


def chat_messages(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ``(line, start)`` list of a chat export as paragraphs of message text; any other
    text is returned as it is."""
    if sum(1 for line, _s in lines[:400] if _MESSAGE.match(line)) < 3:
        return lines
    head: list[tuple[str, int]] = []
    messages: list[list[list]] = []  # each message: its lines as [text, start]
    days: list[tuple[int, int, int]] = []
    for line, start in lines:
        m = _MESSAGE.match(line)
        if m is not None:
            first = m.group("text")
            # a forwarded message opens with its mark, its text on the lines after it
            messages.append([] if _FORWARD.match(first) else [[first, start + m.start("text")]])
            days.append(_day(m))
        elif messages:
            if line.strip() and line != "\f" and not _FORWARD.match(line):
                messages[-1].append([line, start])
        elif line != "\f":
            head.append((line, start))
    dropped: set[int] = set()
    for n, message in enumerate(messages):
        text = " ".join(part for part, _s in message)
        if not message or (len(message) == 1 and _noise(message[0][0])):
            dropped.add(n)
            continue
        for m in _CORRECTS.finditer(text):
            if _amend(messages, n, int(m.group(1)), m.group(3), m.group(2)):
                dropped.add(n)
        for m in _GRANTS.finditer(text):
            if _amend(messages, n, int(m.group(1)), None, m.group(2)):
                dropped.add(n)
    out = [
        (line, start)
        for line, start in head
        if not re.match(r"^\s*(?:Xuất lúc|Số thành viên|Thành viên)\s*:", line)
    ]
    shown = None
    for n, message in enumerate(messages):
        if n in dropped:
            continue
        at = message[0][1]
        if not message:
            continue
        if days[n] != shown:
            shown = days[n]
            out.extend([("", at), (f"Ngày {shown[0]} tháng {shown[1]} năm {shown[2]}", at)])
        out.append(("", at))
        for text, start in message:
            text = _dated(_PARTICLE.sub("", _EMOJI.sub("", text)).rstrip(), days[n])
            if text.strip():
                out.append((text, start))
    return out

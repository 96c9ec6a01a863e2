"""The parts of a directive (cấu trúc văn bản): header, sections, enumerations.

The normalised text is cut into blocks (lines). A block may open with a marker: a section
("I.", "1.", "1.2.", "Điều 3.") or an item ("(1)", "1)", "a)", "-", "+", "Nhiệm vụ 1.").
Markers nest by first appearance, the way a reader sees them: a style met for the first time
opens a deeper level, a style already open closes the levels under it. A block without a
marker closes the open items and sits in the innermost section, unless it is a field line of
the part just above (item, section or paragraph: "Cơ quan chủ trì: …; thời gian hoàn thành:
…"). Enumerations written inline ("…chỉ đạo các cơ quan chức năng: 1) Có hình thức… 2) Nghiên
cứu…") become items of their block when the
numbers run 1, 2, 3… in order.

``parse_header`` reads the number and symbol ("Số 01-TB/BCĐTW"), the place and date ("Hà Nội,
ngày 22 tháng 01 năm 2025"), the issuer's lines and the kind of document from its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dondoc.reader.core.layouts import content_label, period_heading
from dondoc.reader.core.types import Header, Part

SECTION_STYLES = (
    *("article", "roman", "letter", "letter_dotted", "num_dot", "dotted", "month"),
    "period",
)
_MARKERS = [
    (
        "task_word",
        re.compile(r"(?:Nhiệm vụ|Nhiem vu|NHIỆM VỤ|Nội dung|Noi dung)\s+(\d{1,3})\s*[.:]\s*"),
    ),
    ("article", re.compile(r"(?:Điều|Dieu|ĐIỀU)\s+(\d{1,3})\s*[.:]\s*")),
    # "II." and, in Party documents, "II- NHIỆM VỤ TRỌNG TÂM"
    ("roman", re.compile(r"([IVXL]{1,6})\s*(?:[.)]|[-–](?=\s))\s+(?=\S)")),
    # a part under a Roman one: "A. Những nhiệm vụ phải hoàn thành …", then "A.1.", "B.2."
    # a work programme's month heading alone on its line ("Tháng 3"): a section whose title is
    # its time, numbered by the month
    ("month", re.compile(r"(?=(?:Tháng|THÁNG)\s+(\d{1,2})\s*[.:]?\s*$)")),
    ("letter_dotted", re.compile(r"([A-H](?:\.\d{1,2}){1,3})\.?\s+(?=\S)")),
    ("letter", re.compile(r"([A-H])\.\s+(?=\S)")),
    ("dotted", re.compile(r"(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=\S)")),
    ("num_dot", re.compile(r"(\d{1,2})\.\s*(?=\S)(?!\d)")),
    ("paren", re.compile(r"\((\d{1,2})\)\s*")),
    ("num_paren", re.compile(r"(\d{1,2})\)\s*")),
    ("alpha", re.compile(r"([a-zđ])\)\s*")),
    ("alpha_paren", re.compile(r"\(([a-zđ])\)\s*")),
    ("dash", re.compile(r"([-–•])\s+")),
    ("plus", re.compile(r"(\+)\s+")),
]
_INLINE = {
    "paren": re.compile(r"(?:(?<=[\s:;.,])|^)\((\d{1,2})\)\s"),
    "num_paren": re.compile(r"(?:(?<=[\s:;.,])|^)(\d{1,2})\)\s"),
    "alpha": re.compile(r"(?:(?<=[\s:;.,])|^)([a-zđ])\)\s"),
    # "Bộ Giáo dục và Đào tạo: (i) hoàn thiện …; (ii) chỉ đạo …; (iii) tổng hợp …"
    "roman_paren": re.compile(r"(?:(?<=[\s:;.,])|^)\((i{1,3}|iv|vi{0,3}|ix|x)\)\s"),
}
_SMALL_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
_SMALL_ROMAN.update({"ix": 9, "x": 10})
FIELD_LABELS = re.compile(
    r"^(?:[-–•+]\s*)?(?P<label>c(?:o|ơ) quan (?:chu tri|chủ trì)|đơn vị chủ trì|don vi chu tri"
    r"|c(?:o|ơ) quan (?:phoi hop|phối hợp)|đơn vị phối hợp|don vi phoi hop"
    r"|thời gian(?: hoàn thành| thực hiện)?|thoi gian(?: hoan thanh| thuc hien)?|thời hạn|thoi han"
    r"|tiến độ|tien do|sản phẩm|san pham|kết quả|ket qua|hình thức văn bản|hinh thuc van ban"
    r"|đơn vị thực hiện|don vi thuc hien"
    r"|chủ trì|chu tri|phối hợp|phoi hop"
    r"|(?:thành viên|lãnh đạo|đồng chí|thanh vien|lanh dao|dong chi) (?:phụ trách|phu trach))\s*:",
    re.IGNORECASE,
)
_KINDS = [
    ("plan", re.compile(r"^(?:KẾ HOẠCH|KE HOACH)\b")),
    ("resolution", re.compile(r"^(?:NGHỊ QUYẾT|NGHI QUYET)\b")),
    ("conclusion", re.compile(r"^(?:KẾT LUẬN|KET LUAN)\b")),
    ("notice", re.compile(r"^(?:THÔNG BÁO|THONG BAO)\b")),
    ("decision", re.compile(r"^(?:QUYẾT ĐỊNH|QUYET DINH)\b")),
    ("directive", re.compile(r"^(?:CHỈ THỊ|CHI THI)\b")),
    ("programme", re.compile(r"^(?:CHƯƠNG TRÌNH|CHUONG TRINH)\b")),
    ("official_letter", re.compile(r"^(?:CÔNG ĐIỆN|CONG DIEN)\b")),
]
_NUMBER = re.compile(
    r"\bS(?:ố|o)\s*:?\s*(\d{1,5}[A-Za-zĐđ]?)\s*([-/])\s*([A-Za-zĐđ0-9][\w\-/Đđ.&]*)", re.UNICODE
)
_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})"
    r"\s+nam\s+(\d{4})",
    re.IGNORECASE,
)
#: a date in figures after the place ("Hà Nội, ngày 06/10/2026"), as a slide deck's title slide,
#: a report's cover or a transcript's heading gives it
_FIGURE_DATE = re.compile(
    # "Hà Nội, chiều thứ Sáu ngày 16/10/2026": a part of the day and a weekday before the day
    r"\w,\s*(?:(?:sáng|chiều|tối|trưa)\s+)?(?:thứ \w+\s+|chủ nhật\s+)?"
    r"ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b",
    re.IGNORECASE,
)
#: a news article quoting a document: "Văn phòng Trung ương Đảng vừa ban hành Thông báo số
#: 58-TB/BCĐTW ngày 23/12/2026 …" gives the document's own date, not the article's or the
#: meeting's
_REPORTED_DOCUMENT = re.compile(
    r"ban hanh (?:thong bao|ket luan|chi thi|nghi quyet|quyet dinh|ke hoach|cong van|van ban)"
    r"\s+so\s+\d{1,5}\s*[-/]\s*[a-z0-9][\w\-/.&]*\s+ngay\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"
)
#: a slide's marker in a deck exported to text ("Slide 4"): what follows is a new slide, under
#: no heading of the slide before
_SLIDE = re.compile(r"^(?:Slide|SLIDE|Trang chiếu|Trang chieu)\s+\d{1,3}$")
_SKIP_ISSUER = re.compile(
    r"^(?:ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập|\*|-+|_+)", re.IGNORECASE
)
#: The national heading's column beside the issuer's: "CỘNG HÒA XÃ HỘI …", "Độc lập - Tự do".
_MOTTO = re.compile(r"\s(?:CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*-)")
_FOOTER = re.compile(
    r"^(?:Nơi nhận|Noi nhan|KT\.|TM\.|TL\.|T/L|Q\.|SAO Y|Đã ký|CHÁNH VĂN PHÒNG|BỘ TRƯỞNG$"
    r"|THỦ TƯỚNG$|PHÓ THỦ TƯỚNG$"
    # "Ghi chú:" alone after a table: notes on how its rows are done, no rows of it
    r"|Ghi chú\s*:?\s*$)",
)


@dataclass
class Block:
    start: int
    end: int
    style: str | None = None  # marker style
    label: str = ""
    number: str = ""
    body: int = 0  # offset where the text after the marker starts
    field_line: bool = False
    zone: str = "body"  # header | body | footer


@dataclass
class Structure:
    header: Header
    parts: list[Part]
    body_start: int
    # part index -> (start, end) of its own text (marker excluded)
    text_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    field_lines: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def _blocks(text: str) -> list[Block]:
    blocks = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        blocks.append(Block(start + lead, end))
    return blocks


def _marker(text: str) -> tuple[str, str, int] | None:
    for style, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            if style == "roman" and not re.fullmatch(
                r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", m.group(1)
            ):
                continue
            if style == "num_dot" and re.match(r"\d{1,2}\.\d", text):
                continue
            if style == "month" and not 1 <= int(m.group(1)) <= 12:
                continue
            return style, m.group(1), m.end()
    return period_heading(text)


def parse_header(text: str, folded: str, limit: int) -> tuple[Header, int]:
    """The header and the offset where the body starts."""
    header = Header()
    area = text[:limit]
    m = _NUMBER.search(area)
    if m:
        header.number = f"{m.group(1)}{m.group(2)}{m.group(3)}".rstrip(".")
        header.symbol = m.group(3).rstrip(".")
    d = _DATE.search(area) or _FIGURE_DATE.search(area)
    if m is None:
        d = _REPORTED_DOCUMENT.search(folded, 0, limit) or d
    if d:
        parts = [g for g in d.groups() if g is not None]
        try:
            header.date = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            header.date = None
    lines = [(match.start(), match.group(0).strip()) for match in re.finditer(r"[^\n]+", area)]
    issuer = []
    body_start = 0
    title_at = None
    for index, (start, line) in enumerate(lines):
        if title_at is None:
            for kind, pattern in _KINDS:
                if pattern.match(line) and len(line) < 200:
                    header.kind = kind
                    title_at = index
                    rest = line[len(pattern.match(line).group(0)) :].strip()
                    title_lines = [rest] if rest else []
                    body_start = start + len(line)
                    for following_start, following in lines[index + 1 : index + 5]:
                        if (
                            len(following) > 160
                            or _marker(following)
                            or following.startswith(
                                ("Căn cứ", "Ngày", "Thực hiện", "Trên cơ sở", "Sau khi")
                            )
                            # the body after an empty line under the title: a member's
                            # paragraph ("Đồng chí …, Bộ trưởng …: chỉ đạo …") or a call
                            # ending in ":" is no title line
                            or (
                                title_lines
                                and "\n\n" in area[body_start:following_start]
                                and (
                                    following.rstrip().endswith((":", "."))
                                    or following.startswith(("Đồng chí", "Đ/c"))
                                )
                            )
                            # "Ban Bí thư yêu cầu … các nhiệm vụ sau:" right under the title
                            or (
                                title_lines
                                and following.rstrip().endswith(":")
                                and len(following.split()) > 6
                                and not following.isupper()
                            )
                        ):
                            break
                        title_lines.append(following)
                        body_start = following_start + len(following)
                    header.title = " ".join(title_lines)[:400]
                    break
            motto = _MOTTO.search(line) if title_at is None else None
            if motto is not None and motto.start() > 0:
                # "HỘI ĐỒNG NHÂN DÂN   CỘNG HÒA XÃ HỘI …", "TỈNH NGHỆ AN   Độc lập - Tự do …":
                # two columns, the issuer's on the left
                line = line[: motto.start()].strip()
            if (
                title_at is None
                and line
                and not _SKIP_ISSUER.match(line)
                and line.isupper()
                and not _NUMBER.search(line)
                and len(issuer) < 6
            ):
                issuer.append(line)
    header.issuer_text = " ".join(issuer)[:300]
    if not header.number:
        _reported_first(header, text, folded, limit)
    if not header.kind and _SPOKEN_CONCLUSION.search(area):
        header.kind = "conclusion"
    if header.kind == "notice" and re.search(
        r"ket luan cua (?:pho )?thu tuong|tb-vpcp", folded[:limit] + " " + header.symbol.lower()
    ):
        header.kind = "conclusion"
    if header.kind == "notice" and "tb-vpcp" in fold_lower(header.symbol):
        header.kind = "conclusion"
    return header, body_start


#: a news article opening with the day a document was issued: "Ngày 10/2/2027, thay mặt Ban Chỉ
#: đạo …, Văn phòng Trung ương Đảng ban hành Thông báo số 63-TB/BCĐTW …"
_REPORTED_FIRST = re.compile(
    r"(?<![\w/])ngay (\d{1,2})[/.-](\d{1,2})[/.-](\d{4}),[^.]{0,300}?ban hanh "
    r"(thong bao|ket luan|chi thi|nghi quyet|quyet dinh|ke hoach) so\s+"
    r"(\d{1,5})\s*([-/])\s*([a-z0-9][\w\-/.&]*[a-z0-9])"
)
_REPORTED_KINDS = {
    "thong bao": "notice",
    "ket luan": "conclusion",
    "chi thi": "directive",
    "nghi quyet": "resolution",
    "quyet dinh": "decision",
    "ke hoach": "plan",
}
#: a leader's spoken conclusions as a transcript heads them: "Phát biểu kết luận của Thủ tướng"
_SPOKEN_CONCLUSION = re.compile(r"(?m)^\s*(?:Phát biểu|Ý kiến) kết luận\b")


def _reported_first(header: Header, text: str, folded: str, limit: int) -> None:
    """The document a news article gives in full, from its opening sentence: its number, date
    and kind."""
    m = _REPORTED_FIRST.search(folded, 0, limit)
    if m is None:
        return
    symbol = text[m.start(7) : m.end(7)]
    header.number = f"{m.group(5)}{m.group(6)}{symbol}"
    header.symbol = symbol
    header.kind = header.kind or _REPORTED_KINDS[m.group(4)]
    # the body issuing it, the clause before "ban hành", is the issuer (not the paper's bands)
    verb = m.start(4) - len("ban hanh ")
    comma = folded.rfind(", ", m.start(), verb)
    issuer = text[comma + 2 : verb].strip() if comma >= 0 else ""
    if issuer[:1].isupper() and len(issuer) <= 80:
        header.issuer_text = issuer
    if header.date is None:
        try:
            header.date = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            header.date = None


def fold_lower(text: str) -> str:
    return text.lower().replace("đ", "d")


def inline_chain(text: str, style: str) -> list[tuple[int, int, str]]:
    """Inline markers of one style numbered 1, 2, 3… (a, b, c…) in order: (start, body, label)."""
    if ")" not in text:
        return []  # every inline marker closes a bracket: most blocks have none
    pattern = _INLINE[style]
    chain: list[tuple[int, int, str]] = []
    expected = 1
    for m in pattern.finditer(text):
        label = m.group(1)
        if style == "roman_paren":
            value = _SMALL_ROMAN[label]
        else:
            value = int(label) if label.isdigit() else ord(label) - ord("a") + 1
        if label == "đ":
            value = 5
        if value == expected:
            chain.append((m.start(), m.end(), label))
            expected += 1
        elif value == 1 and len(chain) < 2:
            chain = [(m.start(), m.end(), label)]
            expected = 2
    return chain if len(chain) >= 2 else []


def parse_structure(text: str, folded: str) -> Structure:
    """Header and parts of the normalised text."""
    header, body_start = parse_header(text, folded, min(len(text), 3000))
    blocks = _blocks(text)
    parts: list[Part] = []
    structure = Structure(header, parts, body_start)
    stack: list[tuple[str, int]] = []  # (style, part index)
    counters: dict[tuple[int | None, str], int] = {}
    keys: set[str] = set()
    footer = False
    last: int | None = None  # the last part with text of its own
    for block in blocks:
        line = text[block.start : block.end]
        if block.end <= body_start:
            parts.append(Part("header", "", "header", (block.start, block.end)))
            continue
        if _FOOTER.match(line):
            footer = True
        elif footer and (len(line) > 200 or (_marker(line) and _marker(line)[0] in SECTION_STYLES)):
            footer = False
        if footer:
            # what follows the signature block (an appendix) opens its own sections
            stack.clear()
            last = None
            parts.append(Part("footer", "", "footer", (block.start, block.end)))
            continue
        if _SLIDE.match(line):
            # page furniture that ends the slide before: its table's last row or its bullets
            stack.clear()
            last = None
            parts.append(Part("footer", "", "footer", (block.start, block.end)))
            continue
        if line.startswith("▪ ") and last is not None and parts[last].kind == "item":
            # a third-level bullet details the item above ("▪ Ưu tiên: giao thông, y tế"): no
            # task of its own
            structure.field_lines.setdefault(last, []).append((block.start, block.end))
            continue
        if FIELD_LABELS.match(line) and (stack or last is not None):
            # fields belong to the task just above: an item, a section or a paragraph
            owner = last if last is not None else stack[-1][1]
            structure.field_lines.setdefault(owner, []).append((block.start, block.end))
            continue
        marker = _marker(line)
        if marker is None:
            while stack and stack[-1][0] not in SECTION_STYLES:
                stack.pop()
            parent = stack[-1][1] if stack else None
            n = counters.get((parent, "p"), 0) + 1
            counters[(parent, "p")] = n
            key = f"{parts[parent].key}.p{n}" if parent is not None else f"p{n}"
            parts.append(Part("paragraph", "", key, (block.start, block.end), len(stack), parent))
            index = len(parts) - 1
            structure.text_spans[index] = (block.start, block.end)
            _add_inline(text, parts, structure, index, block.start, block.end)
            last = index
            continue
        style, label, length = marker
        content_at = content_label(line) if style == "dash" and last is not None else None
        if (
            content_at is not None
            and stack
            and stack[-1][1] == last
            and parts[last].label.startswith("Nhiệm vụ ")
        ):
            # "Nhiệm vụ 3: <title>" over "- Nội dung: …": the block's work, no item
            structure.text_spans[last] = (block.start + content_at, block.end)
            continue
        styles = [s for s, _ in stack]
        if style in styles:
            del stack[styles.index(style) :]
        parent = stack[-1][1] if stack else None
        if style in ("dash", "plus"):
            # dash items take running numbers under their heading ("3.1.2"), as a clerk cites
            # them; the marker only where that number is taken ("3.1.-2")
            n = counters.get((parent, style), 0) + 1
            counters[(parent, style)] = n
            own = str(n)
            if (f"{parts[parent].key}.{own}" if parent is not None else own) in keys:
                own = f"{'-' if style == 'dash' else '+'}{n}"
        elif style in ("dotted", "letter_dotted") and parent is not None:
            own = _own_number(parts[parent].key, label)
        else:
            own = label
        key = f"{parts[parent].key}.{own}" if parent is not None else own
        keys.add(key)
        kind = "section" if style in SECTION_STYLES else "item"
        shown = {
            "paren": f"({label})",
            "num_paren": f"{label})",
            "alpha": f"{label})",
            "alpha_paren": f"({label})",
            "roman": f"{label}.",
            "letter": f"{label}.",
            "letter_dotted": f"{label}.",
            "num_dot": f"{label}.",
            "dotted": f"{label}.",
            "article": f"Điều {label}.",
            "task_word": f"Nhiệm vụ {label}.",
            "month": f"Tháng {label}",
            "dash": "",  # cited by its key's number
            "plus": "",
        }.get(style, label)
        title = line[length:].strip() if kind == "section" and len(line) < 160 else ""
        parts.append(
            Part(kind, shown, key, (block.start, block.end), len(stack), parent, title=title)
        )
        index = len(parts) - 1
        structure.text_spans[index] = (block.start + length, block.end)
        stack.append((style, index))
        _add_inline(text, parts, structure, index, block.start + length, block.end)
        last = index
    return structure


def _own_number(parent_key: str, label: str) -> str:
    """A dotted number without the part its parent's key already holds: "6.1" under
    "III.6" is "1" (the key reads "III.6.1", not "III.6.6.1"); "6.1.2" under "III.6.1" is
    "2"; a number that does not continue its parent's is kept whole."""
    above = parent_key.split(".")
    pieces = label.split(".")
    for length in range(min(len(above), len(pieces) - 1), 0, -1):
        if above[-length:] == pieces[:length]:
            return ".".join(pieces[length:])
    return label


def _add_inline(
    text: str, parts: list[Part], structure: Structure, index: int, start: int, end: int
) -> None:
    """Items written inline in a block become its children."""
    segment = text[start:end]
    for style in ("num_paren", "paren", "alpha", "roman_paren"):
        chain = inline_chain(segment, style)
        if not chain:
            continue
        if chain[0][0] == 0:
            continue  # the block's own marker, not an inline list
        structure.text_spans[index] = (start, start + chain[0][0])
        parent = parts[index]
        for position, (at, body, label) in enumerate(chain):
            stop = chain[position + 1][0] if position + 1 < len(chain) else len(segment)
            shown = f"({label})" if style in ("paren", "roman_paren") else f"{label})"
            parts.append(
                Part(
                    "item",
                    shown,
                    f"{parent.key}.{label}",
                    (start + at, start + stop),
                    parent.level + 1,
                    index,
                )
            )
            structure.text_spans[len(parts) - 1] = (start + body, start + stop)
        return

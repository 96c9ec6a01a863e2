"""Confusions of optical character recognition on Vietnamese print, pure: no Django.

A scanned notice read by OCR swaps shapes that look alike. Each rule here is a confusion no
Vietnamese word can hold, so that fixing it never changes a word as written:

* "ð" / "Ð" (the Icelandic eth) for "đ" / "Đ": Vietnamese has no eth;
* "l" for "1" inside a number ("3l/8/2026", "tháng l0/2026", "Số: 3l8/TB-BKHCN", the heading
  "l. Đánh giá chung"), and for "I" closing a Roman number ("quý IIl/2026");
* "rn" for "m" closing a syllable after a vowel with its mark ("giảrn", "Nhiệrn vụ", "trọng
  târn"): no Vietnamese syllable ends in "rn" (a foreign word such as "modern" has no marked
  vowel before it).

``ocr_fixes(line)`` applies them; ``run_in_items(lines)`` puts back on a line of its own a
numbered point the OCR ran into the end of the point before ("… trước ngày 15/9/2026. 4.3. Văn
phòng Bộ …" after "4.2. …").
"""

from __future__ import annotations

import re

__all__ = ["ocr_fixes", "run_in_items"]

_NUMBER_WITH_L = re.compile(r"(?<![^\W\d_])(?=[\dl]*\d)(?=\d*l)[\dl]+(?![^\W\d_])")
_HEADING_L = re.compile(r"^(\s*)l(?=\.\s)")
_ROMAN_L = re.compile(r"(?<![\w])([IVX]*I)l(?![\w])")
_MARKED_VOWELS = (
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵăâêôơư"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴĂÂÊÔƠƯ"
)
_RN_FOR_M = re.compile(rf"(?<=[{_MARKED_VOWELS}])rn(?![\w])")
_ANY = re.compile(r"[ðÐ]|rn(?![\w])|l\d|\dl|l\.|Il(?![\w])")


def ocr_fixes(line: str) -> str:
    """``line`` with the OCR confusions above undone; as it is when it holds none."""
    if not _ANY.search(line):
        return line
    line = line.replace("ð", "đ").replace("Ð", "Đ")
    line = _NUMBER_WITH_L.sub(lambda m: m.group(0).replace("l", "1"), line)
    line = _HEADING_L.sub(r"\g<1>1", line)
    line = _ROMAN_L.sub(r"\1I", line)
    return _RN_FOR_M.sub("m", line)


_POINT = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.\s")


def run_in_items(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ``(line, start)`` list with a point run into the text before it split off: after a
    line opening with point "4.2.", a sentence's end followed by "4.3. " (the next number of the
    same list), on that line or on the lines its point goes on over, opens a line there."""
    out: list[tuple[str, int]] = []
    following = ""  # the number the list's next point would take
    for line, start in lines:
        if len(line) > 2000:
            out.append((line, start))
            continue
        m = _POINT.match(line)
        if m is not None:
            following = _next(m.group(1))
        at = line.find(f". {following}. ", m.end() if m else 0) if following else -1
        if at < 0:
            out.append((line, start))
            continue
        out.append((line[: at + 1], start))
        out.append((line[at + 2 :], start + at + 2))
        following = _next(following)
    return out


def _next(number: str) -> str:
    *head, last = number.split(".")
    return ".".join([*head, str(int(last) + 1)])

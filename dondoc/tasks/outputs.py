"""Expected outputs (kết quả, sản phẩm) of tasks: the kind of document a task is to produce.

Plans give each task its product as free text: "Quyết định của Thủ tướng Chính phủ", "Đề án",
"Nghị định của Chính phủ", "Báo cáo", "Luật sửa đổi, bổ sung...". ``output_kind`` reads the
kind of document from that text so tasks can be counted and filtered by it: the first kind
named in the text wins ("Quyết định phê duyệt Đề án" is a decision), diacritics and case are
ignored, and text naming none of them is ``other`` (blank text has no kind). Pure Python.
"""

from __future__ import annotations

import re

from dondoc.core.text import fold

__all__ = ["OUTPUT_KINDS", "OUTPUT_KIND_LABELS", "output_kind"]

#: Output kinds, in the order they are offered; English message ids, Vietnamese beside them.
OUTPUT_KIND_LABELS: dict[str, str] = {
    "law": "Law",  # Luật
    "resolution": "Resolution",  # Nghị quyết
    "decree": "Decree",  # Nghị định
    "decision": "Decision",  # Quyết định
    "directive": "Directive",  # Chỉ thị
    "circular": "Circular",  # Thông tư
    "strategy": "Strategy",  # Chiến lược
    "programme": "Programme",  # Chương trình
    "scheme": "Scheme",  # Đề án
    "plan": "Plan",  # Kế hoạch
    "report": "Report",  # Báo cáo
    "other": "Other",  # Khác
}
OUTPUT_KINDS: tuple[str, ...] = tuple(OUTPUT_KIND_LABELS)

# Folded words for each kind. "pháp luật" (the law in general) is not a law.
_PATTERNS: dict[str, str] = {
    "law": r"(?<!phap )\bluat\b",
    "resolution": r"\bnghi quyet\b",
    "decree": r"\bnghi dinh\b",
    "decision": r"\bquyet dinh\b",
    "directive": r"\bchi thi\b",
    "circular": r"\bthong tu\b",
    "strategy": r"\bchien luoc\b",
    "programme": r"\bchuong trinh\b",
    "scheme": r"\bde an\b",
    "plan": r"\bke hoach\b",
    "report": r"\bbao cao\b",
}
_FIND = re.compile("|".join(f"(?P<{kind}>{p})" for kind, p in _PATTERNS.items()), re.ASCII)


def output_kind(text: str | None) -> str:
    """The kind of document ``text`` names first ("decree", "decision"...), ``"other"`` when
    it names none, ``""`` when it is blank."""
    folded = fold(text)
    if not folded:
        return ""
    match = _FIND.search(folded)
    return (match.lastgroup or "other") if match else "other"

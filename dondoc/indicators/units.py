"""The units indicators are measured in (đơn vị tính), with the ways tables write them.

A unit cell is read by ``resolve_unit``: "%", "Tỷ lệ %", "phần trăm" are all "%"; a unit the
vocabulary does not know is an error of the import (so "trieu USD" and "triệu USD" do not become
two units). Add a unit here, with its aliases, when a catalogue needs one.
"""

from __future__ import annotations

from dondoc.core.text import fold

#: canonical unit -> aliases (compared folded: no diacritics, lower case, spaces collapsed).
UNITS: dict[str, list[str]] = {
    "%": ["phần trăm", "tỷ lệ %", "tỉ lệ %", "tỷ lệ (%)", "(%)", "% gdp", "%/năm", "% / năm"],
    "USD": ["đô la mỹ", "usd/người"],
    "triệu USD": ["tr. usd", "tr usd"],
    "tỷ USD": ["tỉ usd"],
    "triệu đồng": ["tr.đ", "trđ", "triệu vnđ"],
    "tỷ đồng": ["tỉ đồng", "tỷ vnđ", "tỉ vnđ"],
    "nghìn tỷ đồng": ["nghìn tỉ đồng", "ngàn tỷ đồng"],
    "người": ["nguoi", "lượt người"],
    "người/vạn dân": ["người trên một vạn dân", "người/10.000 dân", "người / vạn dân"],
    "doanh nghiệp": ["dn", "số doanh nghiệp"],
    "tổ chức": ["tổ chức khoa học và công nghệ"],
    "sáng chế": ["đơn", "văn bằng", "bằng sáng chế"],
    "bài báo": ["công bố", "bài"],
    "thứ hạng": ["thứ bậc", "hạng", "xếp hạng", "vị trí"],
    "điểm": ["điểm số"],
    "lần": [],
    "năm": [],
    "triệu": ["triệu tài khoản", "triệu thẻ", "triệu chứng thư"],
    "tỷ giao dịch": ["tỉ giao dịch"],
    "triệu giao dịch": [],
    "dịch vụ": ["dịch vụ công"],
    "thủ tục": ["thủ tục hành chính", "tthc"],
    "tin, bài": ["tin bài"],
    "cơ sở dữ liệu": ["csdl"],
    "trạm": ["trạm bts"],
    "Tbps": [],
    "chuyên gia": [],
    "nền tảng": [],
    "đô thị": ["thành phố"],
    "": ["-", "—", "không", "định tính"],
}

_INDEX: dict[str, str] = {}
for _unit, _aliases in UNITS.items():
    for _name in [_unit, *_aliases]:
        _INDEX.setdefault(" ".join(fold(_name).split()), _unit)


def resolve_unit(text: str | None) -> str | None:
    """The canonical unit of a cell ("Tỷ lệ %" -> "%"), "" for a blank cell, None if unknown."""
    key = " ".join(fold(text or "").split())
    if not key:
        return ""
    if key in _INDEX:
        return _INDEX[key]
    if key.startswith("(") and key.endswith(")"):
        return _INDEX.get(key[1:-1].strip())
    return None


#: Units whose values are places in a ranking: lower is better (thứ bậc).
RANK_UNITS = frozenset({"thứ hạng"})

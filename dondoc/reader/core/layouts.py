"""Layouts of task lists the older rules do not cover, pure: no Django.

Each helper here answers one question about a layout real directives use, and is called from
the table, structure or assignment rules with a small hook:

- ``table_cell``: whether an item is a table row written back as an item and its field line
  ("Cơ quan phối hợp: …; Thời gian hoàn thành: …"): its "Nhiệm vụ" cell is one task even when
  it holds two paragraphs, each opening with a verb.
"""

from __future__ import annotations

import re

__all__ = ["table_cell"]

#: two labels on one field line, as a table row is written back ("…; Thời gian hoàn thành: …")
_ROW_FIELDS = re.compile(
    r"(?:co quan|don vi|thoi gian|san pham|thanh vien)[^;:]{0,30}:.*; "
    r"(?:co quan|don vi|thoi gian|san pham|thanh vien)[^;:]{0,30}:"
)


def table_cell(fields: list[tuple[int, int]], folded: str) -> bool:
    """Whether an item's field lines are a table row's cells written on one line."""
    return any(_ROW_FIELDS.search(folded[a:b].lower()) for a, b in fields)

"""Table rows whose cells keep their line breaks (bảng có ô nhiều dòng), pure: no Django.

A Word table copied or converted to text writes a row's cells separated by tabs, but a cell's
own line breaks stay line breaks, so one row runs over several lines and the next cell opens
after a tab at the end of the cell before it::

    TT  Đồng chí phụ trách   Nhiệm vụ                 Cơ quan tham mưu   Thời hạn
    1   Đồng chí …           + Hoàn thiện …
                             + Phê duyệt …
                             + Tổng kết …             Đảng ủy Chính phủ  Tháng 4/2027
                                                                         Quý II/2027
                                                                         Quý III/2027

(each gap a tab). ``broken_cells(lines)`` gathers such a row back from its opening line (its
number, a tab) until it holds a cell for every heading, its last cell going on to the blank
line; a "Nhiệm vụ" cell of several "+"/"-" bullets is one task a bullet, and a later cell with
one line a bullet ("Tháng 4/2027" / "Quý II/2027" / "Quý III/2027") gives the n-th bullet its
n-th line. Each row or bullet is written back as one tabbed line ("1.1 <tab> … <tab> …"), which
``tables.rewrite_tables`` then reads as any tabbed row. A table whose rows all fit on their
line, or that does not come out as whole rows, is left as it is.
"""

from __future__ import annotations

import re

from dondoc.reader.core.tables import _heading

__all__ = ["broken_cells"]

_NUMBER = re.compile(r"^\d{1,3}\.?$")
_BULLET = re.compile(r"^[-+•–*▪]\s+")


def _opens(line: str) -> bool:
    first = line.split("\t", 1)[0].strip()
    return "\t" in line and bool(_NUMBER.match(first)) and line[:1] not in (" ", "\t")


def _rows(
    lines: list[tuple[str, int]], n: int, width: int
) -> tuple[list[tuple[list[str], int]], int] | None:
    """The rows under the heading at ``n`` (each as its cells' lines and where it starts) and
    the index after the table; None when a row does not come out whole or no row runs over
    several lines."""
    rows: list[tuple[list[str], int]] = []
    m = n + 1
    broken = False
    while m < len(lines) and not lines[m][0].strip():
        m += 1
    while m < len(lines) and _opens(lines[m][0]):
        block, start = [lines[m][0]], lines[m][1]
        tabs = lines[m][0].count("\t")
        m += 1
        while m < len(lines):
            line = lines[m][0]
            if line == "\f" or _opens(line):
                break
            if not line.strip():
                if tabs >= width - 1:
                    break  # the last cell closes at a blank line
                following = next((x for x, _s in lines[m + 1 :] if x.strip()), "")
                if _opens(following) or not following:
                    break
            block.append(line)
            tabs += line.count("\t")
            m += 1
        if tabs != width - 1:
            return None
        broken = broken or len(block) > 1
        cells = "\n".join(block).split("\t")
        rows.append(([c for c in cells], start))
    if not rows or not broken:
        return None
    return rows, m


def _lines(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("\n") if x.strip()]


def _bullets(cell: str) -> list[str] | None:
    """The bullets of a cell holding two or more ("+ …" / "- …"), a line without a mark going
    on with the bullet above it; None for a cell that is not a list."""
    out: list[str] = []
    for line in _lines(cell):
        if _BULLET.match(line):
            out.append(_BULLET.sub("", line))
        elif out:
            out[-1] = f"{out[-1]} {line}"
        else:
            return None
    return out if len(out) >= 2 else None


def _written(cells: list[str], keys: list[str], number: str) -> list[str]:
    """The row as tabbed lines: one, or one a bullet of its "Nhiệm vụ" cell."""
    content = keys.index("content") if "content" in keys else -1
    bullets = _bullets(cells[content]) if content >= 0 else None
    if bullets is None:
        return ["\t".join([number, *(" ".join(_lines(c)) for c in cells[1:])])]
    out = []
    for index, bullet in enumerate(bullets):
        row = [f"{number.rstrip('.')}.{index + 1}"]
        for column, cell in enumerate(cells[1:], start=1):
            if column == content:
                row.append(bullet)
                continue
            parts = _lines(cell)
            if len(parts) == len(bullets) and len(parts) > 1:
                row.append(_BULLET.sub("", parts[index]))  # the n-th line, the n-th bullet's
            else:
                row.append(" ".join(parts))
        out.append("\t".join(row))
    return out


def broken_cells(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ``(line, start)`` list with each tabbed table whose rows run over several lines
    written back one row (or one bullet of a row) a line."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        line, start = lines[n]
        if "\t" not in line or line.count("\t") < 2 or len(line) > 400:
            out.append((line, start))
            n += 1
            continue
        width = line.count("\t") + 1
        following = next((x for x, _s in lines[n + 1 : n + 4] if x.strip()), "")
        if not _opens(following) or following.count("\t") >= width - 1:
            # (fast) the first row under it fits on its line: no row of this kind here
            out.append((line, start))
            n += 1
            continue
        columns = _heading(line)
        found = _rows(lines, n, width) if columns is not None else None
        if found is None:
            out.append((line, start))
            n += 1
            continue
        keys = [""] * (line.count("\t") + 1)
        for position, key in columns:
            if position < len(keys):
                keys[position] = key
        out.append((line, start))
        rows, n = found
        for cells, at in rows:
            number = cells[0].strip()
            out.extend((text, at) for text in _written(cells, keys, number))
    return out

"""Reading the tables of an uploaded DOCX within fixed bounds (bảng trong tệp Word).

The zip is opened by :class:`~dondoc.core.ooxml.Package` (size, part count, inflated size and
compression ratio checked before anything is inflated), and ``word/document.xml`` is parsed as
an event stream, so a document costs what its text costs. Only tables are read; the paragraphs
around them are ignored.

* A cell's text is its paragraphs joined by line breaks (a ``<w:br/>`` is a line break too).
* A cell spanning several grid columns (``<w:gridSpan>``) sits in its first column; the columns
  it covers are empty, as merged cells of a spreadsheet are.
* A cell continuing a vertical merge (``<w:vMerge/>`` without ``restart``) is empty and recorded
  in :attr:`DocxTable.continued`: a caller may take the value of the cell above (an agency
  merged over several tasks) while still seeing the row's own emptiness (a section row).
* A table nested in a cell adds its text to that cell.

Rows (of all tables together), grid columns, characters per cell and seconds are bounded by
:class:`~dondoc.core.tabular.Limits`; any bound crossed raises
:class:`~dondoc.core.tabular.InputRefused`. Public API: :func:`read_docx_tables`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from dondoc.core.ooxml import DAMAGED, WORD, Package, local_name, unreadable
from dondoc.core.tabular import (
    DEFAULT_LIMITS,
    Budget,
    InputRefused,
    Limits,
    cell_too_long,
    too_many_columns,
    too_many_rows,
)

__all__ = ["DocxTable", "read_docx_tables"]


@dataclass
class DocxTable:
    """One top-level table: its rows of cell texts, and the (row, column) indexes (0-based) of
    the cells continuing a vertical merge from the row above."""

    rows: list[list[str]] = field(default_factory=list)
    continued: set[tuple[int, int]] = field(default_factory=set)


def _document_part(package: Package) -> str:
    for path in package.relations("").values():
        name = posixpath.basename(path)
        if name.startswith("document") and name.endswith(".xml") and path in package.sizes:
            return path
    return "word/document.xml"


def _attribute(attrs: dict, name: str) -> str | None:
    """Attribute ``name`` whatever its namespace (transitional or strict OOXML)."""
    for key, value in attrs.items():
        if local_name(key) == name:
            return value
    return None


def read_docx_tables(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, budget: Budget | None = None
) -> list[DocxTable]:
    """The top-level tables of the document, in order. Raises ``InputRefused``."""
    budget = budget or Budget(limits.seconds)
    try:
        package = Package(data, limits, budget, WORD)
        return _read_tables(package, _document_part(package), limits, budget)
    except InputRefused:
        raise
    except DAMAGED:
        raise unreadable(WORD) from None


def _read_tables(package: Package, part: str, limits: Limits, budget: Budget) -> list[DocxTable]:
    tables: list[DocxTable] = []
    max_columns, max_chars = limits.max_columns, limits.max_cell_chars
    depth = 0  # tables open, nested ones included
    total_rows = 0
    row: list[str] = []
    column = 0  # grid column where the current cell starts
    span = 1
    continues = False
    paragraphs: list[str] = []  # of the current top-level cell
    text: list[str] = []  # of the current paragraph
    length = 0  # characters of the current cell
    in_text = False
    in_cell = False
    seen = 0

    def add(chars: str) -> None:
        nonlocal length
        length += len(chars)
        if length > max_chars:
            raise cell_too_long(total_rows, column + 1, limits)
        text.append(chars)

    def check_column(last: int) -> None:
        if last > max_columns:
            raise too_many_columns(total_rows, last, limits)

    def start(name: str, attrs: dict) -> None:
        nonlocal depth, total_rows, column, span, continues, length, in_text, in_cell, seen
        tag = local_name(name)
        seen += 1
        if seen % 4096 == 0:
            budget.check()
        if tag == "tbl":
            depth += 1
            if depth == 1:
                tables.append(DocxTable())
        elif depth == 0:
            return
        elif tag == "t" or tag == "instrText":
            in_text = in_cell and tag == "t"
        elif depth > 1:
            if tag == "p" and in_cell and text:
                add("\n")
        elif tag == "tr":
            total_rows += 1
            if total_rows > limits.max_rows:
                raise too_many_rows(total_rows, limits)
            row.clear()
            column = 0
        elif tag == "gridBefore":
            column += _number(_attribute(attrs, "val"), 0)
            check_column(column)
        elif tag == "tc":
            in_cell, span, continues, length = True, 1, False, 0
            paragraphs.clear()
            text.clear()
        elif tag == "gridSpan" and in_cell:
            span = max(1, _number(_attribute(attrs, "val"), 1))
        elif tag == "vMerge" and in_cell:
            continues = (_attribute(attrs, "val") or "continue") != "restart"
        elif tag == "p" and in_cell:
            text.clear()
        elif tag in ("br", "cr") and in_cell:
            add("\n")
        elif tag == "tab" and in_cell:
            add(" ")

    def end(name: str) -> None:
        nonlocal depth, column, in_text, in_cell
        tag = local_name(name)
        if tag == "tbl":
            depth = max(0, depth - 1)
            if depth == 1 and in_cell and text:  # a nested table's text joins the cell
                paragraphs.append("".join(text))
                text.clear()
        elif depth == 0:
            return
        elif tag == "t":
            in_text = False
        elif depth > 1:
            return
        elif tag == "p" and in_cell:
            paragraphs.append("".join(text))
            text.clear()
        elif tag == "tc" and in_cell:
            check_column(column + span)
            value = "\n".join(paragraphs).strip()
            row.extend("" for _ in range(column - len(row)))
            if continues and not value:
                tables[-1].continued.add((len(tables[-1].rows), column))
            row.append(value)
            row.extend("" for _ in range(span - 1))
            column += span
            in_cell = False
        elif tag == "tr":
            while row and not row[-1]:
                row.pop()
            tables[-1].rows.append(list(row))

    def characters(data: str) -> None:
        if in_text:
            add(data)

    for _ in package.parse(part, start, end, characters):
        pass
    return tables


def _number(value: str | None, default: int) -> int:
    if value and value.isdigit() and len(value) < 6:
        return int(value)
    return default

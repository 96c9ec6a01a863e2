"""XLSX renderer: the report's tables, one sheet each, ready to print.

Each sheet has a title line, a bold heading row that is frozen and repeated on every printed
page (``print_title_rows``), column widths from the exporter, wrapped text, landscape A4 fitted
to the page width. The rows are the ones the DOCX and the HTML preview show.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dondoc.core.spreadsheet import Workbook, append_row, new_workbook, workbook_bytes
from dondoc.reports.compose import Table

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def add_sheet(
    workbook: Workbook, name: str, title: str, subtitle: str, table: Table, widths: list[int]
) -> None:
    sheet = workbook.create_sheet(name[:31])
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    append_row(sheet, [title], font=Font(name="Times New Roman", size=13, bold=True))
    append_row(sheet, [subtitle], font=Font(name="Times New Roman", size=12, italic=True))
    head_row = 3
    append_row(
        sheet,
        table.headings,
        font=bold,
        fill=PatternFill("solid", fgColor="DCE3EC"),
        border=_BORDER,
        alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for row in table.rows:
        values = [
            int(v) if numeric and v.isdigit() else v
            for v, numeric in zip(row, table.numeric, strict=False)
        ]
        cells = append_row(sheet, values)
        for cell, numeric in zip(cells, table.numeric, strict=False):
            cell.font, cell.border = font, _BORDER
            cell.alignment = centre if numeric else wrap
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=1)
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def render_xlsx(sheets: list[tuple[str, str, str, Table, list[int]]]) -> bytes:
    """``sheets``: (sheet name, title, subtitle, table, column widths) each."""
    workbook = new_workbook()
    workbook.remove(workbook.active)
    for name, title, subtitle, table, widths in sheets:
        add_sheet(workbook, name, title, subtitle, table, widths)
    return workbook_bytes(workbook)

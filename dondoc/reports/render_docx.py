"""DOCX renderer: a ``compose.Document`` in the Party or State administrative format.

Layout (Hướng dẫn 36-HD/VPTW for Party documents, Nghị định 30/2020/NĐ-CP for State ones): A4
portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; body 14 pt,
justified, first line indented; header block in a borderless two-column table (issuing body and
number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" or the national motto and the place and date on
the right); page numbers centred in the page header from page 2; "Nơi nhận" bottom left and the
signature bottom right; footnotes at the foot of the page (12 pt); appendices on landscape A4
pages, tables with borders and a header row repeated on every page (``w:tblHeader``).

Tables are written as XML directly: python-docx's cell API is far too slow for appendices of
thousands of rows.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from dondoc.reports.compose import Block, Document, Header, Table

FONT = "Times New Roman"
BODY_PT = 14
NOTE_PT = 12
NOTE_TEXT_STYLE, NOTE_CALL_STYLE = "FootnoteText", "FootnoteReference"  # style ids
_NOTE_FONT = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
LANDSCAPE_MARGINS_MM = {"top": 20, "bottom": 20, "left": 20, "right": 15}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _set_run_font(run, size: float | None = None, bold=None, italic=None, underline=None):
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline


class DocxWriter:
    """Builds one DOCX file."""

    def __init__(self) -> None:
        self.doc = new_docx()
        self._footnotes: list[str] = []
        self._styles()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        section.different_first_page_header_footer = True
        self._page_number(section)

    # -- setup -------------------------------------------------------------------------------

    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        rpr.append(lang)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.1

    def _page(self, section, *, landscape: bool) -> None:
        margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (
            (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        )
        section.top_margin = Mm(margins["top"])
        section.bottom_margin = Mm(margins["bottom"])
        section.left_margin = Mm(margins["left"])
        section.right_margin = Mm(margins["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)

    def _page_number(self, section) -> None:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
            run = paragraph.add_run()
            _set_run_font(run, 13)
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._element.append(char)
            elif text.strip() == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._element.append(instr)
            else:
                run.text = text
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "end")
        run._element.append(char)

    def text_width_mm(self) -> float:
        section = self.doc.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / 36000

    # -- text --------------------------------------------------------------------------------

    def paragraph(
        self,
        text: str = "",
        *,
        size: float = BODY_PT,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent_mm: float = 10,
        after_pt: float = 6,
        keep_with_next: bool = False,
    ):
        p = self.doc.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        fmt.first_line_indent = Mm(indent_mm) if indent_mm else Mm(0)
        fmt.space_after = Pt(after_pt)
        fmt.keep_with_next = keep_with_next
        if text:
            _set_run_font(p.add_run(_clean(text)), size, bold, italic, underline)
        return p

    def block(self, block: Block) -> None:
        if block.kind == "heading":
            self.paragraph(block.text, bold=True, keep_with_next=True, after_pt=6)
        elif block.kind == "subheading":
            self.paragraph(block.text, bold=True, italic=block.italic, keep_with_next=True)
        elif block.kind == "table" and block.table is not None:
            self.table(block.table)
            self.paragraph("", after_pt=0, size=6)
        elif block.notes:
            p = self.paragraph()
            for text, note in block.segments():
                if text:
                    _set_run_font(p.add_run(_clean(text)), BODY_PT)
                if note is not None:
                    self.footnote(p, note.text)
        else:
            self.paragraph(block.text)

    # -- footnotes ---------------------------------------------------------------------------

    def footnote(self, paragraph, text: str) -> None:
        """Call a footnote at the end of ``paragraph`` so far; Word and LibreOffice number it."""
        self._footnotes.append(text)
        number = len(self._footnotes)  # ids 1…; -1 and 0 are the separators
        paragraph._p.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{NOTE_CALL_STYLE}"/>{_NOTE_FONT}'
                f'<w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{number}"/></w:r>'
            )
        )

    def _note_styles(self) -> None:
        """The styles "Footnote Text" and "Footnote Reference" (superscript); LibreOffice uses
        them for the number at the foot of the page too."""
        styles = self.doc.styles
        text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = styles["Normal"]
        text.font.size = Pt(NOTE_PT)
        fmt = text.paragraph_format
        fmt.space_after, fmt.line_spacing = Pt(0), 1.0
        fmt.first_line_indent = Mm(10)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        call = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        call.font.superscript = True

    def _footnotes_part(self) -> None:
        """The footnotes part (python-docx has none): separators, then each note at 12 pt."""
        if not self._footnotes:
            return
        self._note_styles()
        notes = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/>'
            "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>",
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>",
        ]
        size = f'<w:sz w:val="{NOTE_PT * 2}"/><w:szCs w:val="{NOTE_PT * 2}"/>'
        for number, text in enumerate(self._footnotes, start=1):
            notes.append(
                f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="{NOTE_TEXT_STYLE}"/>'
                f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                f'<w:ind w:firstLine="{_twips(10)}"/><w:jc w:val="both"/></w:pPr>'
                f'<w:r><w:rPr><w:rStyle w:val="{NOTE_CALL_STYLE}"/>{_NOTE_FONT}{size}'
                f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                f"<w:r><w:rPr>{_NOTE_FONT}{size}</w:rPr>"
                f'<w:t xml:space="preserve"> '
                f"{escape(_clean(text))}</w:t></w:r></w:p></w:footnote>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:footnotes {nsdecls('w')}>{''.join(notes)}</w:footnotes>"
        )
        part = Part(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            xml.encode("utf-8"),
            self.doc.part.package,
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES)

    # -- tables ------------------------------------------------------------------------------

    def table(self, table: Table) -> None:
        available = self.text_width_mm()
        total = sum(table.widths_mm) or 1
        widths = [_twips(w * available / total) for w in table.widths_mm]
        size = round(table.font_pt * 2)
        parts = [
            f"<w:tbl {nsdecls('w')}><w:tblPr>",
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
            "<w:tblBorders>",
            *(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            ),
            '</w:tblBorders><w:tblLayout w:type="fixed"/>',
            '<w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/>'
            "</w:tblCellMar>",
            '<w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr><w:tblGrid>',
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
            self._row(table.headings, widths, size, header=True),
        ]
        parts.extend(self._row(row, widths, size, numeric=table.numeric) for row in table.rows)
        parts.append("</w:tbl>")
        element = parse_xml("".join(parts))
        self.doc.element.body.sectPr.addprevious(element)

    @staticmethod
    def _row(cells, widths, size, header=False, numeric=()) -> str:
        out = ["<w:tr>"]
        out.append("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else "")
        run_props = (
            f'<w:rPr>{"<w:b/>" if header else ""}<w:sz w:val="{size}"/>'
            f'<w:szCs w:val="{size}"/></w:rPr>'
        )
        for index, (text, width) in enumerate(zip(cells, widths, strict=False)):
            centred = header or (index < len(numeric) and numeric[index])
            align = "center" if centred else "left"
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                f'<w:vAlign w:val="{"center" if header else "top"}"/></w:tcPr>'
            )
            for line in _clean(str(text)).split("\n") or [""]:
                out.append(
                    f'<w:p><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" '
                    f'w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="{align}"/>'
                    f"{run_props}</w:pPr>"
                )
                if line:
                    out.append(
                        f'<w:r>{run_props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
                    )
                out.append("</w:p>")
            out.append("</w:tc>")
        out.append("</w:tr>")
        return "".join(out)

    # -- document parts ----------------------------------------------------------------------

    def header_block(self, header: Header) -> None:
        left, right = self._two_columns(86, 79)
        self._cell_lines(left, [(line, 11, False, False) for line in header.parent_lines])
        self._cell_lines(left, [(header.issuing_body, 13, True, False)])
        if header.is_party:
            self._cell_lines(left, [("*", 13, False, False)])
        if header.number_line:
            self._cell_lines(left, [(header.number_line, 13, False, False)])
        if header.is_party:
            self._cell_lines(right, [("ĐẢNG CỘNG SẢN VIỆT NAM", 14, True, False, True)])
        else:
            self._cell_lines(
                right,
                [
                    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False),
                    ("Độc lập - Tự do - Hạnh phúc", 14, True, False, True),
                ],
            )
        self._cell_lines(right, [("", 8, False, False)])
        self._cell_lines(right, [(header.place_date, 14, False, True)])
        left.paragraphs[0]._element.getparent().remove(left.paragraphs[0]._element)
        right.paragraphs[0]._element.getparent().remove(right.paragraphs[0]._element)

        self.paragraph("", after_pt=6)
        self.paragraph(
            header.document_type,
            size=16,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent_mm=0,
            after_pt=0,
        )
        for line in header.title_lines:
            self.paragraph(
                line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent_mm=0, after_pt=0
            )
        self.paragraph(
            "-----" if header.is_party else "",
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent_mm=0,
            after_pt=6,
        )
        for index, line in enumerate(header.addressees):
            p = self.paragraph(
                ("Kính gửi: " if index == 0 else "") + "- " + line,
                align=WD_ALIGN_PARAGRAPH.LEFT,
                indent_mm=0,
                after_pt=0 if index < len(header.addressees) - 1 else 12,
            )
            p.paragraph_format.left_indent = Mm(48)
            if index == 0:
                p.paragraph_format.first_line_indent = Mm(-22)

    def _two_columns(self, left_mm: float, right_mm: float):
        """A borderless one-row table of two cells that does not split across pages."""
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        for column, width in zip(table.columns, (left_mm, right_mm), strict=True):
            column.width = Mm(width)
        row = table.rows[0]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        left, right = row.cells
        left.width, right.width = Mm(left_mm), Mm(right_mm)
        return left, right

    def _cell_lines(self, cell, lines) -> None:
        for spec in lines:
            text, size, bold, italic, *rest = spec
            p = cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.first_line_indent = Mm(0)
            p.paragraph_format.line_spacing = 1.0
            if text:
                _set_run_font(p.add_run(_clean(text)), size, bold, italic, bool(rest and rest[0]))

    def closing_block(self, document: Document) -> None:
        """Recipients and signature, kept on the page of the last paragraph: a signature
        block alone on a page signs nothing."""
        if document.closing:
            self.paragraph(document.closing, keep_with_next=True)
        if self.doc.paragraphs:
            last = self.doc.paragraphs[-1].paragraph_format
            last.keep_with_next = True
            last.keep_together = True
        left, right = self._two_columns(80, 85)
        if document.recipients:
            p = left.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            _set_run_font(p.add_run("Nơi nhận:"), 12, True, True)
            for line in document.recipients:
                q = left.add_paragraph()
                q.paragraph_format.space_after = Pt(0)
                q.paragraph_format.line_spacing = 1.0
                _set_run_font(q.add_run(_clean(f"- {line}")), 11)
        first = True
        for line in document.signature:
            p = right.paragraphs[0] if first else right.add_paragraph()
            first = False
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            _set_run_font(p.add_run(_clean(line)), 14, True)
        if document.signer:
            for _ in range(4):
                right.add_paragraph().paragraph_format.space_after = Pt(0)
            p = right.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_font(p.add_run(_clean(document.signer)), 14, True)

    def appendices(self, document: Document) -> None:
        for index, appendix in enumerate(document.appendices):
            if index == 0:
                section = self.doc.add_section(WD_SECTION.NEW_PAGE)
                self._page(section, landscape=True)
                section.different_first_page_header_footer = False
            center = WD_ALIGN_PARAGRAPH.CENTER
            label = self.paragraph(appendix.label, bold=True, align=center, indent_mm=0, after_pt=0)
            label.paragraph_format.page_break_before = index > 0
            self.paragraph(appendix.title, bold=True, align=center, indent_mm=0, after_pt=0)
            self.paragraph(appendix.subtitle, italic=True, align=center, indent_mm=0, after_pt=8)
            self.table(appendix.table)

    def save(self) -> bytes:
        self._footnotes_part()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def render_docx(document: Document, *, title: str = "", author: str = "") -> bytes:
    """The document as DOCX bytes."""
    writer = DocxWriter()
    writer.doc.core_properties.title = title or " ".join(document.header.title_lines)[:250]
    writer.doc.core_properties.author = author
    writer.doc.core_properties.language = "vi-VN"
    writer.header_block(document.header)
    for block in document.body:
        writer.block(block)
    if document.closing or document.recipients or document.signature:
        writer.closing_block(document)
    writer.appendices(document)
    return writer.save()

"""The quarterly report and the briefs as documents: blocks of text and tables.

``compose_quarterly`` turns the computed data, the program's template and the clerk's text
sections into a ``Document`` (header, body blocks, closing, recipients, signature,
appendices). The DOCX renderer and the HTML preview both draw this one structure, so their
text and tables are the same. The wording follows the Standing Office's report 02-BC/CQTTBCĐ:
"đã giao 61 nhiệm vụ … đã hoàn thành 13 nhiệm vụ và đang triển khai 48 nhiệm vụ, trong đó có
09 nhiệm vụ quá hạn (Chi tiết tại phụ lục 1 kèm theo)".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dondoc.core.text import fold
from dondoc.reports.indicators import DOCUMENT_COLUMNS, groups_of, summary_sentence
from dondoc.reports.models import DocumentFormat, ReportTemplate
from dondoc.reports.periods import day_month, long_date, short_date, two_digits
from dondoc.reports.presets import resolution_name
from dondoc.reports.sections import Exporter, QuarterlyData, TaskRow

PLACEHOLDER = "…………………………………………………………………………………………"
#: Where the opening paragraph calls the footnote on who has reported (at its end if absent).
REPORTS_NOTE = "{reports_note}"


@dataclass
class Table:
    headings: list[str]
    widths_mm: list[float]
    rows: list[list[str]]
    numeric: list[bool]
    font_pt: float = 12

    @classmethod
    def from_exporter(
        cls,
        exporter: Exporter,
        rows: list,
        font_pt: float = 12,
        keys: tuple[str, ...] = (),
        max_chars: int = 0,
    ) -> Table:
        """The exporter's rows as text; ``keys`` picks some columns, ``max_chars`` shortens."""
        picked = [i for i, c in enumerate(exporter.columns) if not keys or c.key in keys]
        columns = [exporter.columns[i] for i in picked]
        texts = []
        for row in rows:
            cells = exporter.cells(row)
            texts.append([_shorten(cells[i], max_chars) for i in picked])
        return cls(
            headings=[c.official for c in columns],
            widths_mm=[c.docx_mm for c in columns],
            rows=texts,
            numeric=[c.numeric for c in columns],
            font_pt=font_pt,
        )


def _shorten(value: object, limit: int) -> str:
    text = "" if value is None else str(value)
    if limit and len(text) > limit:
        return text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


@dataclass
class Note:
    """A footnote, numbered in the order of the document."""

    number: int
    text: str
    at: int | None = None  # where in the block's text it is called; None: at the end


@dataclass
class Block:
    """A heading (level 1: "I- …", level 2: "1. …"), a paragraph or a table."""

    kind: str  # "heading" | "subheading" | "para" | "table"
    text: str = ""
    table: Table | None = None
    italic: bool = False
    notes: list[Note] = field(default_factory=list)  # footnotes called in the text

    def segments(self) -> list[tuple[str, Note | None]]:
        """The text cut where footnotes are called: (text, note called after it or None)."""
        pieces, start = [], 0
        for note in sorted(self.notes, key=lambda n: len(self.text) if n.at is None else n.at):
            end = len(self.text) if note.at is None else note.at
            pieces.append((self.text[start:end], note))
            start = end
        if start < len(self.text) or not pieces:
            pieces.append((self.text[start:], None))
        return pieces


@dataclass
class Header:
    document_format: str
    parent_lines: list[str]
    issuing_body: str
    number_line: str
    place_date: str
    document_type: str
    title_lines: list[str]
    addressees: list[str]

    @property
    def is_party(self) -> bool:
        return self.document_format == DocumentFormat.PARTY


@dataclass
class Appendix:
    label: str  # "Phụ lục 1"
    title: str  # upper case
    subtitle: str  # "(Kèm theo Báo cáo số …)"
    table: Table


@dataclass
class Document:
    header: Header
    body: list[Block] = field(default_factory=list)
    closing: str = ""
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    signer: str = ""
    appendices: list[Appendix] = field(default_factory=list)

    @property
    def footnotes(self) -> list[Note]:
        return [note for block in self.body for note in block.notes]

    def add_note(self, block: Block, text: str, at: int | None = None) -> Note:
        """Call a footnote in ``block`` (after ``at`` characters, else at the end); notes are
        numbered in the order they are added, which must be the order of the document."""
        note = Note(len(self.footnotes) + 1, text, at)
        block.notes.append(note)
        return note


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


#: The space left for a document number not yet given.
BLANK_NUMBER = "\u00a0" * 8


_TYPED_NUMBER = re.compile(r"^\s*(?:số\s*:?\s*)?([0-9A-Za-z.]+)\s*(?:[-/]\s*(.*?))?\s*$", re.I)


def bare_number(template: ReportTemplate, number: str) -> str:
    """The number alone, as the form asks for it ("05"), when the clerk typed the whole
    "Số 05-BC/CQTTBCĐ" or "05/BC-VPCP" (the symbol compared without diacritics or spaces);
    any other text as typed."""
    match = _TYPED_NUMBER.match(number)
    if match is None:
        return number.strip()
    rest = match.group(2)
    if rest is None or fold(rest).replace(" ", "") == fold(template.symbol).replace(" ", ""):
        return match.group(1)
    return number.strip()


def number_line(template: ReportTemplate, number: str) -> str:
    """``Số 02-BC/CQTTBCĐ`` (Party) or ``Số: 02/BC-VPCP`` (State). Without a number, a blank
    space is left for it to be written in by hand, as the official format does: non-breaking
    spaces, which neither HTML nor a word processor collapses."""
    shown = bare_number(template, number) or BLANK_NUMBER
    if template.document_format == DocumentFormat.STATE:
        return f"Số: {shown}/{template.symbol}"
    return f"Số {shown}-{template.symbol}"


def header_for(template: ReportTemplate, *, number: str, issued_on: dt.date, title: str) -> Header:
    return Header(
        document_format=template.document_format,
        parent_lines=template.parent_lines(),
        issuing_body=template.issuing_body.upper(),
        number_line=number_line(template, number),
        place_date=f"{template.place}, {long_date(issued_on)}",
        document_type="BÁO CÁO",
        title_lines=[line.strip().upper() for line in title.splitlines() if line.strip()],
        addressees=template.addressee_lines(),
    )


def _roman_heading(template: ReportTemplate, index: int, text: str) -> Block:
    sep = "-" if template.document_format == DocumentFormat.PARTY else "."
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    return Block("heading", f"{numerals[index]}{sep} {text.upper()}")


def _paragraphs(text: str) -> list[Block]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return [Block("para", PLACEHOLDER)]
    return [Block("para", line) for line in lines]


def _session_clause(data: QuarterlyData) -> str:
    held = data.sessions_held
    if not held:
        return ""
    days = [d.session_date or d.date for d in held]
    if len(days) == 1:
        when = f"ngày {short_date(days[0])}"
    else:
        when = "các ngày " + ", ".join(day_month(d) for d in days[:-1])
        when += f" và {short_date(days[-1])}"
    return f"đã tổ chức {two_digits(len(held))} phiên họp ({when}), "


def _notices_clause(data: QuarterlyData) -> str:
    held = data.sessions_held
    if not held:
        return ""
    items = [f"{d.number}, ngày {short_date(d.date)}" for d in held]
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]
    noun = "các Thông báo kết luận số" if len(items) > 1 else "Thông báo kết luận số"
    return f" (tại {noun}: {joined})"


def count_sentence(data: QuarterlyData, committee: str) -> str:
    """The report's first figures sentence, in the seed's style."""
    f = data.figures
    who = f"{committee} " if committee else ""
    first = (
        f"Trong {data.period.label()}, {who}{_session_clause(data)}đã giao "
        f"{two_digits(f.assigned_in_period)} nhiệm vụ cụ thể{_notices_clause(data)}."
    )
    if f.assigned != f.assigned_in_period:
        first += f" Lũy kế đến nay, đã giao {two_digits(f.assigned)} nhiệm vụ."
    if f.cancelled:
        first += f" Có {two_digits(f.cancelled)} nhiệm vụ dừng thực hiện (không tính vào số trên)."
    second = (
        f"Đến {long_date(data.scope.as_of)}, đã hoàn thành {two_digits(f.completed)} nhiệm vụ và "
        f"đang triển khai {two_digits(f.in_progress)} nhiệm vụ, trong đó có "
        f"{two_digits(f.overdue)} nhiệm vụ quá hạn (Chi tiết tại phụ lục 1 kèm theo)."
    )
    return f"{first} {second}"


def completion_sentence(data: QuarterlyData) -> str:
    """On time and late completions, regular and undated tasks; parts that are zero left out."""
    f = data.figures
    done = [
        f"{two_digits(n)} nhiệm vụ {what}"
        for n, what in (
            (f.completed_on_time, "hoàn thành đúng hạn"),
            (f.completed_late, "hoàn thành sau thời hạn"),
        )
        if n
    ]
    open_ = [
        f"{two_digits(n)} nhiệm vụ {what}"
        for n, what in (
            (f.regular, "thường xuyên, định kỳ"),
            (f.no_deadline, "chưa xác định thời hạn"),
        )
        if n
    ]
    parts = []
    if done:
        parts.append("trong số nhiệm vụ đã hoàn thành, có " + " và ".join(done))
    if open_:
        parts.append("trong số nhiệm vụ đang triển khai, có " + " và ".join(open_))
    if not parts:
        return ""
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def next_quarter_sentence(data: QuarterlyData, carry_overdue: bool) -> str:
    nxt = data.next_period.label()
    n = len(data.upcoming)
    if carry_overdue:
        return (
            f"Trong {nxt}, cần tập trung triển khai {two_digits(n)} nhiệm vụ, gồm các nhiệm vụ "
            f"đến hạn trong {nxt} và các nhiệm vụ quá hạn chưa hoàn thành "
            f"(Chi tiết tại phụ lục 2 kèm theo)."
        )
    return (
        f"Trong {nxt} có {two_digits(n)} nhiệm vụ đến hạn hoàn thành "
        f"(Chi tiết tại phụ lục 2 kèm theo)."
    )


def _join(parts: list[str]) -> str:
    """``a, b và c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


def _of(part: int, whole: int) -> str:
    return f"{two_digits(part)}/{two_digits(whole)}"


def _round_words(title: str) -> str:
    """How a round's title reads after "báo cáo": ``quý I/2025`` for "Quý I/2025"."""
    words = title.strip()
    if words.lower().startswith("báo cáo "):
        words = words[len("báo cáo ") :]
    return words[:1].lower() + words[1:]


def completeness_sentences(data: QuarterlyData) -> list[str]:
    """One sentence per reporting round of the quarter, in the seed report's footnote style:
    "Tính đến ngày 09/4/2025, đã nhận báo cáo quý I/2025 của 55/63 tỉnh ủy, thành ủy; còn
    08/63 tỉnh ủy, thành ủy (đều đã có dự thảo báo cáo) chưa gửi báo cáo."."""
    rounds: dict[int, list] = {}
    for row in data.completeness:
        rounds.setdefault(row.round_id, []).append(row)
    sentences = []
    for rows in rounds.values():
        which = _round_words(rows[0].round)
        received = [f"{_of(r.submitted, r.expected)} {r.label}" for r in rows if r.submitted]
        missing = []
        for r in rows:
            if not r.missing:
                continue
            text = f"{_of(r.missing, r.expected)} {r.label}"
            if r.drafts == r.missing:
                text += (
                    " (đều đã có dự thảo báo cáo)" if r.drafts > 1 else " (đã có dự thảo báo cáo)"
                )
            elif r.drafts:
                text += f" (trong đó {two_digits(r.drafts)} đã có dự thảo báo cáo)"
            missing.append(text)
        start = f"Tính đến ngày {short_date(data.scope.as_of)}, "
        if received:
            text = start + f"đã nhận báo cáo {which} của {_join(received)}"
            if missing:
                text += f"; còn {_join(missing)} chưa gửi báo cáo"
        else:
            text = start + f"chưa nhận được báo cáo {which} của {_join(missing)}"
        sentences.append(text + ".")
    return sentences


def action_plan_sentence(data: QuarterlyData) -> str:
    """ "Đến ngày 10/4/2025, đã có 56/63 địa phương, 16/22 bộ, ngành ban hành chương trình,
    kế hoạch hành động …; còn 07/63 địa phương, 06/22 bộ, ngành chưa ban hành." (the seed's
    wording); empty when no plan had been issued by the date."""
    rows = data.action_plans
    if not rows:
        return ""
    program = data.scope.program
    what = f"Nghị quyết số {program.resolution}" if program.resolution else program.name
    issued = [f"{_of(r.issued, r.expected)} {r.label}" for r in rows if r.issued]
    text = (
        f"Đến ngày {short_date(data.scope.as_of)}, đã có {', '.join(issued)} ban hành chương "
        f"trình, kế hoạch hành động thực hiện {what}"
    )
    missing = [f"{_of(r.missing, r.expected)} {r.label}" for r in rows if r.missing]
    if missing:
        text += f"; còn {', '.join(missing)} chưa ban hành"
    return text + "."


def compose_quarterly(
    data: QuarterlyData,
    template: ReportTemplate,
    *,
    number: str = "",
    issued_on: dt.date | None = None,
    texts: dict[str, str] | None = None,
) -> Document:
    """The quarterly report as a ``Document``."""
    texts = texts or {}
    program = data.scope.program
    values = {
        "period": data.period.label(),
        "next_period": data.next_period.label(),
        "resolution": resolution_name(program),
    }
    h = {k: _fill(v, values) for k, v in template.headings.items()}
    issued = issued_on or data.scope.as_of
    header = header_for(
        template, number=number, issued_on=issued, title=_fill(template.title, values)
    )
    doc = Document(header=header)
    body = doc.body
    opening, note_at = None, None
    if template.opening:
        before, marker, after = _fill(template.opening, values).partition(REPORTS_NOTE)
        opening = Block("para", before + after)
        note_at = len(before) if marker else None
        body.append(opening)

    body.append(_roman_heading(template, 0, h["leadership"]))
    counted = Block("para", "1. " + count_sentence(data, program.committee_name))
    body.append(counted)
    if sentences := completeness_sentences(data):
        # As the seed report does: a footnote to "on the basis of the agencies' reports".
        doc.add_note(opening or counted, " ".join(sentences), at=note_at if opening else None)
    if sentence := completion_sentence(data):
        body.append(Block("para", sentence))
    if sentence := action_plan_sentence(data):
        body.append(Block("para", sentence))
    if data.sessions:
        body.append(Block("subheading", h["by_session"], italic=True))
        body.append(
            Block("table", table=Table.from_exporter(data.exporters["by_session"], data.sessions))
        )

    body.append(_roman_heading(template, 1, h["results"]))
    body.append(
        Block(
            "para",
            f"Tình hình triển khai theo {two_digits(data.group_count)} nhóm nhiệm vụ, giải pháp "
            f"(đến {long_date(data.scope.as_of)}) như sau:",
        )
    )
    body.append(Block("subheading", "1. " + h["by_group"]))
    body.append(Block("table", table=Table.from_exporter(data.exporters["by_group"], data.groups)))
    body.append(Block("subheading", "2. " + h["by_lead"]))
    body.append(Block("table", table=Table.from_exporter(data.exporters["by_lead"], data.leads)))
    number = 3  # the optional parts below are numbered in the order they appear
    if data.indicators:
        body.extend(indicator_blocks(data, f"{number}. " + h["indicators"]))
        number += 1
    if data.portal:
        from dondoc.reports.portal import portal_sentence

        body.append(Block("subheading", f"{number}. Tiếp nhận sáng kiến, kiến nghị"))
        body.append(Block("para", portal_sentence(data.portal, data.period.label())))
        body.append(
            Block("table", table=Table.from_exporter(data.exporters["portal"], data.portal))
        )

    body.append(_roman_heading(template, 2, h["assessment_section"]))
    body.append(Block("subheading", "1. " + h["assessment"]))
    body.extend(_paragraphs(texts.get("assessment", "")))
    body.append(Block("subheading", "2. " + h["bottlenecks"]))
    body.extend(_paragraphs(texts.get("bottlenecks", "")))

    body.append(_roman_heading(template, 3, h["focus"]))
    body.append(Block("para", next_quarter_sentence(data, template.next_quarter_includes_overdue)))
    if texts.get("focus", "").strip():
        body.extend(_paragraphs(texts["focus"]))

    body.append(_roman_heading(template, 4, h["recommendations"]))
    body.extend(_paragraphs(texts.get("recommendations", "")))

    doc.closing = _fill(template.closing, values)
    doc.recipients = template.recipient_lines()
    doc.signature = [
        s.upper() for s in (template.signature_authority, template.signature_title) if s
    ]
    doc.signer = template.signer_name

    attached = f"(Kèm theo Báo cáo số {_number_only(header.number_line)} {long_date(issued)})"
    doc.appendices = [
        Appendix(
            label="Phụ lục 1",
            title=h["appendix_late"].upper(),
            subtitle=attached,
            table=Table.from_exporter(data.exporters["appendix_late"], data.late, font_pt=12),
        ),
        Appendix(
            label="Phụ lục 2",
            title=h["appendix_next"].upper(),
            subtitle=attached,
            table=Table.from_exporter(data.exporters["appendix_next"], data.upcoming, font_pt=12),
        ),
    ]
    return doc


def indicator_blocks(data: QuarterlyData, heading: str) -> list[Block]:
    """The indicator set's results: a sentence of counts, then one table per solution group
    ("a) Nhóm 1. …"), the indicators at risk first."""
    exporter = data.exporters["indicators"]
    blocks = [
        Block("subheading", heading),
        Block("para", summary_sentence(data.indicators, data.scope.as_of)),
    ]
    letters = "abcdefghiklmnopqrstuvxy"
    for index, (group, rows) in enumerate(groups_of(data.indicators)):
        letter = letters[index] if index < len(letters) else str(index + 1)
        blocks.append(Block("subheading", f"{letter}) {group}", italic=True))
        table = Table.from_exporter(exporter, rows, keys=DOCUMENT_COLUMNS)
        blocks.append(Block("table", table=table))
    return blocks


def _number_only(line: str) -> str:
    # Plain spaces only: the non-breaking blank left for a number stays.
    return line.removeprefix("Số: ").removeprefix("Số ").strip(" ")


# ----------------------------------------------------------------------------------------------
# Briefs


BRIEF_LATE_COLUMNS = ("number", "content", "leads", "deadline", "result")
BRIEF_NEXT_COLUMNS = ("number", "content", "leads", "deadline")


@dataclass
class Brief:
    """A one-page brief for a committee member or an agency."""

    title: str
    subject: str
    as_of: dt.date
    counts: dict
    late: list[TaskRow]
    upcoming: list[TaskRow]
    late_exporter: Exporter
    upcoming_exporter: Exporter

    def summary_sentence(self) -> str:
        c = self.counts
        return (
            f"Đến {long_date(self.as_of)}, có {two_digits(c['assigned'])} nhiệm vụ do "
            f"{self.subject}: đã hoàn thành {two_digits(c['completed'])} nhiệm vụ, đang triển khai "
            f"{two_digits(c['in_progress'])} nhiệm vụ, trong đó có {two_digits(c['overdue'])} "
            f"nhiệm vụ quá hạn."
        )


def compose_brief(brief: Brief, template: ReportTemplate) -> Document:
    header = header_for(template, number="", issued_on=brief.as_of, title=brief.title)
    header.document_type = "TÓM TẮT"
    header.addressees = []
    header.number_line = ""
    doc = Document(header=header)
    doc.body.append(Block("para", brief.summary_sentence()))
    doc.body.append(Block("subheading", f"1. Nhiệm vụ quá hạn ({two_digits(len(brief.late))})"))
    if brief.late:
        doc.body.append(
            Block(
                "table",
                table=Table.from_exporter(
                    brief.late_exporter,
                    brief.late,
                    font_pt=10,
                    keys=BRIEF_LATE_COLUMNS,
                ),
            )
        )
    else:
        doc.body.append(Block("para", "Không có nhiệm vụ quá hạn."))
    doc.body.append(Block("subheading", "2. Nhiệm vụ sắp đến hạn"))
    if brief.upcoming:
        doc.body.append(
            Block(
                "table",
                table=Table.from_exporter(
                    brief.upcoming_exporter,
                    brief.upcoming,
                    font_pt=10,
                    keys=BRIEF_NEXT_COLUMNS,
                ),
            )
        )
    else:
        doc.body.append(Block("para", "Không có nhiệm vụ sắp đến hạn."))
    return doc

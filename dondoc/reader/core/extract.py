"""Text out of an uploaded file (.txt, .docx, .pdf), bounded (trích văn bản từ tệp).

* ``.txt``: UTF-8 (with or without BOM), else Windows-1258/cp1252 as a fallback.
* ``.docx``: the paragraphs of ``word/document.xml`` read as an event stream through the zip
  guard of ``dondoc.core.ooxml`` (size, parts, inflation ratio checked before inflating);
  a table's row becomes one line, its cells separated by tabs (a merged cell keeps its
  columns' places), as a table copied out of Word reads, so the reader takes its columns.
* ``.pdf``: ``pdftotext -layout`` (poppler-utils) with a timeout; page breaks are kept as
  form feeds so the reader can drop running headers.
"""

from __future__ import annotations

import os
import subprocess
import tempfile

from dondoc.core.ooxml import DAMAGED, WORD, Package, local_name
from dondoc.core.tabular import DEFAULT_LIMITS, Budget, InputRefused

MAX_BYTES = 20 * 1024 * 1024
MAX_CHARS = 1_500_000
PDF_SECONDS = 20


class Unreadable(ValueError):
    """The file could not be read; the message is bilingual."""


def read_file(data: bytes, filename: str) -> str:
    """The text of ``data``; raises ``Unreadable`` when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise Unreadable("Tệp quá lớn. / The file is too large.")
    name = (filename or "").lower()
    if name.endswith(".docx"):
        return _docx(data)[:MAX_CHARS]
    if name.endswith(".pdf") or data[:5] == b"%PDF-":
        return _pdf(data)[:MAX_CHARS]
    if name.endswith((".txt", ".text", ".md")) or not name:
        return _txt(data)[:MAX_CHARS]
    raise Unreadable(
        "Chỉ đọc được tệp .txt, .docx hoặc .pdf. / Only .txt, .docx and .pdf files can be read."
    )


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _docx(data: bytes) -> str:
    try:
        budget = Budget(DEFAULT_LIMITS.seconds)
        package = Package(data, DEFAULT_LIMITS, budget, WORD)
        part = next(
            (p for p in package.relations("").values() if p.endswith("document.xml")),
            "word/document.xml",
        )
        lines: list[str] = []
        current: list[str] = []
        state = {"in_text": False, "chars": 0, "depth": 0}
        row: list[str] = []  # the cells of the outermost table's row being read
        cell: list[str] = []  # the paragraphs of its cell

        def start(name: str, attrs: dict) -> None:
            tag = local_name(name)
            if tag == "t":
                state["in_text"] = True
            elif tag in ("br", "cr"):
                current.append(" " if state["depth"] else "\n")
            elif tag == "tab":
                current.append(" ")
            elif tag == "tbl":
                state["depth"] += 1
            elif tag == "gridSpan" and state["depth"] == 1:
                value = next((v for k, v in attrs.items() if local_name(k) == "val"), "1")
                span = int(value) if str(value).isdigit() else 1
                state["span"] = max(1, min(span, 50))

        def end(name: str) -> None:
            tag = local_name(name)
            if tag == "t":
                state["in_text"] = False
            elif tag == "p":
                paragraph = "".join(current)
                current.clear()
                if not state["depth"]:
                    lines.append(paragraph)
                elif paragraph.strip():
                    cell.append(" ".join(paragraph.split()))
            elif tag == "tc" and state["depth"] == 1:
                # a cell's paragraphs on one line: after a stop as they are, else with ", "
                text = ""
                for paragraph in cell:
                    glue = " " if not text or text[-1] in ".,;:" else ", "
                    text = f"{text}{glue}{paragraph}" if text else paragraph
                row.append(text)
                row.extend([""] * (state.pop("span", 1) - 1))
                cell.clear()
            elif tag == "tr" and state["depth"] == 1:
                lines.append("\t".join(row))
                row.clear()
            elif tag == "tbl":
                state["depth"] = max(0, state["depth"] - 1)
                if not state["depth"]:
                    lines.append("")

        def chars(text: str) -> None:
            if state["in_text"]:
                state["chars"] += len(text)
                if state["chars"] > MAX_CHARS:
                    raise Unreadable("Tệp quá dài. / The document is too long.")
                current.append(text)

        for _ in package.parse(part, start, end, chars):
            pass
        return "\n".join(lines)
    except (InputRefused, *DAMAGED) as error:
        raise Unreadable(
            f"Không đọc được tệp Word. / The Word file can't be read. ({error})"
        ) from None


def _pdf(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.pdf")
        with open(source, "wb") as handle:
            handle.write(data)
        try:
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-layout", source, "-"],
                capture_output=True,
                timeout=PDF_SECONDS,
                check=False,
            )
        except FileNotFoundError:
            raise Unreadable(
                "Máy chủ chưa cài pdftotext. / pdftotext (poppler-utils) is not installed."
            ) from None
        except subprocess.TimeoutExpired:
            raise Unreadable("Đọc tệp PDF quá lâu. / Reading the PDF took too long.") from None
    if done.returncode != 0:
        raise Unreadable("Không đọc được tệp PDF. / The PDF file can't be read.")
    text = done.stdout.decode("utf-8", errors="replace")
    if not text.strip():
        raise Unreadable("Tệp PDF không có lớp chữ. / The PDF has no text layer (a scan?).")
    return text

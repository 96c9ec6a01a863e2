"""Opening an uploaded Office Open XML package (XLSX, DOCX) within fixed bounds.

An XLSX or DOCX file is a zip of XML parts, and a zip may lie: a 1.6 MB file may inflate to
1.5 GB, declare ten thousand parts, or understate a part's size. :class:`Package` checks the
file's size, the number of parts, the total inflated size and each part's compression ratio
from the zip's directory before anything is inflated, then reads each part with a byte
allowance and a time :class:`~dondoc.core.tabular.Budget`, and feeds it to a streaming expat
parser that refuses a DTD. Every refusal is an :class:`~dondoc.core.tabular.InputRefused` that
names the kind of file (:data:`EXCEL`, :data:`WORD`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from dondoc.core.tabular import Budget, InputRefused, Limits, number_vi, refuse_size

__all__ = ["DAMAGED", "EXCEL", "WORD", "FileKind", "Package", "local_name", "unreadable"]

_MB = 1024 * 1024
#: Workbook, relationship and style parts are read whole; none is this large in a real file.
SMALL_PART = 5 * _MB
#: What zipfile, zlib and the parsers raise on a damaged, encrypted or exotic file.
DAMAGED = (
    ElementTree.ParseError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted part
)


@dataclass(frozen=True)
class FileKind:
    """How messages name the file: "Excel" and ".xlsx"."""

    name: str
    extension: str


EXCEL = FileKind("Excel", ".xlsx")
WORD = FileKind("Word", ".docx")


def unreadable(kind: FileKind) -> InputRefused:
    return InputRefused(
        f"Không đọc được tệp {kind.name} ({kind.extension}).",
        f"The {kind.name} ({kind.extension}) file can't be read.",
        limit="",
    )


def local_name(name: str) -> str:
    """``"{namespace}tag"`` (or expat's ``"namespace}tag"``) without its namespace."""
    return name.rpartition("}")[2]


class Package:
    """The zip, checked from its directory, and its parts read with an allowance each."""

    def __init__(self, data: bytes, limits: Limits, budget: Budget, kind: FileKind) -> None:
        self.limits, self.budget, self.kind = limits, budget, kind
        refuse_size(len(data), limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except DAMAGED:
            raise self.unreadable() from None
        name = kind.name
        if len(infos) > limits.max_entries:
            raise InputRefused(
                f"Tệp {name} có hơn {number_vi(limits.max_entries)} thành phần.",
                f"The {name} file has more than {number_vi(limits.max_entries)} parts.",
                limit="max_entries",
            )
        if sum(info.file_size for info in infos) > limits.max_uncompressed:
            mb = number_vi(limits.max_uncompressed / _MB)
            raise InputRefused(
                f"Tệp {name} khi giải nén lớn hơn giới hạn {mb} MB; hãy chia tệp thành nhiều tệp "
                "nhỏ hơn.",
                f"The {name} file inflates beyond the limit of {mb} MB; split it into smaller "
                "files.",
                limit="max_uncompressed",
            )
        for info in infos:
            if info.file_size > _MB and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                ratio = number_vi(limits.max_ratio)
                raise InputRefused(
                    f"Tệp {name} được nén bất thường (hơn {ratio} lần); tệp không được đọc.",
                    f"The {name} file is compressed abnormally (more than {ratio} times); it "
                    "was not read.",
                    limit="max_ratio",
                )
        self.sizes = {info.filename: info.file_size for info in infos}

    def unreadable(self) -> InputRefused:
        return unreadable(self.kind)

    def chunks(self, name: str) -> Iterator[bytes]:
        """The inflated bytes of part ``name``, never more than its declared size."""
        if name not in self.sizes:
            raise self.unreadable()
        left = self.sizes[name]
        with self.zip.open(name) as part:
            while chunk := part.read(1 << 16):
                left -= len(chunk)
                if left < 0:
                    raise self.unreadable()
                self.budget.check()
                yield chunk

    def tree(self, name: str) -> ElementTree.Element:
        """Part ``name`` parsed whole; only for small parts (relations, styles, workbook)."""
        if self.sizes.get(name, 0) > SMALL_PART:
            raise self.unreadable()
        data = b"".join(self.chunks(name))
        if b"<!DOCTYPE" in data.upper():
            raise self.unreadable()
        return ElementTree.fromstring(data)

    def relations(self, name: str) -> dict[str, str]:
        """``{relation id: part path}`` of part ``name`` ("" for the package itself)."""
        folder, base = posixpath.split(name)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.sizes:
            return {}
        found = {}
        for item in self.tree(rels):
            target = item.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[item.get("Id", "")] = posixpath.normpath(path)
        return found

    def parse(
        self,
        name: str,
        start: Callable[[str, dict], Any],
        end: Callable[[str], Any],
        text: Callable[[str], Any],
    ) -> Iterator[None]:
        """Feed part ``name`` to an expat parser with these handlers; yields after each chunk."""

        def no_doctype(*_args: Any) -> None:
            raise self.unreadable()  # OOXML has no DTD; one here is an attack on the parser

        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = no_doctype
        parser.EntityDeclHandler = no_doctype
        try:
            for chunk in self.chunks(name):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise self.unreadable() from None
        yield

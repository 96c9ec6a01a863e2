"""PDF through LibreOffice (optional): ``soffice --headless --convert-to pdf``.

LibreOffice is an optional dependency (Debian: ``libreoffice-writer-nogui``). Without it,
``to_pdf`` raises ``PdfUnavailable`` with a message that says so; the DOCX and XLSX do not
need it. Each conversion uses its own LibreOffice profile folder, so two conversions can run at
the same time.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


class PdfUnavailable(Exception):
    """PDF conversion is not possible here (LibreOffice missing or failing)."""


def libreoffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def to_pdf(docx: bytes, name: str = "report.docx") -> bytes:
    """Convert DOCX bytes to PDF bytes."""
    binary = libreoffice()
    if binary is None:
        raise PdfUnavailable(
            _(
                "PDF needs LibreOffice, which is not installed on this server "
                "(Debian package libreoffice-writer-nogui). Download the DOCX instead."
            )
        )
    with tempfile.TemporaryDirectory(prefix="dondoc-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / Path(name).name
        source.write_bytes(docx)
        profile = (folder / "profile").as_uri()
        command = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(_("LibreOffice could not convert the document to PDF.")) from exc
        result = source.with_suffix(".pdf")
        if not result.exists():
            raise PdfUnavailable(_("LibreOffice could not convert the document to PDF."))
        return result.read_bytes()

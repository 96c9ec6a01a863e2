"""The staging folder: uploaded files waiting for the user's confirmation and the import job.

A file is kept under a random token (never its own name); the page keeps the token in the
session, an :class:`~dondoc.tasks.models.ImportJob` keeps it once the import is confirmed. The
web process and the worker must share this folder (one machine, or a shared temporary folder).
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied

#: Staged uploads nobody confirmed are deleted after this many seconds.
STAGING_SECONDS = 24 * 3600


def staging_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "dondoc-import-staging"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def new_token() -> str:
    return secrets.token_urlsafe(24)


def staged(token: str) -> Path:
    """The staged file of ``token`` (which never names a path outside the folder)."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        raise PermissionDenied
    return staging_dir() / token


def sweep() -> None:
    """Delete uploads abandoned before confirmation."""
    limit = time.time() - STAGING_SECONDS
    for path in staging_dir().iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()

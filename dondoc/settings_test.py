"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("DONDOC_SECRET_KEY", "tests-only-not-a-secret")

from dondoc.settings import *  # noqa: F403
from dondoc.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production: argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dondoc-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="dondoc-test-static-"))

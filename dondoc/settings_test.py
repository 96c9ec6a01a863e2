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

import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

_MADE_BY = os.getpid()


def _remove(folder: Path) -> None:
    if os.getpid() == _MADE_BY:  # not from a forked child, whose parent still uses it
        shutil.rmtree(folder, ignore_errors=True)


def _folder(prefix: str) -> Path:
    """A temporary folder of this test process, removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(_remove, folder)
    return folder


MEDIA_ROOT = _folder("dondoc-test-media-")
DONDOC_PRIVATE_ROOT = _folder("dondoc-test-private-")
STATIC_ROOT = _folder("dondoc-test-static-")

# The job queue: jobs run in the test's own process unless a test starts a real worker
# (the ``worker`` tests), which then uses the real broker on a queue of its own.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = os.environ.get("DONDOC_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_DEFAULT_QUEUE = f"dondoc-test-{os.getpid()}-{os.urandom(4).hex()}"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every reuse of a statement kept per shape is compared with what the ORM writes.
DONDOC_VERIFY_KEPT_SQL = True

# SQLite: a test database in a file, not in memory, so that a worker process can open it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_folder("dondoc-test-db-") / "test.sqlite3")
    }
    # A throw-away database: no waiting for the disk.
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )

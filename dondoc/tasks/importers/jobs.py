"""Imports confirmed on the page, run by the job queue with their progress recorded.

:func:`start_import` records an :class:`ImportJob` and queues it once the caller's transaction
commits; :func:`run_import` (the job ``imports.run``) claims it with one conditional UPDATE, so a
job delivered twice runs once, imports the staged file through ``service.import_file`` and
records the outcome. The import writes everything in one transaction: a failure, or a file
refused at this point, leaves nothing written and the job ``failed`` with its reason. The staged
file is deleted after the run, whatever its outcome. A dry-run job (the check before
confirming) runs the same way, rolls back, and keeps the staged file.

Progress (``done``/``total``) is written while the import's transaction is open, so it is
written on a connection of its own that commits at once. SQLite admits one writer at a time:
there the figures appear only at the end (the page shows the job as running).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError

from dondoc.tasks.importers import staging
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import ImportJob, ImportState

log = logging.getLogger(__name__)

#: A job still ``running`` this long after it started is taken as lost (its worker died).
STALE_AFTER = dt.timedelta(minutes=30)
#: At most this often is progress written (seconds); the last figure is always written.
PROGRESS_INTERVAL = 0.5

REASON_QUEUE = gettext_noop("The job queue could not be reached; upload the file again.")
REASON_MISSING = gettext_noop("The uploaded file is no longer available; upload it again.")
REASON_REFUSED = gettext_noop("The file was refused; nothing was imported.")
REASON_ERROR = gettext_noop("The import stopped on an unexpected error; nothing was imported.")


def start_import(
    *, program, user, token: str, filename: str, options: dict, dry_run: bool = False
) -> ImportJob:
    """Record the job of importing (or, ``dry_run``, checking) the staged file ``token``;
    queue it after commit, or run it at once where jobs run in-process (tests, no worker)."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            program=program,
            user=user,
            token=token,
            filename=filename,
            options=options,
            dry_run=dry_run,
        )
    if run_import_job.app.conf.task_always_eager:  # no worker configured: run it here
        run_import(job.pk)
    else:
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(pk: int) -> None:
    try:
        run_import_job.apply_async(args=[pk])
    except (OperationalError, OSError):
        log.warning("import job %s not queued (broker unreachable)", pk)
        job = ImportJob.objects.get(pk=pk)
        if job.state == ImportState.QUEUED:
            _finish(job, ImportState.FAILED, reason=REASON_QUEUE)
            if not job.dry_run:
                staging.staged(job.token).unlink(missing_ok=True)


def import_options(options: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``import_file`` from a job's (JSON) options."""
    resolutions = {(kind, name): choice for kind, name, choice in options.get("resolutions") or ()}
    return {
        "columns": {key: int(i) for key, i in (options.get("columns") or {}).items()} or None,
        "directive": options.get("directive") or None,
        "resolutions": resolutions or None,
    }


def run_import(pk: int) -> ImportJob | None:
    """Run the job ``pk`` unless another run has it; None when there was nothing to run."""
    now = timezone.now()
    stale = Q(state=ImportState.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = (
        ImportJob.objects.filter(pk=pk)
        .filter(Q(state=ImportState.QUEUED) | stale)
        .update(state=ImportState.RUNNING, started_at=now)
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("program", "user").get(pk=pk)
    path = staging.staged(job.token)
    try:
        try:
            data = path.read_bytes()
        except OSError:
            return _finish(job, ImportState.FAILED, reason=REASON_MISSING)
        summary = import_file(
            data,
            filename=job.filename,
            program=job.program,
            by=job.user,
            dry_run=job.dry_run,
            progress=ProgressRecorder(job.pk),
            **import_options(job.options),
        )
    except Exception:
        log.exception("import job %s failed", pk)
        return _finish(job, ImportState.FAILED, reason=REASON_ERROR)
    finally:
        if not job.dry_run:
            path.unlink(missing_ok=True)
    refused = not job.dry_run and (not summary.ok or summary.needs_resolution)
    return _finish(
        job,
        ImportState.FAILED if refused else ImportState.DONE,
        summary=summary.as_json(),
        reason=REASON_REFUSED if refused else "",
    )


def _finish(job: ImportJob, state: str, *, summary=None, reason: str = "") -> ImportJob:
    job.state, job.reason, job.finished_at = state, reason, timezone.now()
    fields = ["state", "reason", "finished_at"]
    if summary is not None:
        job.summary = summary
        written = state == ImportState.DONE and summary.get("ok")
        job.done = job.total = len(summary.get("rows") or ()) if written else 0
        fields += ["summary", "done", "total"]
    job.save(update_fields=fields)
    return job


class ProgressRecorder:
    """The ``progress(done, total)`` callback of one job: writes the figures at most twice a
    second, outside the import's transaction."""

    def __init__(self, pk: int, interval: float = PROGRESS_INTERVAL) -> None:
        self.pk, self.interval, self.last = pk, interval, float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        record_progress(self.pk, done, total)


def record_progress(pk: int, done: int, total: int) -> None:
    def update() -> None:
        ImportJob.objects.filter(pk=pk).update(done=done, total=total)

    if not connection.in_atomic_block:
        update()
    elif connection.vendor != "sqlite":
        _on_own_connection(update)


def _on_own_connection(work: Callable[[], None]) -> None:
    """Run ``work`` on a connection of its own (a thread's), committed at once."""

    def run() -> None:
        try:
            work()
        except Exception:
            log.exception("import progress not recorded")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join()


@shared_task(bind=True, name="imports.run", acks_late=True, max_retries=0)
def run_import_job(self, pk: int) -> str:
    job = run_import(pk)
    return job.state if job else "skipped"

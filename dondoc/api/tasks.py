"""Tasks, their timeline, and the dashboard counts."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from dondoc.accounts.policy import can, own_task_agency, visible_tasks, visible_updates
from dondoc.api import schemas as s
from dondoc.api.items import task_items
from dondoc.api.serialize import (
    task_detail,
    task_detail_queryset,
    task_urls,
    update_item,
)
from dondoc.core.uploads import check_upload
from dondoc.tasks import reporting, services
from dondoc.tasks.filters import filtered_rows
from dondoc.tasks.models import Program, ProgressUpdate, Task, TaskAgency
from dondoc.tasks.programs import default_program
from dondoc.tasks.queries import (
    status_counts,
    tasks_as_of,
    with_late_against_original,
)

router = Router(tags=["tasks"])

MAX_LIMIT = 500
#: A client's key for one update: the same POST sent again returns the update it created.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")


class TaskFilters(Schema):
    as_of: s.ApiDate | None = Field(None, description="Status date (default: today).")
    program: s.QueryText = Field(None, description="Program code, e.g. NQ57 (default: the first).")
    status: list[s.StatusFilter] = Field(
        [], description="One or more statuses; 'open' = not completed nor cancelled."
    )
    group: s.IdFilter = Field(None, description="Solution group id.")
    lead: s.IdFilter = Field(None, description="Lead agency id.")
    agency: s.IdFilter = Field(
        None, description="Agency id in any role, including units merged into it."
    )
    member: s.IdFilter = Field(None, description="Supervising committee member id.")
    directive: s.IdFilter = Field(None, description="Directive id.")
    due_from: s.ApiDate | None = None
    due_to: s.ApiDate | None = None
    q: s.QueryText = Field(None, description="Text search, diacritics ignored ('dat hiem').")
    output: s.QueryText = Field(
        None, description="Text search in the expected output, diacritics ignored ('nghi dinh')."
    )
    output_kind: list[s.OutputKindFilter] = Field(
        [], description="One or more kinds of output (decree, decision, scheme, law...)."
    )
    late_against_original: bool = Field(
        False,
        description="Only tasks past their original deadline although within the one in force "
        "(changed, extended or restated by a later document).",
    )
    sort: s.TaskSort = "deadline"
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: s.Offset = 0


def filter_params(filters: TaskFilters) -> dict[str, str | list[str]]:
    """The validated filters in the form ``dondoc.tasks.filters.filter_tasks`` reads."""
    params: dict[str, str | list[str]] = {}
    for name, value in filters.dict(exclude={"limit", "offset"}).items():
        if value is None or value == [] or value == "" or value is False:
            continue
        if isinstance(value, list):
            params[name] = [str(v) for v in value]
        elif isinstance(value, dt.date):
            params[name] = value.isoformat()
        else:
            params[name] = str(value)
    return params


def as_of_or_today(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()


def get_task_for_user(request: HttpRequest, pk: int) -> Task:
    """The task, or 404 when it does not exist or lies outside the user's scope."""
    agencies = Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("org_unit"))
    return get_object_or_404(
        visible_tasks(request.user, Task.objects.prefetch_related(agencies)), pk=pk
    )


@router.get("/tasks", response=s.TaskPage, summary="List tasks with their status as of a date")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    if not can(request.user, "task.view"):
        raise HttpError(403, "You may not view tasks.")
    # The rows as plain values (the statuses from the maintained status spans), each item
    # written from them and from one query for the page's relations (``items.task_items``):
    # no model objects, nor the ``TaskRow`` objects the pages read.
    url = task_urls(request.build_absolute_uri)
    _qs, state, items, count = filtered_rows(
        request.user,
        filter_params(filters),
        filters.offset,
        filters.limit,
        annotations=("closure_on_as_of",),
        relate=lambda values: task_items(values, url),
    )
    # The program the filters read (``choose_program``): another one when the code names none.
    if filters.program and (state.program is None or state.program.code != filters.program):
        raise HttpError(404, f"No program with code {filters.program!r}.")
    # The items are written to the shape of ``s.TaskItem`` (a test holds them to the schema,
    # another to the bytes of the model objects' items): validating 50 items again on every
    # request cost more than the page's SQL.
    from dondoc.api.api import api

    return api.create_response(request, {"count": count, "items": items}, status=200)


@router.get("/tasks/{task_id}", response=s.TaskDetail, summary="A task with its timeline")
def get_task(request: HttpRequest, task_id: int, as_of: Query[s.ApiDate | None] = None):
    get_task_for_user(request, task_id)
    day = as_of_or_today(as_of)
    task = task_detail_queryset(
        with_late_against_original(Task.objects.filter(pk=task_id), day), request.user
    ).get()
    return task_detail(task, request.build_absolute_uri)


@router.post(
    "/tasks/{task_id}/updates",
    response={
        201: s.UpdateOut,
        400: s.ErrorOut,
        403: s.ErrorOut,
        404: s.ErrorOut,
        409: s.ErrorOut,
    },
    summary="Post a progress update (optionally completing, cancelling or reopening)",
    description="An agency's update is a draft of the agency until its head approves it. "
    "Send an Idempotency-Key header to post safely twice: the same key returns the same update.",
)
def post_task_update(request: HttpRequest, task_id: int, payload: s.UpdateIn):
    task = get_task_for_user(request, task_id)
    if not can(request.user, "task.post_update", task):
        raise HttpError(403, "You may not post updates on this task.")
    if task.merged_into_id is not None:  # as on the task page: its timeline moved on
        raise HttpError(
            409, f"This task was merged into task {task.merged_into_id}; post the update there."
        )
    if payload.status_change and not can(request.user, "task.set_status", task):
        raise HttpError(
            403,
            "Only the Standing Office and the Working Group may complete, cancel or reopen "
            "a task; post the update without status_change.",
        )
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise HttpError(400, "Idempotency-Key: 8 to 40 letters, digits, '-' or '_'.")
    update, _created = reporting.record_update(
        task,
        by=request.user,
        text=payload.text,
        reported_on=payload.reported_on,
        agency=own_task_agency(request.user, task),
        status_change=payload.status_change or "",
        effective_on=payload.effective_on,
        form_token=key or None,
    )
    update = ProgressUpdate.objects.select_related("author", "agency", "source").get(pk=update.pk)
    return Reply(201, update_item(update, request.build_absolute_uri))


@router.post(
    "/tasks/{task_id}/updates/{update_id}/attachments",
    response={201: s.UpdateOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut},
    summary="Attach evidence files to a draft progress update (multipart, field 'files')",
)
def attach_files(
    request: HttpRequest, task_id: int, update_id: int, files: File[list[UploadedFile]]
):
    task = get_task_for_user(request, task_id)
    update = get_object_or_404(
        visible_updates(request.user, ProgressUpdate.objects.all()), pk=update_id, task=task
    )
    if not can(request.user, "task.post_update", task):
        raise HttpError(403, "You may not add evidence to this task.")
    if update.author_id != request.user.pk and not can(request.user, "task.edit", task):
        raise HttpError(403, "Only the author of an update may add evidence to it.")
    if not update.is_draft:
        # A published entry is never edited: its evidence goes with a dated correction.
        raise HttpError(409, "This update is published; post a correction with the evidence.")
    incoming, problems = [], []
    for upload in files:
        checked, errors = check_upload(upload, upload.name or "file")
        problems.extend(errors)
        if checked is not None:
            incoming.append(services.IncomingFile(upload, checked))
    if problems:
        return Reply(
            422,
            {
                "detail": "Some files were refused; nothing was stored.",
                "errors": [{"loc": ["files"], "field": "files", "msg": str(p)} for p in problems],
            },
        )
    with transaction.atomic():
        services.add_attachments(update, files=incoming, by=request.user)
    update = (
        ProgressUpdate.objects.select_related("author", "agency", "source")
        .prefetch_related("attachments")
        .get(pk=update.pk)
    )
    return Reply(201, update_item(update, request.build_absolute_uri))


@router.get("/dashboard", response=s.DashboardOut, tags=["dashboard"], summary="Status counts")
def dashboard(
    request: HttpRequest,
    as_of: Query[s.ApiDate | None] = None,
    program: Query[s.QueryText] = None,
):
    if not can(request.user, "dashboard.view"):
        raise HttpError(403, "You may not view the dashboard.")
    day = as_of_or_today(as_of)
    queryset = visible_tasks(request.user, tasks_as_of(day))
    # One program, as the task list: the one named, else the first (the web dashboard's).
    chosen = get_object_or_404(Program, code=program) if program else default_program()
    if chosen is not None:
        queryset = queryset.filter(program=chosen)
    counts = status_counts(queryset, day)
    return {
        "as_of": day,
        "program": chosen.code if chosen is not None else None,
        **{k: v for k, v in counts.items() if k != "by_status"},
        "by_status": {str(k): v for k, v in counts["by_status"].items()},
    }

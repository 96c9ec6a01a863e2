"""Explanations for late tasks: the agency's reply and the decision, as on the task page.

Both are checked transitions (``dondoc.core.transitions``): a request decided meanwhile, or
changed since the ``version`` the client read, answers 409 with the reason in ``detail``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import Field

from dondoc.accounts.policy import can
from dondoc.api import schemas as s
from dondoc.api.tasks import get_task_for_user
from dondoc.followups import services
from dondoc.followups.models import ExplanationRequest

router = Router(tags=["explanations"])

CONFLICT = {403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}


class ExplanationOut(Schema):
    id: int
    task_id: int
    agency: str
    state: str
    version: int = Field(description="Send it back as `version` to act only on what you read.")
    reply_due_on: dt.date
    reason: str
    proposed_due_on: dt.date | None
    decision_note: str


class ReplyIn(Schema):
    reason: str = Field(min_length=1, max_length=10000)
    proposed_due_on: s.ApiDate | None = None
    version: int | None = Field(None, ge=0, description="The version the reply answers.")


class DecisionIn(Schema):
    decision: Literal["grant", "refuse"]
    new_due_on: s.ApiDate | None = Field(None, description="Required to grant.")
    note: str = Field("", max_length=5000)
    version: int | None = Field(None, ge=0, description="The version the decision was made on.")


def _out(found: ExplanationRequest) -> dict:
    return {
        "id": found.pk,
        "task_id": found.task_id,
        "agency": str(found.agency),
        "state": found.state,
        "version": found.version,
        "reply_due_on": found.reply_due_on,
        "reason": found.reason,
        "proposed_due_on": found.proposed_due_on,
        "decision_note": found.decision_note,
    }


def _get(request: HttpRequest, explanation_id: int) -> ExplanationRequest:
    found = get_object_or_404(
        ExplanationRequest.objects.select_related("agency"), pk=explanation_id
    )
    found.task = get_task_for_user(request, found.task_id)  # 404 outside the caller's scope
    return found


@router.post(
    "/explanations/{explanation_id}/reply",
    response={200: ExplanationOut, **CONFLICT},
    summary="The agency explains a late task (409 when decided meanwhile)",
)
def reply(request: HttpRequest, explanation_id: int, payload: ReplyIn):
    found = _get(request, explanation_id)
    if not can(request.user, "explanation.reply", found):
        raise HttpError(403, "Only the agency asked may explain.")
    if payload.reason.strip() == "":
        raise HttpError(422, "reason: give the reason for the delay.")
    services.reply_explanation(
        found,
        by=request.user,
        reason=payload.reason,
        proposed_due_on=payload.proposed_due_on,
        expected_version=payload.version,
    )
    return Reply(200, _out(found))


@router.post(
    "/explanations/{explanation_id}/decision",
    response={200: ExplanationOut, **CONFLICT},
    summary="Grant an extension or refuse it (409 when decided or changed meanwhile)",
)
def decide(request: HttpRequest, explanation_id: int, payload: DecisionIn):
    found = _get(request, explanation_id)
    task = found.task
    if not can(request.user, "extension.grant", task):
        raise HttpError(403, "Only the Standing Office and the Working Group decide.")
    if payload.decision == "grant":
        if payload.new_due_on is None:
            raise HttpError(422, "new_due_on: give the new deadline.")
        in_force = services.due_in_force(task)
        if in_force is None or payload.new_due_on <= in_force:
            raise HttpError(422, "new_due_on: the new deadline must be after the one in force.")
        services.grant_extension(
            task,
            by=request.user,
            new_due_on=payload.new_due_on,
            reason=payload.note,
            request=found,
            expected_version=payload.version,
        )
    else:
        services.refuse_extension(
            found, by=request.user, note=payload.note, expected_version=payload.version
        )
    return Reply(200, _out(found))

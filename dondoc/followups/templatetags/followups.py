"""The follow-up panel of the task page: explanations requested, answers, extensions.

``{% followups_panel task as panel %}`` gathers what the panel shows and which actions the
signed-in user may take (answers come from ``dondoc.accounts.policy``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from dondoc.accounts.policy import can
from dondoc.followups.forms import DecisionForm, ExtensionForm, ReplyForm, RequestForm
from dondoc.tasks.status import Closure, Status, status_as_of

register = template.Library()


def _original_status(task: Any, today) -> Status | None:
    kind = getattr(task, "closure_kind_as_of", None) or task.closure_kind
    closure = None
    if kind in ("completed", "cancelled"):
        effective = getattr(task, "closure_on_as_of", None) or task.closure_on or today
        closure = Closure(kind, effective, today)
    try:
        return status_as_of(
            as_of=today, deadline_kind=task.deadline_kind, due=task.due_on, closure=closure
        )
    except ValueError:
        return None


@register.simple_tag(takes_context=True)
def followups_panel(context: dict[str, Any], task: Any) -> dict[str, Any] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    # The task page knows whether there is anything to read (``has_...``, see
    # ``tasks.views._probes``); elsewhere the panel asks.
    requests = (
        list(
            task.explanation_requests.select_related(
                "agency", "requested_by", "replied_by", "decided_by"
            ).order_by("-requested_at", "-pk")
        )
        if getattr(task, "has_explanations", True)
        else []
    )
    extensions = (
        list(task.deadline_extensions.select_related("granted_by").order_by("granted_on", "pk"))
        if getattr(task, "has_extensions", True)
        else []
    )
    in_force = [e for e in extensions if e.granted_on <= today]
    current = in_force[-1] if in_force else None
    has_leads = any(ta.role == "lead" for ta in task.task_agencies.all())
    open_task = task.merged_into_id is None and task.closure_kind not in ("completed", "cancelled")
    may_request = open_task and task.due_on and has_leads and can(user, "explanation.request", task)
    may_grant = open_task and task.due_on and can(user, "extension.grant", task)
    items = []
    for req in requests:
        may_reply = req.is_open and can(user, "explanation.reply", req)
        may_decide = req.is_open and may_grant
        items.append(
            {
                "req": req,
                "may_reply": may_reply,
                "reply_form": ReplyForm(
                    auto_id=f"id_reply{req.pk}_%s", initial={"version": req.version}
                )
                if may_reply
                else None,
                "may_decide": may_decide,
                "decide_form": DecisionForm(
                    task=task,
                    auto_id=f"id_decide{req.pk}_%s",
                    initial={
                        "new_due_on": req.proposed_due_on,
                        "decision": "grant",
                        "version": req.version,
                    },
                )
                if may_decide
                else None,
            }
        )
    if not (items or extensions or may_request or may_grant):
        return None
    return {
        "items": items,
        "extensions": extensions,
        "current": current,
        "original_status": _original_status(task, today) if current else None,
        "request_form": RequestForm(task=task, auto_id="id_explain_%s") if may_request else None,
        "extension_form": ExtensionForm(
            task=task,
            auto_id="id_extend_%s",
            initial={"version": max((e.pk for e in extensions), default=0)},
        )
        if may_grant
        else None,
    }

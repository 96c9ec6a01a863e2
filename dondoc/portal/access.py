"""Who sees which submission, the program the portal serves, and triage suggestions.

The Standing Office and the Working Group see every submission; an agency's reporters and
head see the ones sent to their agency (or to a unit merged into it); nobody else sees any.
Outside that scope a submission does not exist (404).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from dondoc.accounts.policy import Scope, can, scope_of, user_org_ids
from dondoc.portal.models import Submission
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.models import AgencyRole, Program, TaskAgency


def portal_program() -> Program | None:
    """The program named by ``DONDOC_PORTAL_PROGRAM``, else the first one."""
    programs = Program.objects.order_by("pk")
    if settings.DONDOC_PORTAL_PROGRAM:
        return programs.filter(code=settings.DONDOC_PORTAL_PROGRAM).first()
    return programs.first()


def visible_submissions(user: Any, queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    scope = scope_of(user, "portal.view")
    if scope is None:
        return queryset.none()
    if scope is Scope.ALL:
        return queryset
    return queryset.filter(routed_to_id__in=user_org_ids(user))


def may_view(user: Any, submission: Submission) -> bool:
    return can(user, "portal.view", submission)


def get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    """The submission, or 403 for a role without the portal, 404 outside the user's scope."""
    if not can(request.user, "portal.view"):
        raise PermissionDenied
    found = (
        visible_submissions(request.user, Submission.objects.filter(pk=pk))
        .select_related("routed_to", "group", "program", "answered_by", "duplicate_of", "task")
        .first()
    )
    if found is None:
        raise Http404
    return found


def suggestions(submission: Submission) -> tuple[Any, Any]:
    """(solution group, agency) suggested from the text; either may be None.

    The group comes from the program's keywords (``tasks/grouping.py``); the agency is the
    one that leads most of the program's tasks in that group, else the one this group's
    earlier submissions were most often sent to.
    """
    text = " ".join([submission.title, submission.description, submission.field])
    group = suggest_group(text, group_keywords(submission.program))
    target = group or submission.group
    if target is None:
        return group, None
    leads = Counter(
        TaskAgency.objects.filter(
            task__group=target, role=AgencyRole.LEAD, org_unit__valid_to__isnull=True
        ).values_list("org_unit_id", flat=True)
    )
    if not leads:
        leads = Counter(
            Submission.objects.filter(group=target, routed_to__isnull=False).values_list(
                "routed_to_id", flat=True
            )
        )
    if not leads:
        return group, None
    from dondoc.orgs.models import OrgUnit

    return group, OrgUnit.objects.filter(pk=leads.most_common(1)[0][0]).first()

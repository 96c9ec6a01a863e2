"""Who may see or change what: the one permission table of Đôn đốc.

Views, API endpoints, exports and the admin ask ``can(user, action, obj)``; lists are narrowed
with ``visible_tasks(user, queryset)``. Templates only display the answers. A role either holds
an action everywhere (``ALL``), only for objects of its own organisation units (``OWN``), or not
at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from dondoc.accounts.models import Role

if TYPE_CHECKING:
    from dondoc.accounts.models import User


class Scope(Enum):
    ALL = "all"
    OWN = "own"  # objects of the user's organisation units (and units merged into them)


_SO, _TR, _ME, _RE, _HE, _OB = (
    Role.STANDING_OFFICE,
    Role.TRACKER,
    Role.MEMBER,
    Role.REPORTER,
    Role.AGENCY_HEAD,
    Role.OBSERVER,
)
ALL, OWN = Scope.ALL, Scope.OWN

#: action -> {role: scope}. A role missing from an action's row is denied.
PERMISSIONS: dict[str, dict[str, Scope]] = {
    "dashboard.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "task.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "task.export": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "task.post_update": {_SO: ALL, _TR: ALL, _RE: OWN, _HE: OWN},
    # A progress update is a draft of its agency until the head approves it; its own agency
    # sees it, nobody else does (``visible_updates``).
    "update.view_draft": {_RE: OWN, _HE: OWN},
    "update.publish": {_SO: ALL, _TR: ALL, _HE: OWN},  # without anyone else's approval
    "update.approve": {_HE: OWN},  # the agency head approves the agency's drafts
    "task.set_status": {_SO: ALL, _TR: ALL},  # only they record "completed" or "cancelled"
    "task.edit": {_SO: ALL, _TR: ALL},
    # Task management in the app: each change dated, attributed and with its reason.
    "task.create": {_SO: ALL, _TR: ALL},
    "task.reassign": {_SO: ALL, _TR: ALL},
    "task.change_deadline": {_SO: ALL, _TR: ALL},
    "task.split": {_SO: ALL, _TR: ALL},
    "task.merge": {_SO: ALL, _TR: ALL},
    "task.history": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "duplicate.review": {_SO: ALL, _TR: ALL},
    "directive.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    # Reading a directive's text into proposed tasks, reviewing and accepting them.
    "directive.read": {_SO: ALL, _TR: ALL},
    "org.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    "member.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    "import.run": {_SO: ALL},
    "admin.access": {},  # superusers only: see SUPERUSER_ONLY
    # Reporting rounds (kỳ báo cáo), submissions and review, action plans, scorecards.
    "round.open": {_SO: ALL},
    "round.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "round.dashboard": {_SO: ALL, _TR: ALL, _ME: ALL, _OB: ALL},
    "round.chase": {_SO: ALL, _TR: ALL},  # notify the agencies that have not reported
    "submission.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "submission.view_draft": {_SO: ALL, _TR: ALL, _RE: OWN, _HE: OWN},  # nobody else's drafts
    "submission.prepare": {_RE: OWN, _HE: OWN},
    "submission.submit": {_HE: OWN},  # the agency head approves and submits
    "submission.resubmit": {_RE: OWN, _HE: OWN},  # a returned report, fixed, back to the head
    "submission.home": {_RE: OWN, _HE: OWN},  # the reporter's and head's to-do
    "submission.grid": {_RE: OWN, _HE: OWN},  # every task of the agency in one screen
    "submission.review": {_SO: ALL, _TR: ALL},
    "submission.reopen": {_SO: ALL},  # after the lock date, only the Standing Office
    "actionplan.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    "actionplan.edit": {_SO: ALL, _RE: OWN, _HE: OWN},
    "scorecard.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "agency_dashboard.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    # Notifications, explanations (giải trình) and extensions, account security, audit.
    "notification.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},  # own
    "explanation.request": {_SO: ALL, _TR: ALL},
    "explanation.reply": {_RE: OWN, _HE: OWN},  # the agency asked to explain
    "explanation.list": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    "extension.grant": {_SO: ALL, _TR: ALL},
    "account.tokens": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},  # own
    "account.two_factor": {_SO: ALL, _TR: ALL},
    "audit.view": {_SO: ALL},
    # People and organisation units, managed in the application (the admin is superusers').
    "user.manage": {_SO: ALL},
    "org.manage": {_SO: ALL},
    # Programs (chương trình) and their solution groups: everybody signed in reads the active
    # ones; the Standing Office creates, edits and archives them (and sees the archived ones).
    "program.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    "program.manage": {_SO: ALL},
    # Reports (báo cáo): the quarterly report, its files, and one-page briefs.
    "report.view": {_SO: ALL, _TR: ALL, _ME: ALL, _OB: ALL},
    "report.generate": {_SO: ALL, _TR: ALL},
    "brief.member": {_SO: ALL, _TR: ALL, _ME: ALL, _OB: ALL},
    # The indicator set (bộ chỉ số): every signed-in user reads the catalogue and its values.
    "indicator.view": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: ALL, _HE: ALL, _OB: ALL},
    # Collection of values (DHIS2's data entry and approval): the agency's reporter saves
    # drafts, its head submits them, the Working Group or the Standing Office approves them or
    # returns them with a comment. Another agency's values do not exist for the user (404).
    "indicator.enter": {_SO: ALL, _RE: OWN, _HE: OWN},
    "indicator.submit": {_SO: ALL, _HE: OWN},
    "indicator.approve": {_SO: ALL, _TR: ALL},
    # Progress of the indicator set: the Standing Office overrides a status (with a reason) and
    # changes the weights of the composite score (dated, so old scores stay reproducible).
    "indicator.override_status": {_SO: ALL},
    "indicator.change_weight": {_SO: ALL},
    # Which indicators the public progress page shows (công khai): the Standing Office decides.
    "indicator.publish": {_SO: ALL},
    # The catalogue itself (danh mục chỉ tiêu) imported from its authors' table: the Standing
    # Office only, as for tasks.
    "indicator.import": {_SO: ALL},
    "brief.agency": {_SO: ALL, _TR: ALL, _ME: ALL, _RE: OWN, _HE: OWN, _OB: ALL},
    # The public portal's back office (cổng góp ý): the Standing Office triages, routes,
    # moderates and publishes; an agency sees and answers what was sent to it. Submitters'
    # contact details are personal data: members and observers see only what is published.
    "portal.view": {_SO: ALL, _TR: ALL, _RE: OWN, _HE: OWN},
    "portal.triage": {_SO: ALL, _TR: ALL},
    "portal.answer": {_SO: ALL, _TR: ALL, _RE: OWN, _HE: OWN},
}

#: Actions a province holds for its communes and wards (xã, phường): a commune seldom has an
#: account, so the province's reporter enters its communes' indicator values and its head
#: submits them; a commune that has an account acts for itself as any agency does.
PROVINCE_ANSWERS_FOR_COMMUNES = frozenset({"indicator.enter", "indicator.submit"})

#: Actions held by superusers alone, whatever their role: the raw Django admin, where a slip
#: changes reference data with no check of the application's rules. People and organisation
#: units are managed in the application's own pages.
SUPERUSER_ONLY = frozenset({"admin.access"})


def role_of(user: User | Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.STANDING_OFFICE
    return user.role


def scope_of(user: User | Any, action: str) -> Scope | None:
    """The scope in which ``user`` holds ``action``, or None when denied."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    role = role_of(user)
    if role is None:
        return None
    if action in SUPERUSER_ONLY:
        return ALL if user.is_superuser else None
    return PERMISSIONS[action].get(role)


class Permissions:
    """``can(user, action)`` without an object, for many actions of one user: the user's role
    and superuser flag are read once, and each action is one look-up in the table. The page
    chrome asks a dozen of these on every page (``accounts.chrome``)."""

    __slots__ = ("role", "superuser")

    def __init__(self, user: User | Any) -> None:
        self.role = role_of(user)
        self.superuser = self.role is not None and bool(user.is_superuser)

    def may(self, action: str) -> bool:
        """``can(user, action)``: does the user hold ``action`` in any scope?"""
        roles = PERMISSIONS[action]  # an unknown action raises, as ``scope_of`` does
        if self.role is None:
            return False
        if action in SUPERUSER_ONLY:
            return self.superuser
        return self.role in roles


def user_org_ids(user: User) -> set[int]:
    """The user's organisation units and every unit merged into them (lineage).

    Read once per request (kept on the user object) in one query when no unit was merged into
    the user's units: the units with their kind and dates, and whether anything was merged into
    each; the lineage and the merged units' rows only when something was. The rows serve
    ``user_group_ids`` without reading the units again."""
    cached = getattr(user, "_dondoc_org_ids", None)
    if cached is not None:
        return cached
    from django.db.models import Exists, OuterRef

    from dondoc.orgs.models import OrgUnit, lineages
    from dondoc.tasks.collective import unit_rows

    merged_into = OrgUnit.objects.filter(successor_id=OuterRef("pk")).exclude(pk=OuterRef("pk"))
    rows, merged = {}, []
    for pk, kind, valid_from, valid_to, has_merged in (
        OrgUnit.objects.filter(users=user)
        .order_by()
        .annotate(has_merged=Exists(merged_into))
        .values_list("pk", "kind", "valid_from", "valid_to", "has_merged")
    ):
        rows[pk] = (pk, kind, valid_from, valid_to)
        if has_merged:
            merged.append(pk)
    found: dict[int, set[int]] = {pk: {pk} for pk in rows}
    if merged:
        found.update(lineages(merged))
        extra = set().union(*found.values()) - rows.keys()
        rows.update((row[0], row) for row in unit_rows(extra))
    ids: set[int] = set().union(*found.values()) if found else set()
    user._dondoc_lineages = found
    user._dondoc_unit_rows = [rows[pk] for pk in ids if pk in rows]
    user._dondoc_org_ids = ids
    return ids


def lineage_of(user: User, unit: Any) -> set[int]:
    """``unit.lineage_ids()``, read once per request when ``unit`` is one of the user's own
    units (``user_org_ids`` read it already)."""
    user_org_ids(user)
    known = getattr(user, "_dondoc_lineages", {}).get(unit.pk)
    return set(known) if known is not None else unit.lineage_ids()


def _group_rows(user: User) -> list:
    """Every group's kinds and explicit members, read once per request."""
    rows = getattr(user, "_dondoc_group_rows", None)
    if rows is None:
        from dondoc.tasks.collective import group_rows

        rows = user._dondoc_group_rows = group_rows()
    return rows


def user_group_ids(user: User) -> set[int]:
    """The collective agencies ("Các tỉnh, thành phố") the user's units are members of."""
    cached = getattr(user, "_dondoc_group_ids", None)
    if cached is not None:
        return cached
    from dondoc.tasks.collective import group_ids_from

    user_org_ids(user)
    ids = group_ids_from(user._dondoc_unit_rows, lambda: _group_rows(user))
    user._dondoc_group_ids = ids
    return ids


def group_ids_on(user: User, unit_ids: set[int], on: Any) -> set[int]:
    """``collective.group_ids_of(unit_ids, on)`` for some of the user's own units, from the
    rows this request read already (read as that function does for any other unit)."""
    from dondoc.tasks.collective import group_ids_from, group_ids_of

    own = user_org_ids(user)
    if not unit_ids <= own:
        return group_ids_of(unit_ids, on)
    rows = [row for row in user._dondoc_unit_rows if row[0] in unit_ids]
    return group_ids_from(rows, lambda: _group_rows(user), on)


def _task_is_own(user: User, task: Any) -> bool:
    own = user_org_ids(user)
    if any(ta.org_unit_id in own for ta in task.task_agencies.all()):
        return True
    groups = user_group_ids(user)
    return bool(groups) and any(tg.group_id in groups for tg in task.task_groups.all())


def own_task_agency(user: User, task: Any) -> Any:
    """The first of the task's agencies that is the user's own unit (or merged into it), or
    None: the agency a progress update of this user speaks for. For a task of a collective
    agency, the user's own unit that is a member of it (the one valid today first)."""
    own = user_org_ids(user)
    direct = next((ta.org_unit for ta in task.task_agencies.all() if ta.org_unit_id in own), None)
    if direct is not None or not user_group_ids(user):
        return direct
    from django.utils import timezone

    from dondoc.orgs.models import OrgUnit
    from dondoc.tasks.collective import member_agency

    today = timezone.localdate()
    units = sorted(OrgUnit.objects.filter(users=user), key=lambda u: not u.is_valid_on(today))
    return member_agency(task, units)


def can(user: User | Any, action: str, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` (on ``obj`` when given)?"""
    scope = scope_of(user, action)
    if scope is None:
        return False
    if scope is Scope.ALL or obj is None:
        return True
    from dondoc.tasks.models import ProgressUpdate, Task

    if isinstance(obj, ProgressUpdate):
        obj = obj.task
    if isinstance(obj, Task):
        return _task_is_own(user, obj)
    from dondoc.orgs.models import OrgUnit

    if isinstance(obj, OrgUnit):
        own = user_org_ids(user)
        if obj.pk in own:
            return True
        return (
            action in PROVINCE_ANSWERS_FOR_COMMUNES
            and obj.kind == "commune"
            and obj.parent_id in own
        )
    owners = getattr(obj, "policy_org_ids", None)  # rounds, submissions, action plans
    if owners is not None:
        return not user_org_ids(user).isdisjoint(owners())
    return False


def agency_holders(action: str, unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """For each unit, the active users who hold ``action`` over its objects as its own
    (scope ``OWN``): members of the unit or of a unit it was merged into, whose
    ``user_org_ids`` include it. Those who hold ``action`` everywhere (the Standing Office)
    are not the agency and are not listed. Who is told of an agency's object asks this, so
    that nobody is told of what ``can`` would not show them; a few queries for any number of
    units."""
    from dondoc.accounts.models import Membership
    from dondoc.orgs.models import OrgUnit

    roles = [role for role, scope in PERMISSIONS[action].items() if scope is OWN]
    # Each unit's successors: their members see the unit's objects through their lineage.
    chain: dict[int, set[int]] = {pk: {pk} for pk in unit_ids}
    successor: dict[int, int] = {}
    seen = frontier = set(chain)
    while frontier:
        found = dict(
            OrgUnit.objects.filter(pk__in=frontier, successor__isnull=False).values_list(
                "pk", "successor_id"
            )
        )
        successor.update(found)
        frontier = set(found.values()) - seen
        seen = seen | frontier
    for pk, units in chain.items():
        current = pk
        while current in successor and successor[current] not in units:
            current = successor[current]
            units.add(current)
    wanted = set().union(*chain.values()) if chain else set()
    members: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(
            org_unit_id__in=wanted, user__is_active=True, user__role__in=roles
        )
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        if scope_of(membership.user, action) is OWN:
            members.setdefault(membership.org_unit_id, []).append(membership.user)
    return {
        pk: list({u.pk: u for unit in sorted(units) for u in members.get(unit, [])}.values())
        for pk, units in chain.items()
    }


def indicator_units(user: User | Any, field: str = "org_unit") -> Q:
    """The values whose unit (``field``) the user answers for in collection: the user's own
    units (and those merged into them), and the communes of the user's provinces. A province
    sees and writes only its own communes' values, never another province's."""
    own = user_org_ids(user)
    return Q(**{f"{field}_id__in": own}) | Q(
        **{f"{field}__kind": "commune", f"{field}__parent_id__in": own}
    )


def visible_tasks(user: User | Any, queryset: QuerySet) -> QuerySet:
    """Narrow a Task queryset to what ``user`` may see."""
    scope = scope_of(user, "task.view")
    if scope is None:
        return queryset.none()
    if scope is Scope.ALL:
        return queryset
    from dondoc.tasks.collective import involving

    return queryset.filter(involving(user_org_ids(user), group_ids=user_group_ids(user)))


def task_visibility_key(user: User | Any) -> tuple:
    """What ``visible_tasks`` narrows by for ``user``, as a value: users with equal keys see
    the same tasks, so a statement written for one (``tasks.statements``) serves the other.
    Follows ``visible_tasks`` line for line."""
    scope = scope_of(user, "task.view")
    if scope is None:
        return ("none",)
    if scope is Scope.ALL:
        return ("all",)
    return ("own", tuple(sorted(user_org_ids(user))), tuple(sorted(user_group_ids(user))))


def visible_updates(user: User | Any, queryset: QuerySet) -> QuerySet:
    """Narrow a ProgressUpdate queryset to what ``user`` may read: the published record, plus
    the drafts of the user's own agencies. Every reader of the timeline goes through this (or
    through ``ProgressUpdate.objects.published()`` when it speaks for nobody in particular:
    exports, reports, status)."""
    from django.db.models import Q

    from dondoc.tasks.models import PUBLISHED_STATES, UpdateState

    published = Q(state__in=PUBLISHED_STATES)
    if scope_of(user, "update.view_draft") is None:
        return queryset.filter(published)
    own = Q(state=UpdateState.DRAFT, agency_id__in=user_org_ids(user))
    return queryset.filter(published | own)


def update_visibility_key(user: User | Any) -> tuple:
    """What ``visible_updates`` narrows by for ``user``, as a value (as
    ``task_visibility_key``). Follows ``visible_updates`` line for line."""
    if scope_of(user, "update.view_draft") is None:
        return ("published",)
    return ("own drafts", tuple(sorted(user_org_ids(user))))


def may_see_update(user: User | Any, update: Any) -> bool:
    """``visible_updates`` for one update already in hand."""
    if update.is_published:
        return True
    return (
        update.is_draft
        and scope_of(user, "update.view_draft") is not None
        and update.agency_id in user_org_ids(user)
    )


def narrowed_to(user: User | Any) -> list | None:
    """The user's own organisation units when their task figures count only the tasks they
    may see (``visible_tasks`` narrows them), None when they see every task. Pages say so
    next to a narrowed figure."""
    if scope_of(user, "task.view") is not Scope.OWN:
        return None
    from dondoc.core.collation import vi_order
    from dondoc.orgs.models import OrgUnit

    return list(OrgUnit.objects.filter(users=user).order_by(vi_order("name")))

"""Writes about people: invite, edit role and agency, deactivate, reset the second factor.

The Standing Office manages accounts here (through ``people_views``), not in the Django admin.
Each change is one transaction, attributed to who made it, with a reason in the user's change
history. The invitation e-mail leaves only once the account is committed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts import mail
from dondoc.accounts.models import Membership, User, agency_problem


class StaleEdit(Exception):
    """The account changed after the form was loaded: the edit would undo that change."""


#: ``update_person(committee_member=KEEP)``: the account's link is left as it is.
KEEP = object()


def version_of(user: User) -> str:
    """A mark that changes whenever the account or its memberships change (form versions)."""
    own = user.history.order_by("-history_id").values_list("history_id", flat=True).first()
    units = (
        Membership.history.filter(user_id=user.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return f"{own or 0}.{units or 0}"


def _save(user: User, by: Any, reason: str, **kwargs: Any) -> None:
    user._history_user = by
    user._change_reason = reason
    user.save(**kwargs)


def _set_agency(user: User, agency: Any, by: Any) -> None:
    """Make ``agency`` the user's unit (none when None). A user who already belongs to it keeps
    any other units they belong to."""
    current = list(Membership.objects.filter(user=user))
    if agency is not None and any(m.org_unit_id == agency.pk for m in current):
        return
    for membership in current:
        membership._history_user = by
        membership.delete()
    if agency is not None:
        membership = Membership(user=user, org_unit=agency)
        membership._history_user = by
        membership.save()


def find_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


@transaction.atomic
def invite_user(
    *, email: str, full_name: str, role: str, agency: Any, by: Any, committee_member: Any = None
) -> User:
    """Open an account for ``email`` with its role and agency, and send the invitation (after
    the commit). The person chooses their password through the link; until then the account
    has no usable password."""
    problem = agency_problem(role, 0 if agency is None else 1)
    assert problem is None, problem
    email = email.strip().lower()
    user = User(
        username=email,
        email=email,
        full_name=full_name.strip(),
        role=role,
        committee_member=committee_member,
    )
    user.set_unusable_password()
    _save(user, by, gettext_noop("invited"))
    _set_agency(user, agency, by)
    transaction.on_commit(lambda: mail.send_invitation(user, invited_by=by))
    return user


@transaction.atomic
def invite_again(user: User, *, by: Any) -> None:
    """A new invitation link for someone who has not chosen a password yet."""
    assert not user.has_usable_password()
    transaction.on_commit(lambda: mail.send_invitation(user, invited_by=by))


@transaction.atomic
def update_person(
    user: User,
    *,
    full_name: str,
    role: str,
    agency: Any,
    by: Any,
    version: str | None = None,
    committee_member: Any = KEEP,
) -> User:
    """Change name, role and agency, and the committee member the account follows (kept when
    not given). With ``version`` (from ``version_of`` when the form was loaded), refuse with
    ``StaleEdit`` if somebody changed the account since."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if version is not None and version != version_of(user):
        raise StaleEdit
    problem = agency_problem(role, 0 if agency is None else 1)
    assert problem is None, problem
    user.full_name, user.role = full_name.strip(), role
    if committee_member is not KEEP:
        user.committee_member = committee_member
    _save(user, by, gettext_noop("role or agency changed"))
    _set_agency(user, agency, by)
    return user


@transaction.atomic
def set_active(user: User, *, active: bool, by: Any) -> User:
    """Deactivate (the account's sessions and API tokens stop working at once) or
    reactivate an account."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        _save(user, by, gettext_noop("reactivated") if active else gettext_noop("deactivated"))
    return user


@transaction.atomic
def reset_second_factor(user: User, *, by: Any) -> bool:
    """Remove the user's TOTP devices (a lost phone): they sign in with the password alone and
    may set up a new device. False when there was none."""
    user = User.objects.select_for_update().get(pk=user.pk)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        _save(user, by, gettext_noop("second factor reset"))
    return bool(removed)

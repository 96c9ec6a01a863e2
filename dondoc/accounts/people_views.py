"""The people pages of the Standing Office: list, invite, edit, deactivate, reset the second
factor; and the page where an invited person chooses a password.

Every view asks ``can(user, "user.manage")``. Superusers' accounts are managed only by
superusers (in the admin or here): the Standing Office sees them but cannot change them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts import people
from dondoc.accounts.invitations import INVITATION_DAYS, invitation_tokens
from dondoc.accounts.models import Membership, User
from dondoc.accounts.people_forms import InviteForm, PeopleFilter, PersonForm
from dondoc.accounts.policy import can

PER_PAGE = 50


def _require(request: HttpRequest) -> None:
    if not can(request.user, "user.manage"):
        raise PermissionDenied


def _person_for(request: HttpRequest, pk: int, *, change: bool = False) -> User:
    """The account ``pk`` (404 when unknown); a superuser's only for a superuser to change."""
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    if change and person.is_superuser and not request.user.is_superuser:
        raise PermissionDenied
    return person


def _people(filters: PeopleFilter):
    people_qs = (
        User.objects.annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("org_unit"))
        )
        .order_by("full_name", "username")
    )
    if not filters.is_valid():
        return people_qs
    data = filters.cleaned_data
    if data["q"]:
        q = data["q"]
        people_qs = people_qs.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Q(email__icontains=q)
        )
    if data["role"]:
        people_qs = people_qs.filter(role=data["role"])
    if data["agency"]:
        people_qs = people_qs.filter(org_units__in=data["agency"].lineage_ids()).distinct()
    if data["state"] == "active":
        people_qs = people_qs.filter(is_active=True).exclude(password__startswith="!")
    elif data["state"] == "invited":
        people_qs = people_qs.filter(is_active=True, password__startswith="!")
    elif data["state"] == "inactive":
        people_qs = people_qs.filter(is_active=False)
    return people_qs


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """Everybody with an account: role, agency, last sign-in, state; searchable."""
    _require(request)
    filters = PeopleFilter(request.GET or None)
    paginator = Paginator(_people(filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page", "1")[:6])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/people_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@login_required
def people_invite(request: HttpRequest) -> HttpResponse:
    """Open an account for a person and send them the link to choose a password."""
    _require(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = people.invite_user(**form.cleaned_data, by=request.user)
        messages.success(
            request,
            _("%(name)s is invited: the link to choose a password has been sent to %(email)s.")
            % {"name": person, "email": person.email},
        )
        return redirect("people-list")
    return render(request, "accounts/people_invite.html", {"form": form, "days": INVITATION_DAYS})


@login_required
def people_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's role and agency, with the actions on the account."""
    _require(request)
    person = _person_for(request, pk, change=request.method == "POST")
    agency = next((m.org_unit for m in person.memberships.select_related("org_unit")), None)
    initial = {
        "full_name": person.full_name,
        "role": person.role,
        "agency": agency,
        "committee_member": person.committee_member_id,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            people.update_person(
                person,
                **form.cleaned_data,
                by=request.user,
                version=request.POST.get("version", "")[:40] or None,
            )
        except people.StaleEdit:
            messages.error(
                request,
                _(
                    "Somebody changed this account after you opened the page. Nothing was "
                    "saved: here is its current state."
                ),
            )
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": person})
        return redirect("people-edit", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "version": people.version_of(person),
        "units": [m.org_unit for m in person.memberships.select_related("org_unit")],
        "has_device": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        "invited": not person.has_usable_password(),
        "may_change": request.user.is_superuser or not person.is_superuser,
        "history": person.history.select_related("history_user").order_by("-history_date")[:10],
    }
    return render(request, "accounts/people_edit.html", context)


@login_required
@require_POST
def people_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    person = _person_for(request, pk, change=True)
    active = request.POST.get("active") == "1"
    if person.pk == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("people-edit", pk=person.pk)
    people.set_active(person, active=active, by=request.user)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": person})
    else:
        messages.success(
            request,
            _("%(name)s is deactivated: their sessions and API tokens no longer work.")
            % {"name": person},
        )
    return redirect("people-edit", pk=person.pk)


@login_required
@require_POST
def people_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    person = _person_for(request, pk, change=True)
    if people.reset_second_factor(person, by=request.user):
        messages.success(
            request,
            _(
                "The two-step sign-in of %(name)s is removed: they sign in with their password "
                "and can set up a new device."
            )
            % {"name": person},
        )
    else:
        messages.info(request, _("%(name)s has no two-step sign-in.") % {"name": person})
    return redirect("people-edit", pk=person.pk)


@login_required
@require_POST
def people_invite_again(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    person = _person_for(request, pk, change=True)
    if person.has_usable_password() or not person.email or not person.is_active:
        messages.error(
            request,
            _("Only an active person who has not chosen a password yet can be invited again."),
        )
    else:
        people.invite_again(person, by=request.user)
        messages.success(
            request, _("A new link has been sent to %(email)s.") % {"email": person.email}
        )
    return redirect("people-edit", pk=person.pk)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses a first password; the link then stops working."""

    template_name = "accounts/invitation_accept.html"
    token_generator = invitation_tokens
    reset_url_token = "choose-password"
    success_url = reverse_lazy("invitation-done")


class InvitationDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/invitation_done.html"

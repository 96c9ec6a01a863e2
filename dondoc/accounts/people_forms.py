"""Forms of the people pages: invite a person, edit a role and agency, filter the list."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.accounts.models import Role, User, agency_problem
from dondoc.core.collation import vi_order
from dondoc.orgs.choices import OrgUnitChoiceField
from dondoc.orgs.models import Member


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} – {obj.position}" if obj.position else obj.full_name


def member_choices(keep: int | None = None):
    """Committee members in their term today (and ``keep``, the account's current link)."""
    today = timezone.localdate()
    current = Q(term_to__isnull=True) | Q(term_to__gte=today)
    if keep:
        current |= Q(pk=keep)
    return Member.objects.filter(current).order_by("sort_order", vi_order("full_name"))


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(  # no default: the first role is the most powerful one
        label=_("Role"), choices=[("", _("Choose a role")), *Role.choices]
    )
    agency = OrgUnitChoiceField(
        label=_("Agency"),
        required=False,
        empty_label=_("No agency"),
        help_text=_("Required for reporters and agency heads."),
    )
    committee_member = MemberChoiceField(
        label=_("Committee member"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "For a committee member's account: the member whose tasks, brief and reminders "
            "the person follows."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A person of a unit merged away keeps it until someone moves them.
        self.fields["agency"].keep(self.initial.get("agency"))
        self.fields["committee_member"].queryset = member_choices(
            self.initial.get("committee_member")
        )

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name or "\x00" in name:
            raise forms.ValidationError(_("Enter the person's full name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        role = data.get("role")
        if role is not None and "agency" not in self.errors:
            problem = agency_problem(role, 0 if data.get("agency") is None else 1)
            if problem:
                self.add_error("agency", problem)
        if data.get("committee_member") is not None and role not in (None, Role.MEMBER):
            self.add_error(
                "committee_member", _("Only a committee member's account follows a member.")
            )
        return data


class InviteForm(PersonForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=150)

    field_order = ["email", "full_name", "role", "agency", "committee_member"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        validate_email(email)
        taken = User.objects.filter(email__iexact=email).exists()
        if taken or User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("Somebody already has an account with this address."))
        return email


class PeopleFilter(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All")), *Role.choices]
    )
    agency = OrgUnitChoiceField(label=_("Agency"), required=False, empty_label=_("All"))
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("invited", _("Invited, no password yet")),
            ("inactive", _("Deactivated")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # People may still belong to a unit merged away: the one asked for stays listed.
        self.fields["agency"].keep(self.data.get("agency"))

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "").strip()

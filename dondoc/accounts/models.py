"""Users, their memberships of organisation units, and API tokens.

Roles (vai trò) decide what a user may do; ``dondoc.accounts.policy`` is the one place that
turns a role and an organisation scope into allow or deny.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory


class Role(models.TextChoices):
    STANDING_OFFICE = "standing_office", _("Standing Office (admin)")
    TRACKER = "tracker", _("Working Group tracker")
    MEMBER = "member", _("Committee member")
    REPORTER = "reporter", _("Agency reporter")
    AGENCY_HEAD = "agency_head", _("Agency head")
    OBSERVER = "observer", _("Observer (read only)")


#: Roles that act for an agency: a user of these roles must belong to one.
AGENCY_ROLES = frozenset({Role.REPORTER, Role.AGENCY_HEAD})


def agency_problem(role: str, agency_count: int) -> str | None:
    """Why a user of ``role`` belonging to ``agency_count`` units cannot be saved, or None.
    Every form that sets a role or an agency asks this (the application's and the admin's)."""
    if role in AGENCY_ROLES and agency_count == 0:
        return str(_("A reporter or an agency head must belong to an agency."))
    return None


class User(AbstractUser):
    """A person who signs in. ``role`` is the user's main role in the program."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.OBSERVER)
    org_units = models.ManyToManyField(
        "orgs.OrgUnit", through="Membership", related_name="users", blank=True
    )
    committee_member = models.ForeignKey(
        "orgs.Member",
        verbose_name=_("committee member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"], bases=[AuditedHistory])

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A user's membership of an organisation unit (cơ quan, đơn vị)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE)
    since = models.DateField(_("since"), null=True, blank=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "org_unit"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org_unit}"


#: How long an API token lasts unless its creator chooses otherwise, and at most.
TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


def default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=TOKEN_DAYS_DEFAULT)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once.
    A token stops working at ``expires_at`` (chosen when it is issued) or when revoked."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(
        _("scopes"), max_length=200, default="read", help_text=_("read, write (comma-separated)")
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=default_token_expiry)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, name: str, scopes: str = "read", days: int = TOKEN_DAYS_DEFAULT
    ) -> tuple[ApiToken, str]:
        """Create a token valid for ``days`` and return it with its key, which is not stored
        anywhere."""
        assert 1 <= days <= TOKEN_DAYS_MAX, days
        key = secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[: cls.PREFIX_LENGTH],
            key_hash=cls.hash_key(key),
            scopes=scopes,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s.strip() for s in self.scopes.split(",") if s.strip())

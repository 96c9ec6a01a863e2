"""The public portal (cổng góp ý): initiatives, policy recommendations and feedback from
citizens, businesses and organisations, and the Standing Office's handling of them.

A ``Submission`` (ý kiến gửi đến) moves through states: received (đã tiếp nhận) → under review
(đang xem xét) → routed to an agency (đã chuyển cơ quan) → answered (đã trả lời) → selected for
use (được lựa chọn) → published (đã công bố), or rejected with a reason (không tiếp nhận). Every
change goes through ``dondoc.portal.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory
from dondoc.portal.codes import display


class Kind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative or solution")  # Sáng kiến, giải pháp
    RECOMMENDATION = "recommendation", _("Policy recommendation")  # Kiến nghị chính sách
    FEEDBACK = "feedback", _("Feedback")  # Phản ánh


class SubmitterKind(models.TextChoices):
    PERSON = "person", _("A person")  # Cá nhân
    ORGANISATION = "organisation", _("An organisation or business")  # Tổ chức, doanh nghiệp


class PublicName(models.TextChoices):
    SHOW = "show", _("Show my name (or my organisation's) if it is published")
    ANONYMOUS = "anonymous", _("Anonymous toward the public")  # Ẩn danh với công chúng


class State(models.TextChoices):
    RECEIVED = "received", _("Received")  # Đã tiếp nhận
    UNDER_REVIEW = "under_review", _("Under review")  # Đang xem xét
    ROUTED = "routed", _("Sent to an agency")  # Đã chuyển cơ quan xử lý
    ANSWERED = "answered", _("Answered")  # Đã trả lời
    SELECTED = "selected", _("Selected for use")  # Được lựa chọn áp dụng
    PUBLISHED = "published", _("Published")  # Đã công bố
    REJECTED = "rejected", _("Not accepted")  # Không tiếp nhận


class _PrivateStorage(LazyObject):
    """Files under the data folder, outside any folder the web server serves: read only
    through the views that check who may have them."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.DONDOC_PRIVATE_ROOT / "portal")


_private_storage = _PrivateStorage()


def private_storage() -> _PrivateStorage:
    """A callable, so that migrations keep a reference, not this machine's folder."""
    return _private_storage


class Submission(models.Model):
    """One initiative, recommendation or feedback sent through the public form."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    program = models.ForeignKey(
        "tasks.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "tasks.SolutionGroup",
        verbose_name=_("solution group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=200, blank=True)  # Lĩnh vực
    expected_benefit = models.TextField(_("expected benefit"), blank=True)  # Hiệu quả dự kiến
    submitter_kind = models.CharField(
        _("sent by"), max_length=16, choices=SubmitterKind.choices, default=SubmitterKind.PERSON
    )
    name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    public_name = models.CharField(
        _("name toward the public"),
        max_length=16,
        choices=PublicName.choices,
        default=PublicName.ANONYMOUS,
    )
    consent_to_publish = models.BooleanField(_("agrees to publication"), default=False)
    code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    reject_reason = models.TextField(_("reason for not accepting"), blank=True)
    routed_to = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("agency in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_on = models.DateField(_("sent to the agency on"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer due by"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_submissions",
    )
    #: sha256 of the folded title and description: the same text sent twice is linked.
    text_hash = models.CharField(max_length=64, db_index=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("same text as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    flagged = models.BooleanField(_("held for moderation"), default=False)
    flag_reason = models.CharField(_("why held"), max_length=200, blank=True)
    report_count = models.PositiveIntegerField(_("reports from the public"), default=0)
    hidden = models.BooleanField(_("hidden from the public for review"), default=False)
    #: Folded title, description and field, for search without diacritics.
    search_folded = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("portal submission")
        verbose_name_plural = _("portal submissions")
        indexes = [
            models.Index(fields=["routed_to", "state"]),
            models.Index(fields=["state", "published_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    @property
    def display_code(self) -> str:
        return display(self.code)

    @property
    def is_public(self) -> bool:
        return self.state == State.PUBLISHED and self.consent_to_publish and not self.hidden

    @property
    def summary(self) -> str:
        return summary(self.description)

    @property
    def public_author(self) -> str:
        return public_author(vars(self))

    def policy_org_ids(self) -> set[int]:
        """The agency it was sent to owns it (``policy.can`` with an ``OWN`` scope)."""
        return {self.routed_to_id} if self.routed_to_id else set()


def summary(text: str) -> str:
    """The description cut at 300 characters for the public list (a plain slice: Django's
    ``truncatechars`` costs a third of the page's time at twenty items)."""
    return text if len(text) <= 300 else text[:299].rstrip() + "…"


def public_author(values: dict) -> str:
    """The name shown to the public (empty: anonymous), from a submission's field values."""
    if values["public_name"] != PublicName.SHOW:
        return ""
    if values["submitter_kind"] == SubmitterKind.ORGANISATION and values["organisation"]:
        return values["organisation"]
    return values["name"]


def attachment_path(instance: SubmissionAttachment, filename: str) -> str:
    return f"{instance.sha256[:2]}/{instance.sha256[:16]}/{filename}"


class SubmissionAttachment(models.Model):
    """A file sent with a submission, checked by content and kept in private storage."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    #: Shown on the public page when the submission is published.
    public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class InternalNote(models.Model):
    """A note of the Standing Office or the agency, never shown to the public (ghi chú nội bộ)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

"""Programs, directives, tasks and their progress timeline.

A task (nhiệm vụ) is assigned by one or more directives (văn bản giao nhiệm vụ), supervised by
committee members, led by one or more agencies (cơ quan chủ trì) with others coordinating
(cơ quan phối hợp). Its deadline keeps the phrase as written beside its normalised form. The
timeline of progress updates (kết quả thực hiện / tiến độ) is the record from which the status
on any past date is computed; ``closure_*`` fields on the task cache the current state.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory
from dondoc.core.text import fold
from dondoc.tasks.outputs import output_kind

# The kinds of ``dondoc.tasks.deadlines.DeadlineKind``.
DEADLINE_KINDS = [
    ("date", _("Date")),
    ("continuous", _("Continuous")),
    ("recurring", _("Recurring")),
    ("none", _("None")),
    ("unrecognised", _("Unrecognised")),
]


class ProgramQuerySet(models.QuerySet):
    def active(self) -> ProgramQuerySet:
        """Programs not archived (đang theo dõi)."""
        return self.filter(archived_on__isnull=True)


class Program(models.Model):
    """A resolution or action plan followed by a steering committee (e.g. NQ57)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=300)
    resolution = models.CharField(_("resolution"), max_length=100, blank=True)
    adopting_document = models.CharField(
        _("adopting document"),
        max_length=300,
        blank=True,
        help_text=_(
            "The document that adopts the program, e.g. “Nghị quyết 57-NQ/TW ngày 22/12/2024”."
        ),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    committee_name = models.CharField(_("steering committee"), max_length=400, blank=True)
    standing_office = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("standing office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updates_need_approval = models.BooleanField(
        _("progress updates need the agency head's approval"),
        default=True,
        help_text=_(
            "When off, an agency's reporters publish their progress updates themselves; "
            "when on, an update stays a draft of its agency until the head approves it."
        ),
    )
    #: Shown on the public progress page (trang tiến độ công khai) when on.
    public = models.BooleanField(
        _("public progress page"),
        default=False,
        help_text=_("When on, anybody may see the program's task counts on the public page."),
    )
    archived_on = models.DateField(
        _("archived on"),
        null=True,
        blank=True,
        help_text=_("An archived program is kept but no longer offered in lists and imports."),
    )
    history = HistoricalRecords(bases=[AuditedHistory])

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_on is not None


class SolutionGroup(models.Model):
    """A group of tasks and solutions of a program (nhóm nhiệm vụ, giải pháp)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=400)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One per line; used to suggest a group for a task.")
    )
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("solution group")
        verbose_name_plural = _("solution groups")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_group_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DirectiveKind(models.TextChoices):
    NOTICE = "notice", _("Conclusion notice")  # Thông báo kết luận
    PLAN = "plan", _("Plan")  # Kế hoạch
    REPORT = "report", _("Report")  # Báo cáo
    LETTER = "letter", _("Official letter")  # Công văn
    DIRECTIVE = "directive", _("Directive")  # Chỉ thị
    RESOLUTION = "resolution", _("Resolution")  # Nghị quyết
    DECISION = "decision", _("Decision")  # Quyết định
    OTHER = "other", _("Other")


class Directive(models.Model):
    """A document that assigns or reports on tasks. Identified by number + date + issuer."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="directives")
    kind = models.CharField(_("kind"), max_length=16, choices=DirectiveKind.choices)
    number = models.CharField(_("number and symbol"), max_length=64)  # "01-TB/BCĐTW"
    date = models.DateField(_("date"))
    issuer = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    session_number = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    session_date = models.DateField(_("session date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_file = models.FileField(_("source file"), upload_to="directives/%Y/", blank=True)
    source_name = models.CharField(_("source name"), max_length=300, blank=True)
    # The document's text as read on the review screen (normalised): the spans of the tasks it
    # assigned (``TaskSource.span_start``/``span_end``) are character offsets into it.
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["-date", "number"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date", "issuer"], name="unique_directive_identity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class ClosureKind(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")


class Task(models.Model):
    """A task (nhiệm vụ) of a program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tasks")
    group = models.ForeignKey(
        SolutionGroup,
        verbose_name=_("solution group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    content = models.TextField(_("content"))
    directives = models.ManyToManyField(
        Directive, through="TaskSource", related_name="tasks", verbose_name=_("directives")
    )
    members = models.ManyToManyField(
        "orgs.Member", blank=True, related_name="tasks", verbose_name=_("supervising members")
    )
    agencies = models.ManyToManyField(
        "orgs.OrgUnit", through="TaskAgency", related_name="tasks", verbose_name=_("agencies")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subtasks",
    )
    assigned_on = models.DateField(_("assigned on"), db_index=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=200, blank=True)
    deadline_kind = models.CharField(
        _("deadline kind"),
        max_length=16,
        choices=DEADLINE_KINDS,
        default="none",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    deadline_period = models.CharField(max_length=16, blank=True)
    # Kết quả, sản phẩm: what the task is to produce ("Nghị định", "Đề án"...), as written.
    expected_output = models.TextField(_("expected output"), blank=True)
    expected_output_folded = models.TextField(blank=True, editable=False)
    # Kind of document named by expected_output (``outputs.output_kind``), for filtering.
    output_kind = models.CharField(
        _("kind of output"), max_length=16, blank=True, db_index=True, editable=False
    )
    # Current closure (cached from the timeline; the timeline is the record).
    closure_kind = models.CharField(max_length=16, choices=ClosureKind.choices, blank=True)
    closure_on = models.DateField(_("completion date"), null=True, blank=True)
    status_events_from = models.DateField(null=True, blank=True, editable=False)
    status_events_to = models.DateField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tasks",
    )
    content_folded = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["content_folded", "expected_output_folded", "output_kind", "updated_at"],
        bases=[AuditedHistory],
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["program", "merged_into", "assigned_on"]),
            models.Index(fields=["deadline_kind", "due_on"]),
        ]
        # On PostgreSQL, also a trigram index on ``content_folded`` for the list's search
        # (migration 0013: made there only, SQLite has no GIN indexes).

    def __str__(self) -> str:
        return self.content[:80]

    def save(self, *args, **kwargs):
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "content" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "content_folded"}
        if update_fields is not None and "expected_output" in update_fields:
            kwargs["update_fields"] = {*update_fields, "expected_output_folded", "output_kind"}
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Fill the columns computed from others (also for tasks inserted in bulk)."""
        self.content_folded = fold(self.content)
        self.expected_output_folded = fold(self.expected_output)
        self.output_kind = output_kind(self.expected_output)

    @property
    def deadline_needs_review(self) -> bool:
        return self.deadline_kind == "unrecognised"

    def lead_agencies(self) -> list:
        return [ta.org_unit for ta in self.task_agencies.all() if ta.role == AgencyRole.LEAD]

    def coordinating_agencies(self) -> list:
        return [
            ta.org_unit for ta in self.task_agencies.all() if ta.role == AgencyRole.COORDINATING
        ]

    def lead_groups(self) -> list:
        """The collective agencies leading the task ("Các tỉnh, thành phố")."""
        return [tg.group for tg in self.task_groups.all() if tg.role == AgencyRole.LEAD]

    def coordinating_groups(self) -> list:
        return [tg.group for tg in self.task_groups.all() if tg.role == AgencyRole.COORDINATING]


class TaskSource(models.Model):
    """A directive that assigned (or restated) a task, with how it was worded there."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="sources")
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="sources")
    label = models.CharField(_("item"), max_length=64, blank=True)  # "(3)", "Phụ lục 2, STT 15"
    wording = models.TextField(_("wording"), blank=True)
    # Where the task was read in ``directive.text`` (nguồn trích dẫn), when it was read there.
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "directive", "label"], name="unique_task_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive} {self.label}".strip()

    @property
    def passage(self) -> str:
        """The passage of the directive's text the task was read from, or ""."""
        text = self.directive.text
        if self.span_start is None or self.span_end is None or not text:
            return ""
        return text[self.span_start : self.span_end].strip()


class AgencyRole(models.TextChoices):
    LEAD = "lead", _("Lead agency")  # Cơ quan chủ trì
    COORDINATING = "coordinating", _("Coordinating agency")  # Cơ quan phối hợp


class TaskAgency(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_agencies")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="task_roles"
    )
    role = models.CharField(max_length=16, choices=AgencyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "org_unit", "role"], name="unique_task_agency"),
        ]
        indexes = [
            models.Index(fields=["org_unit", "role"]),
            # Counting tasks per lead agency reads (agency, task) pairs from the index alone.
            models.Index(fields=["role", "org_unit", "task"], name="agency_role_unit_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} ({self.get_role_display()})"


class TaskAgencyGroup(models.Model):
    """A collective agency in a lead or coordinating role ("Các bộ, ngành, địa phương").

    Every unit of the group valid on a date holds the role then, and reports on the task for
    itself (its progress updates carry it as their ``agency``).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_groups")
    group = models.ForeignKey("orgs.OrgGroup", on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField(max_length=16, choices=AgencyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "group", "role"], name="unique_task_agency_group"
            ),
        ]
        indexes = [models.Index(fields=["group", "role", "task"])]

    def __str__(self) -> str:
        return f"{self.group} ({self.get_role_display()})"


class UpdateState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # seen only inside its agency
    PUBLISHED = "published", _("Published")
    CORRECTED = "corrected", _("Corrected")  # published, then replaced by a dated correction
    WITHDRAWN = "withdrawn", _("Withdrawn")  # a draft its author took back


#: States seen outside the agency: the published record (a corrected entry stays, marked).
PUBLISHED_STATES = (UpdateState.PUBLISHED, UpdateState.CORRECTED)


class ProgressUpdateQuerySet(models.QuerySet):
    def published(self) -> ProgressUpdateQuerySet:
        """What anyone may see: updates approved (or published directly) and not withdrawn.

        The one rule of visibility; ``dondoc.accounts.policy.visible_updates`` adds the
        user's own agency's drafts.
        """
        return self.filter(state__in=PUBLISHED_STATES)

    def current(self) -> ProgressUpdateQuerySet:
        """Published updates that no later correction replaced: the task's result."""
        return self.filter(state=UpdateState.PUBLISHED)

    def in_force_on(self, day: dt.date) -> ProgressUpdateQuerySet:
        """The record as it stood on ``day``: published updates recorded by then that no
        correction recorded by then replaced (a report as of an earlier date keeps showing
        the text that was in force, whatever its correction's own date says)."""
        replaced = self.model.objects.filter(
            corrects=models.OuterRef("pk"), state__in=PUBLISHED_STATES, recorded_on__lte=day
        )
        return self.filter(state__in=PUBLISHED_STATES, recorded_on__lte=day).exclude(
            models.Exists(replaced)
        )

    def drafts(self) -> ProgressUpdateQuerySet:
        return self.filter(state=UpdateState.DRAFT)


class ProgressUpdate(models.Model):
    """One entry of a task's timeline (kết quả thực hiện, tiến độ).

    An entry written by an agency is its draft until the agency head approves it (alone or with
    a round submission); only then is it published, with ``recorded_on`` the day it was. A
    published entry is never edited: a dated correction (``corrects``) replaces it and the
    original stays on the timeline, marked as corrected.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"))  # the date the update speaks of
    recorded_on = models.DateField(_("recorded on"))  # the date the system learnt it
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.ForeignKey(
        Directive,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
    )
    text = models.TextField(_("text"))
    status_change = models.CharField(
        _("status change"), max_length=16, choices=ClosureKind.choices, blank=True
    )
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=UpdateState.choices,
        default=UpdateState.PUBLISHED,
        db_index=True,
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    #: Raised by every change; a form loaded at an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    #: The one-time token of the form that created it: a form posted twice creates one update.
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [
            models.Index(fields=["task", "recorded_on"]),
            # The status change in force on a date (queries.with_status): one index probe.
            models.Index(
                fields=["task", "-recorded_on", "-id"],
                condition=~models.Q(status_change=""),
                name="update_status_change_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on:%d/%m/%Y}: {self.text[:60]}"

    @property
    def is_draft(self) -> bool:
        return self.state == UpdateState.DRAFT

    @property
    def is_published(self) -> bool:
        return self.state in PUBLISHED_STATES


def attachment_path(instance: Attachment, filename: str) -> str:
    today = dt.date.today()
    return f"attachments/{today:%Y/%m}/{instance.sha256[:16]}/{filename}"


class Attachment(models.Model):
    """Evidence attached to a progress update (size- and type-checked on upload)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class DuplicateState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Same task (merged)")
    REJECTED = "rejected", _("Different tasks")
    RELATED = "related", _("Related, not the same task")


class DuplicateCandidate(models.Model):
    """A pair of tasks an import thought might be the same, queued for a human."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    source = models.ForeignKey(Directive, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(
        max_length=16, choices=DuplicateState.choices, default=DuplicateState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "candidate"], name="unique_duplicate_pair"),
        ]

    def __str__(self) -> str:
        return f"#{self.task_id} ~ #{self.candidate_id} ({self.score:.2f})"


class DeadlineOrigin(models.TextChoices):
    CHANGED = "changed", _("Deadline changed")  # điều chỉnh thời hạn
    EXTENDED = "extended", _("Deadline extended")  # gia hạn
    RESTATED = "restated", _("Deadline restated by a later document")


class DeadlineChange(models.Model):
    """The deadline in force from a date on: a changed, extended or restated deadline.

    ``Task.due_on`` and ``deadline_kind`` keep the deadline as first assigned for ever; each
    later deadline is one of these records. The deadline in force on a date is that of the
    latest record with ``effective_on`` on or before it (``status.deadline_as_of`` in Python,
    ``queries.with_status`` in SQL), so the status on a past date does not move when the
    deadline changes later.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_changes")
    origin = models.CharField(_("kind of change"), max_length=16, choices=DeadlineOrigin.choices)
    effective_on = models.DateField(_("in force from"))
    deadline_text = models.CharField(_("deadline as written"), max_length=200, blank=True)
    deadline_kind = models.CharField(_("deadline kind"), max_length=16, choices=DEADLINE_KINDS)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    deadline_period = models.CharField(max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    #: The document that set this deadline (a later report or plan restating the task), and
    #: the item in it ("Phụ lục 2, STT 21").
    source = models.ForeignKey(
        Directive,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    source_label = models.CharField(_("item"), max_length=64, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        indexes = [models.Index(fields=["task", "effective_on"])]

    def __str__(self) -> str:
        due = f" → {self.due_on:%d/%m/%Y}" if self.due_on else ""
        return f"#{self.task_id}: {self.deadline_text or self.deadline_kind}{due}"


class RelationKind(models.TextChoices):
    RESTATES = "restates", _("Restates")  # a later document restates it, in other substance
    RELATED = "related", _("Related")  # reviewed: related, not the same task


class TaskRelation(models.Model):
    """Two tasks kept apart but linked (nhiệm vụ liên quan): ``task`` restates ``related``
    in different substance, or a reviewer found them related but not the same.

    One record per pair, whichever way round; both tasks' pages show it.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="related_from")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    source = models.ForeignKey(
        Directive,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        verbose_name = _("related task")
        verbose_name_plural = _("related tasks")
        constraints = [
            models.UniqueConstraint(fields=["task", "related"], name="unique_task_relation"),
            models.CheckConstraint(
                condition=~models.Q(task=models.F("related")), name="task_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.task_id} {self.kind} #{self.related_id}"


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Task created")
    EDITED = "edited", _("Edited")
    REASSIGNED = "reassigned", _("Reassigned")
    DEADLINE = "deadline", _("Deadline changed")
    SPLIT = "split", _("Split")
    SPLIT_FROM = "split_from", _("Split from another task")
    MERGED = "merged", _("Duplicate merged in")
    MERGED_INTO = "merged_into", _("Merged into another task")
    CANCELLED = "cancelled", _("Cancelled")


class TaskChange(models.Model):
    """A change made to a task in the app: what, when, by whom and why (the reason is required).

    The fields themselves are in the change history too; this record says why, in one line a
    reader of the task page understands.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=16, choices=ChangeKind.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    summary = models.TextField(_("what changed"), blank=True)
    related = models.ForeignKey(
        Task,
        verbose_name=_("related task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("task change")
        verbose_name_plural = _("task changes")

    def __str__(self) -> str:
        return f"#{self.task_id} {self.get_kind_display()} ({self.changed_on:%d/%m/%Y})"


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An import confirmed on the page, run by the job queue (lần nhập dữ liệu).

    The uploaded file waits in the staging folder under ``token`` until the job has run; the
    options are those of ``importers.service.import_file`` (columns, directive, resolutions).
    ``done``/``total`` count the rows written so far; ``summary`` is the import's JSON summary.
    A ``dry_run`` job is the check before confirming (kiểm tra trước khi nhập): it writes and
    rolls back, and leaves the staged file for the import; one real job per staged file.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    dry_run = models.BooleanField(default=False)
    filename = models.CharField(_("file"), max_length=255)
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=models.Q(dry_run=False), name="one_import_per_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class SpanPart(models.TextChoices):
    """What a status span row counts the task under (``dondoc.tasks.spans``)."""

    TASK = "task", _("Task")  # one per task; ``key`` is its solution group
    LEAD = "lead", _("Lead agency")  # one per lead unit
    LEAD_GROUP = "lead_group", _("Collective lead agency")  # one per lead group (OrgGroup)
    MEMBER = "member", _("Supervising member")  # one per supervising member


class TaskStatusSpan(models.Model):
    """The task's status from ``valid_from`` (inclusive) to ``valid_to`` (exclusive), as of
    those dates, counted under ``part`` and ``key`` (``dondoc.tasks.spans``). Kept by
    ``spans.refresh`` in the transaction of every write that changes a timeline, a deadline,
    an assignment or whom a task is counted under; never edited by hand."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="status_spans")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=12, choices=SpanPart.choices)
    #: The solution group (part "task"), org unit, org group or member counted under.
    key = models.BigIntegerField(null=True, blank=True)
    #: A lead row of a task with more than one lead (units or groups): count it once per unit
    #: carrying the work (``orgs.carriers``), not once per row.
    shared = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField()
    status = models.CharField(max_length=20)
    #: Against the deadline as first assigned.
    status_original = models.CharField(max_length=20)
    #: The deadline in force (what the task list sorts by "deadline": migration 0016's indexes).
    due_on = models.DateField(null=True, blank=True)
    #: On the rows of part "task", the task's assignment date, a column the task list sorts by:
    #: a list of one status is read in its order from the rows covering a date, stopping at its
    #: last row (migration 0014's indexes). None on the other parts.
    task_assigned_on = models.DateField(null=True, blank=True)
    #: On the rows of part "task", the name shown of the task's first lead unit
    #: (``spans.first_lead_name``: what the list sorts by "lead agency", in Vietnamese order),
    #: None when no unit leads it (migration 0015's indexes); kept when a unit is renamed
    #: (``spans.renamed``).
    task_lead_name = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__lt=models.F("valid_to")),
                name="status_span_not_empty",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "part", "valid_from"], name="status_span_task_idx"),
            # The rows covering a date, per program and part (lead rows: shared or not), read
            # from the index alone (what is read is in the key: SQLite has no INCLUDE).
            models.Index(
                fields=[
                    *("program", "part", "shared", "valid_to", "valid_from"),
                    *("key", "status", "status_original", "task"),
                ],
                name="status_span_dates_idx",
            ),
            # The rows starting between a checkpoint and a date (``checkpoints``); those ending
            # are read through the index above.
            models.Index(
                fields=[
                    *("program", "part", "shared", "valid_from"),
                    *("key", "status", "status_original"),
                ],
                name="status_span_starts_idx",
            ),
            # The most overdue tasks on a date: read in deadline order, stopping at ten.
            models.Index(
                fields=["program", "due_on", "task", "valid_from", "valid_to"],
                condition=models.Q(part="task", status="overdue"),
                name="status_span_overdue_idx",
            ),
        ]
        # On PostgreSQL, also indexes on the rows of part "task" by program and status in the
        # task list's orders (migrations 0014, 0015 and 0016: made there only, they sort NULLs
        # last).

    def __str__(self) -> str:
        span = f"{self.valid_from}–{self.valid_to}"
        return f"#{self.task_id} {self.part} {self.key} {span}: {self.status}"


class StatusCheckpoint(models.Model):
    """A day on which the status counts of a program are kept (``dondoc.tasks.checkpoints``):
    the dashboard reads the counts of the nearest one and the span rows starting or ending
    between it and the date asked."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="status_checkpoint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.day}"


class StatusCount(models.Model):
    """How many status span rows of ``part`` and ``key`` (not shared) cover ``day``, a
    checkpoint of the program, per status (and, for part "task", per status against the
    original deadline). Kept by ``spans.refresh`` in the same transaction as the spans
    (``checkpoints.apply``); never edited by hand."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    part = models.CharField(max_length=12, choices=SpanPart.choices)
    #: As the span's ``key``; 0 for "no solution group" (a unique key cannot hold NULL alike
    #: on both databases).
    key = models.BigIntegerField()
    status = models.CharField(max_length=20)
    #: Blank except for part "task".
    status_original = models.CharField(max_length=20, blank=True)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "day", "part", "key", "status", "status_original"],
                name="status_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.part} {self.key} {self.status}: {self.n}"

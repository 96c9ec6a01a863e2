"""Forms of task management: each checks its input once and says what is wrong, in Vietnamese.

Every form asks for the reason of the change; dates are typed dd/mm/yyyy and an impossible or
out-of-range one ("32/01/2025", "31/12/9999") is a message on the field; a deadline phrase is
read by ``deadlines.parse_deadline`` and shown as the resulting date before anything is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField as CoreDateField
from dondoc.core.forms import DateInput
from dondoc.orgs.choices import OrgUnitMultipleChoiceField
from dondoc.orgs.models import Member, OrgUnit
from dondoc.tasks.deadlines import Deadline, DeadlineKind, format_deadline, parse_deadline
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.manage import Part, SourceRef
from dondoc.tasks.models import Directive, Program, SolutionGroup, Task

#: How many (document, item) rows a form offers beyond those already filled.
SPARE_SOURCES = 2
#: How many parts a split form offers.
SPLIT_PARTS = 4
#: Earliest date a user may type: nothing in this system happened before it.
EARLIEST = dt.date(2000, 1, 1)


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Required: kept with the change in the task's history and in the audit."),
    )


def checked_date(value: dt.date | None, *, not_before: dt.date | None = None) -> dt.date | None:
    """Refuse a date outside [EARLIEST or ``not_before``, today]."""
    if value is None:
        return None
    low = max(EARLIEST, not_before) if not_before else EARLIEST
    if value < low:
        raise forms.ValidationError(
            _("The date cannot be before %(date)s.") % {"date": f"{low:%d/%m/%Y}"}
        )
    if value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class DateField(CoreDateField):
    """The shared dd/mm/yyyy date field (supported range, one clear message)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)


class DeadlineField(forms.CharField):
    """A deadline as officials write it; the parsed result is kept on ``form.deadline``."""

    def __init__(self, *, live_preview: bool = False, **kwargs: Any) -> None:
        if live_preview:  # the page shows the date it is read as while it is typed (htmx)
            kwargs["widget"] = forms.TextInput(
                attrs={
                    "hx-get": reverse_lazy("task-deadline-preview"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#deadline-preview",
                    "autocomplete": "off",
                }
            )
        kwargs.setdefault("label", _("Deadline as written"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            _(
                "As in the document: 31/12/2025, Tháng 6/2025, Quý II/2025, Năm 2025, "
                "Thường xuyên, Hằng năm; empty when none is stated."
            ),
        )
        super().__init__(**kwargs)


def read_deadline(phrase: str) -> Deadline:
    """The phrase read, or a form error when it cannot be."""
    deadline = parse_deadline(phrase)
    if deadline.kind == DeadlineKind.UNRECOGNISED:
        raise forms.ValidationError(
            _(
                "This deadline was not understood. Write a date (31/12/2025), a month "
                "(Tháng 6/2025), a quarter (Quý II/2025), a half-year (6 tháng đầu năm 2025), a "
                "year (2025), 'Thường xuyên' or 'Định kỳ'."
            )
        )
    return deadline


def deadline_display(deadline: Deadline | None) -> str:
    return format_deadline(deadline) if deadline else ""


MULTIPLE_HELP = _("Hold Ctrl (⌘ on a Mac) to choose several.")


def _tall(form: forms.Form, *names: str) -> None:
    """Show more lines of the long lists of agencies and members."""
    for name in names:
        form.fields[name].widget.attrs["size"] = 10


def _units() -> Any:
    """The units a task can name (the fields keep those in force, and those it names)."""
    return OrgUnit.objects.all()


class ManageForm(forms.Form):
    """Carries the task's version (a stale form is a conflict) and the reason."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, version: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        self.fields["reason"] = reason_field()


class SourcesMixin:
    """Rows of (assigning document, item label); the first is required."""

    def add_source_fields(self, program: Program | None, sources: list[tuple[Any, str]]) -> None:
        directives = Directive.objects.select_related("issuer").order_by("-date", "number")
        if program is not None:
            directives = directives.filter(program=program)
        rows = max(len(sources) + SPARE_SOURCES, 1 + SPARE_SOURCES)
        for i in range(rows):
            directive, label = sources[i] if i < len(sources) else (None, "")
            self.fields[f"directive_{i}"] = forms.ModelChoiceField(
                queryset=directives,
                required=i == 0,
                label=_("Assigning document") if i == 0 else _("Other document"),
                initial=directive.pk if directive else None,
            )
            self.fields[f"label_{i}"] = forms.CharField(
                label=_("Item in the document"),
                required=False,
                max_length=64,
                initial=label,
                help_text=_("e.g. (3), Phụ lục 2, STT 15") if i == 0 else "",
            )
        self.source_rows = rows

    def sources(self) -> list[SourceRef]:
        data = self.cleaned_data
        seen, out = set(), []
        for i in range(self.source_rows):
            directive = data.get(f"directive_{i}")
            if directive is None:
                continue
            label = (data.get(f"label_{i}") or "").strip()
            if (directive.pk, label) not in seen:
                seen.add((directive.pk, label))
                out.append(SourceRef(directive, label))
        return out


class TaskCreateForm(SourcesMixin, ManageForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.active().order_by("code"), label=_("Program")
    )
    content = forms.CharField(
        label=_("Content of the task"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    group = forms.ModelChoiceField(
        queryset=SolutionGroup.objects.select_related("program"),
        required=False,
        label=_("Solution group"),
        help_text=_("Left empty, the group is suggested from its keywords."),
    )
    leads = OrgUnitMultipleChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Lead agency"), help_text=MULTIPLE_HELP
    )
    coordinators = OrgUnitMultipleChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("Coordinating agencies"),
        help_text=MULTIPLE_HELP,
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Supervising members"),
        help_text=MULTIPLE_HELP,
    )
    deadline = DeadlineField(required=False, live_preview=True)
    assigned_on = DateField(label=_("Assigned on"), required=False)
    expected_output = forms.CharField(
        label=_("Expected output"),
        required=False,
        max_length=500,
        help_text=_("What the task is to produce, as the plan writes it: “Nghị định”, “Đề án”…"),
    )

    field_order = ["program", "content"]

    def __init__(self, *args: Any, program: Program | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].initial = program.pk if program else None
        self.fields["leads"].queryset = _units()
        self.fields["coordinators"].queryset = _units()
        self.fields["members"].queryset = Member.objects.filter(
            **({"program": program} if program else {})
        )
        if program is not None:
            self.fields["group"].queryset = program.groups.all()
        _tall(self, "leads", "coordinators", "members")
        self.fields["assigned_on"].initial = timezone.localdate()
        self.fields["assigned_on"].help_text = _("Default: today.")
        self.add_source_fields(program, [])
        self.order_fields(
            ["program", "content"]
            + [f"{k}_{i}" for i in range(self.source_rows) for k in ("directive", "label")]
            + ["group", "leads", "coordinators", "members", "deadline", "expected_output"]
            + ["assigned_on", "reason"]
        )
        self.deadline: Deadline | None = None
        self.suggested_group: SolutionGroup | None = None

    def clean_deadline(self) -> str:
        phrase = self.cleaned_data.get("deadline", "")
        self.deadline = read_deadline(phrase)
        return phrase

    def clean_assigned_on(self) -> dt.date | None:
        return checked_date(self.cleaned_data.get("assigned_on"))

    def clean(self) -> dict:
        data = super().clean()
        program = data.get("program")
        group = data.get("group")
        if program is not None and group is not None and group.program_id != program.pk:
            self.add_error("group", _("This group belongs to another program."))
        for i in range(self.source_rows):
            directive = data.get(f"directive_{i}")
            if program is not None and directive is not None and directive.program_id != program.pk:
                self.add_error(f"directive_{i}", _("This document belongs to another program."))
        leads, coordinators = data.get("leads") or [], data.get("coordinators") or []
        both = {u.pk for u in leads} & {u.pk for u in coordinators}
        if both:
            self.add_error("coordinators", _("An agency cannot both lead and coordinate."))
        if program is not None and group is None and data.get("content"):
            self.suggested_group = suggest_group(data["content"], group_keywords(program))
        return data


class TaskEditForm(SourcesMixin, ManageForm):
    content = forms.CharField(
        label=_("Content of the task"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    group = forms.ModelChoiceField(
        queryset=SolutionGroup.objects.none(), required=False, label=_("Solution group")
    )
    expected_output = forms.CharField(
        label=_("Expected output"),
        required=False,
        max_length=500,
        help_text=_("What the task is to produce, as the plan writes it: “Nghị định”, “Đề án”…"),
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content"].initial = task.content
        self.fields["expected_output"].initial = task.expected_output
        self.fields["group"].queryset = task.program.groups.all()
        self.fields["group"].initial = task.group_id
        sources = [(s.directive, s.label) for s in task.sources.select_related("directive")]
        self.add_source_fields(task.program, sources)
        self.order_fields(
            ["content", "expected_output", "group"]
            + [f"{k}_{i}" for i in range(self.source_rows) for k in ("directive", "label")]
            + ["reason"]
        )


class ReassignForm(ManageForm):
    leads = OrgUnitMultipleChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Lead agency"), help_text=MULTIPLE_HELP
    )
    coordinators = OrgUnitMultipleChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("Coordinating agencies"),
        help_text=MULTIPLE_HELP,
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Supervising members"),
        help_text=MULTIPLE_HELP,
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {ta.org_unit_id for ta in task.task_agencies.all()}
        # A unit merged away stays choosable while the task still names it.
        for name in ("leads", "coordinators"):
            self.fields[name].queryset = _units()
            self.fields[name].keep(current)
        self.fields["members"].queryset = Member.objects.filter(program=task.program_id)
        self.fields["leads"].initial = [u.pk for u in task.lead_agencies()]
        self.fields["coordinators"].initial = [u.pk for u in task.coordinating_agencies()]
        self.fields["members"].initial = list(task.members.values_list("pk", flat=True))
        _tall(self, "leads", "coordinators", "members")
        self.order_fields(["leads", "coordinators", "members", "reason"])

    def clean(self) -> dict:
        data = super().clean()
        both = {u.pk for u in data.get("leads") or []} & {
            u.pk for u in data.get("coordinators") or []
        }
        if both:
            self.add_error("coordinators", _("An agency cannot both lead and coordinate."))
        return data


class DeadlineForm(ManageForm):
    deadline = DeadlineField(label=_("New deadline as written"), required=False, live_preview=True)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["deadline", "reason"])
        self.fields["reason"].help_text = _(
            "Required, e.g. the document that changed it. The new deadline counts from today; "
            "the status on earlier dates keeps the deadline then in force."
        )
        self.deadline: Deadline | None = None

    def clean_deadline(self) -> str:
        phrase = self.cleaned_data.get("deadline", "")
        self.deadline = read_deadline(phrase)
        return phrase


class SplitForm(ManageForm):
    close_original = forms.BooleanField(
        label=_("Stop following the original task (its parts replace it from today)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(SPLIT_PARTS):
            self.fields[f"content_{i}"] = forms.CharField(
                label=_("Part %(n)s: content") % {"n": i + 1},
                required=i < 2,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"deadline_{i}"] = DeadlineField(
                label=_("Part %(n)s: deadline as written") % {"n": i + 1},
                required=False,
                help_text=_("Empty: the original task's deadline."),
            )
        self.order_fields(
            [f"{k}_{i}" for i in range(SPLIT_PARTS) for k in ("content", "deadline")]
            + ["close_original", "reason"]
        )
        self.deadlines: dict[int, Deadline] = {}

    def clean(self) -> dict:
        data = super().clean()
        for i in range(SPLIT_PARTS):
            phrase = (data.get(f"deadline_{i}") or "").strip()
            if phrase:
                try:
                    self.deadlines[i] = read_deadline(phrase)
                except forms.ValidationError as error:
                    self.add_error(f"deadline_{i}", error)
        return data

    def parts(self) -> list[Part]:
        data = self.cleaned_data
        return [
            Part(content=data[f"content_{i}"].strip(), deadline=data.get(f"deadline_{i}") or "")
            for i in range(SPLIT_PARTS)
            if (data.get(f"content_{i}") or "").strip()
        ]


class MergeForm(ManageForm):
    duplicate = forms.IntegerField(
        label=_("Number of the duplicate task"),
        min_value=1,
        help_text=_(
            "That task is merged into this one: its documents, agencies and timeline "
            "move here and it is no longer counted."
        ),
    )

    def __init__(self, *args: Any, task: Task, visible: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.visible = visible
        self.order_fields(["duplicate", "reason"])

    def clean_duplicate(self) -> Task:
        pk = self.cleaned_data["duplicate"]
        other = self.visible.filter(pk=pk).first()
        if other is None:
            raise forms.ValidationError(_("There is no task #%(id)s.") % {"id": pk})
        if other.pk == self.task.pk:
            raise forms.ValidationError(_("A task cannot be merged into itself."))
        if other.program_id != self.task.program_id:
            raise forms.ValidationError(_("That task belongs to another program."))
        if other.merged_into_id is not None:
            raise forms.ValidationError(
                _("Task #%(id)s was already merged into task #%(into)s.")
                % {"id": pk, "into": other.merged_into_id}
            )
        return other


class CancelForm(ManageForm):
    effective_on = DateField(
        label=_("Stopped from"),
        help_text=_("The date the task stopped being carried out (dd/mm/yyyy)."),
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["effective_on"].initial = timezone.localdate()
        self.order_fields(["effective_on", "reason"])

    def clean_effective_on(self) -> dt.date | None:
        if self.task.closure_kind == "cancelled":
            raise forms.ValidationError(_("This task has already been cancelled."))
        return checked_date(self.cleaned_data.get("effective_on"), not_before=self.task.assigned_on)

"""The shapes the API reads and writes (Ninja schemas, shown in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from dondoc.core.dates import MAX_DATE, MIN_DATE, parse_date
from dondoc.core.params import MAX_NUMBER, has_control_characters
from dondoc.tasks.outputs import OUTPUT_KINDS
from dondoc.tasks.status import Status


def _date_or_none(value: object) -> object:
    if value is None or value == "":
        return None
    return parse_date(value)  # type: ignore[arg-type]


#: A date given as YYYY-MM-DD (dd/mm/yyyy is accepted too) between 1945-01-01 and 2100-12-31,
#: the range the pages accept; outside it the answer is 422 with the reason.
ApiDate = Annotated[
    dt.date,
    BeforeValidator(_date_or_none),
    Field(description=f"A date from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."),
]


def _text(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("holds control characters (such as NUL), which text may not contain")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _search(value: str | None) -> str | None:
    if value is not None and has_control_characters(value):
        raise ValueError("holds control characters (such as NUL)")
    return value


#: Text people write (an update): not blank, no control characters but tab and line breaks.
Text = Annotated[str, AfterValidator(_text)]
#: A short search or code given in a query parameter.
QueryText = Annotated[str | None, AfterValidator(_search), Field(None, max_length=200)]
#: An id given to narrow a list.
IdFilter = Annotated[int | None, Field(None, ge=1, le=MAX_NUMBER)]
#: Paging: how many rows to skip.
Offset = Annotated[int, Field(0, ge=0, le=MAX_NUMBER)]

#: A status filter: a computed status, or a group: "open" (neither completed nor cancelled),
#: "completed" (on time or late), "assigned" (not cancelled).
StatusFilter = Literal[
    "completed_on_time",
    "completed_late",
    "in_progress",
    "due_soon",
    "overdue",
    "regular",
    "no_deadline",
    "cancelled",
    "open",
    "completed",
    "assigned",
]
assert {s.value for s in Status} <= set(StatusFilter.__args__)  # type: ignore[attr-defined]

OutputKindFilter = Literal[
    "law",
    "resolution",
    "decree",
    "decision",
    "directive",
    "circular",
    "strategy",
    "programme",
    "scheme",
    "plan",
    "report",
    "other",
]
assert set(OUTPUT_KINDS) == set(OutputKindFilter.__args__)  # type: ignore[attr-defined]

TaskSort = Literal[
    "deadline",
    "-deadline",
    "assigned",
    "-assigned",
    "status",
    "-status",
    "lead",
    "-lead",
]


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class Ref(Schema):
    """A reference to another object: its id and the name people know it by."""

    id: int
    name: str


class DirectiveRef(Schema):
    id: int
    number: str
    date: dt.date


class OriginalDeadlineOut(Schema):
    text: str = Field(description="The deadline as first assigned, as written.")
    kind: str = Field(description="date, continuous, recurring, none or unrecognised.")
    due: dt.date | None = Field(description="Its normalised due date.")


class DeadlineOut(Schema):
    text: str = Field(description="The deadline as written (thời hạn), e.g. 'Quý II/2025'.")
    kind: str = Field(description="date, continuous, recurring, none or unrecognised.")
    due: dt.date | None = Field(description="The normalised due date (end of the period).")
    due_as_of: dt.date | None = Field(
        description="The deadline in force on the as_of date (changes, extensions and "
        "restatements by a later document in force by then count)."
    )
    original: OriginalDeadlineOut = Field(
        description="The deadline as first assigned, kept whatever changed it later."
    )


class GroupOut(Schema):
    id: int
    number: int
    title: str


class AgencyGroupRef(Schema):
    """A collective agency ("Các bộ, ngành, địa phương"): every member unit holds the role."""

    group: bool = Field(True, description="Always true: tells a group from a unit.")
    id: int
    code: str
    name: str
    members: int = Field(description="Member units valid today.")


class TaskItem(Schema):
    id: int
    content: str
    program: str
    group: GroupOut | None
    directives: list[DirectiveRef]
    members: list[Ref]
    lead_agencies: list[Ref]
    coordinating_agencies: list[Ref]
    lead_groups: list[AgencyGroupRef] = Field(
        default_factory=list, description="Collective lead agencies, beside lead_agencies."
    )
    coordinating_groups: list[AgencyGroupRef] = Field(default_factory=list)
    deadline: DeadlineOut
    expected_output: str = Field(
        description="Expected output as written (kết quả, sản phẩm), e.g. 'Nghị định'."
    )
    output_kind: str = Field(
        description="Kind of output read from it: law, resolution, decree, decision, "
        "directive, circular, strategy, programme, scheme, plan, report, other; '' when blank."
    )
    status: str = Field(description="Status as of the requested date.")
    late_against_original: bool = Field(
        description="Completed or open past the original deadline although within the one in "
        "force on the requested date."
    )
    completed_on: dt.date | None
    assigned_on: dt.date
    url: str


class TaskPage(Schema):
    count: int
    items: list[TaskItem]


class SourceOut(Schema):
    directive: DirectiveRef
    label: str
    wording: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class UpdateOut(Schema):
    id: int
    reported_on: dt.date
    recorded_on: dt.date
    author: Ref | None
    agency: Ref | None
    source: DirectiveRef | None
    text: str
    status_change: str
    effective_on: dt.date | None
    state: str = Field(
        description="draft (seen only inside its agency until the head approves it), "
        "published, or corrected (a later dated correction replaced it)."
    )
    corrects: int | None = Field(None, description="The update this one corrects.")
    attachments: list[AttachmentOut]


class TaskDetail(TaskItem):
    deadline_needs_review: bool
    parent: int | None
    subtasks: list[int]
    merged_into: int | None
    merged_tasks: list[int]
    sources: list[SourceOut]
    updates: list[UpdateOut]


class UpdateIn(Schema):
    text: Text = Field(min_length=1, max_length=20000)
    reported_on: ApiDate | None = Field(None, description="Not after today (default: today).")
    status_change: Literal["completed", "cancelled", "reopened"] | None = None
    effective_on: ApiDate | None = Field(None, description="Not after today.")

    @model_validator(mode="after")
    def _not_in_the_future(self) -> UpdateIn:
        today = timezone.localdate()
        for name in ("reported_on", "effective_on"):
            day = getattr(self, name)
            if day is not None and day > today:
                raise ValueError(f"{name}: the date cannot be in the future")
        return self


class DashboardOut(Schema):
    as_of: dt.date
    program: str | None
    assigned: int = Field(description="Tasks assigned by the date, not cancelled.")
    completed: int = Field(description="Completed, on time or late.")
    in_progress: int = Field(
        description="Neither completed nor cancelled (chưa hoàn thành: the list's status group "
        "`open`, overdue ones included), as the report counts them; `by_status.in_progress` is "
        "the one status."
    )
    overdue: int = Field(description="Open and past the deadline in force on the date.")
    cancelled: int
    by_status: dict[str, int] = Field(description="Tasks by status (`status` of the task list).")


class DirectiveOut(Schema):
    id: int
    program: str
    kind: str
    number: str
    date: dt.date
    issuer: Ref
    title: str
    session_number: int | None
    session_date: dt.date | None
    task_count: int = Field(description="Current tasks it assigns that the caller may see.")


class DirectivePage(Schema):
    count: int
    items: list[DirectiveOut]


class DirectiveTask(Schema):
    id: int
    content: str
    label: str
    status: str


class DirectiveDetail(DirectiveOut):
    summary: str
    tasks: list[DirectiveTask]


class OrgUnitOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    short_name: str
    parent: Ref | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: Ref | None


class OrgUnitPage(Schema):
    count: int
    items: list[OrgUnitOut]


class OrgUnitDetail(OrgUnitOut):
    aliases: list[str]
    predecessors: list[Ref]
    children_count: int


class MemberOut(Schema):
    id: int
    program: str
    name: str
    position: str
    committee_role: str
    agency: Ref | None
    term_from: dt.date | None
    term_to: dt.date | None


class MemberPage(Schema):
    count: int
    items: list[MemberOut]


class MemberDetail(MemberOut):
    task_count: int


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    resolution: str
    adopted_on: dt.date | None
    groups: list[GroupOut]

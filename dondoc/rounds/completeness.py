"""Who must report in a round, and who has: the "55/63 provinces reported" counts.

The agencies chosen when a round was opened are stored as chosen; who is *expected* is computed
from them on the round's period end: a unit no longer valid then is replaced by its successor
(a province merged on 01/07/2025 is not expected in a round whose period ends after 30/06/2025;
the province it merged into is), and a unit that did not yet exist is not expected. Reporting
rates computed against a list frozen at opening would count a merged province as "missing"
for ever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.core.collation import vi_sort_key
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds.models import (
    SUBMITTED_STATES,
    EventKind,
    ReportingRound,
    Submission,
    SubmissionEvent,
    SubmissionState,
)


class ReportStatus(StrEnum):
    """Where an expected agency stands in a round."""

    ON_TIME = "on_time"  # đã gửi đúng hạn
    LATE = "late"  # đã gửi muộn
    DRAFT = "draft"  # chỉ có bản nháp (or returned for correction)
    NOTHING = "nothing"  # chưa gửi gì


REPORT_STATUS_LABELS: dict[ReportStatus, object] = {
    ReportStatus.ON_TIME: gettext_lazy("Submitted on time"),
    ReportStatus.LATE: gettext_lazy("Submitted late"),
    ReportStatus.DRAFT: gettext_lazy("Draft only"),
    ReportStatus.NOTHING: gettext_lazy("Nothing"),
}
REPORT_STATUS_CLASSES: dict[ReportStatus, str] = {
    ReportStatus.ON_TIME: "status-completed",
    ReportStatus.LATE: "status-due-soon",
    ReportStatus.DRAFT: "status-regular",
    ReportStatus.NOTHING: "status-overdue",
}

#: How the report names each kind of agency when it counts them.
KIND_LABELS: dict[str, object] = {
    OrgKind.PROVINCE: gettext_lazy("provinces and cities"),  # tỉnh, thành phố
    OrgKind.MINISTRY: gettext_lazy("ministries and agencies"),  # bộ, ngành
    OrgKind.CENTRAL: gettext_lazy("central Party bodies"),  # cơ quan Đảng Trung ương
    OrgKind.COMMITTEE: gettext_lazy("committee bodies"),
    OrgKind.COMMUNE: gettext_lazy("communes and wards"),
    OrgKind.OTHER: gettext_lazy("other agencies"),
}
KIND_ORDER = [
    OrgKind.PROVINCE,
    OrgKind.MINISTRY,
    OrgKind.CENTRAL,
    OrgKind.COMMITTEE,
    OrgKind.COMMUNE,
    OrgKind.OTHER,
]


def resolve_units(units: Iterable[OrgUnit], day: dt.date) -> dict[int, OrgUnit | None]:
    """For each unit, the unit that carries its work on ``day``: itself when valid then, else
    its successor (followed through later mergers), or None (not yet created, or dissolved)."""
    known: dict[int, OrgUnit] = {unit.pk: unit for unit in units}
    result: dict[int, OrgUnit | None] = {}
    pending = {pk: pk for pk in known}  # original id -> id of the unit to look at now
    seen: dict[int, set[int]] = {pk: set() for pk in known}
    while pending:
        missing = {cur for cur in pending.values() if cur not in known}
        if missing:
            for unit in OrgUnit.objects.filter(pk__in=missing):
                known[unit.pk] = unit
        next_pending: dict[int, int] = {}
        for original, current_id in pending.items():
            unit = known.get(current_id)
            if unit is None or current_id in seen[original]:
                result[original] = None
                continue
            seen[original].add(current_id)
            if unit.is_valid_on(day):
                result[original] = unit
            elif unit.valid_from is not None and day < unit.valid_from:
                result[original] = None  # did not exist yet
            elif unit.successor_id:
                next_pending[original] = unit.successor_id
            else:
                result[original] = None
        pending = next_pending
    return result


def expected_agencies(round_: ReportingRound) -> list[OrgUnit]:
    """The agencies that owe a report in ``round_``, ordered by kind and name."""
    cached = getattr(round_, "_expected", None)
    if cached is not None:
        return cached
    chosen = list(round_.agencies.all())
    resolved = resolve_units(chosen, round_.period_end)
    units = {unit.pk: unit for unit in resolved.values() if unit is not None}
    ordered = sorted(units.values(), key=lambda u: (_kind_rank(u.kind), vi_sort_key(u.name)))
    round_._expected = ordered
    return ordered


def expected_agency(
    round_: ReportingRound, agency_pk: int, lineage: set[int] | None = None
) -> OrgUnit | None:
    """The unit ``agency_pk`` when it is one of ``expected_agencies(round_)``, else None.

    ``lineage``: the unit and every unit merged into it, when the caller knows them (the
    user's own unit). Only those of the round's agencies can resolve to it (a unit carries its
    work on through its successors), so only they are read, not the whole round in order."""
    cached = getattr(round_, "_expected", None)
    if lineage is None or cached is not None:
        return next((u for u in expected_agencies(round_) if u.pk == agency_pk), None)
    chosen = list(round_.agencies.filter(pk__in=lineage).order_by())
    resolved = resolve_units(chosen, round_.period_end)
    return next((u for u in resolved.values() if u is not None and u.pk == agency_pk), None)


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def report_status(submission: Submission | None) -> ReportStatus:
    """An agency's standing from its submission. Timeliness is that of the *first* submission:
    a report sent on time, returned for a correction and sent again later was on time."""
    if submission is None:
        return ReportStatus.NOTHING
    if submission.state in SUBMITTED_STATES and submission.first_submitted_at is not None:
        return ReportStatus.ON_TIME if submission.first_on_time else ReportStatus.LATE
    return ReportStatus.DRAFT


@dataclass
class AgencyLine:
    agency: OrgUnit
    status: ReportStatus
    submission: Submission | None

    @property
    def label(self) -> str:
        return str(REPORT_STATUS_LABELS[self.status])

    @property
    def css(self) -> str:
        return REPORT_STATUS_CLASSES[self.status]


@dataclass
class KindCount:
    """The counts of one kind of agency: "55/63 provinces and cities reported"."""

    kind: str
    expected: int = 0
    counts: dict[ReportStatus, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus, 0))

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def on_time(self) -> int:
        return self.counts[ReportStatus.ON_TIME]

    @property
    def late(self) -> int:
        return self.counts[ReportStatus.LATE]

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def drafts(self) -> int:
        return self.counts[ReportStatus.DRAFT]

    @property
    def nothing(self) -> int:
        return self.counts[ReportStatus.NOTHING]

    @property
    def sentence(self) -> str:
        """As the quarterly report writes it."""
        text = _("%(done)s/%(expected)s %(kind)s reported") % {
            "done": self.submitted,
            "expected": self.expected,
            "kind": self.label,
        }
        if self.drafts:
            text += "; " + _("%(n)s sent drafts only") % {"n": self.drafts}
        return text


@dataclass
class Completeness:
    round: ReportingRound
    lines: list[AgencyLine]
    by_kind: list[KindCount]
    total: KindCount


def completeness(round_: ReportingRound) -> Completeness:
    """Each expected agency's standing and the counts per kind of agency. Two queries."""
    expected = expected_agencies(round_)
    submissions = {
        s.agency_id: s
        for s in Submission.objects.filter(round=round_, agency__in=[u.pk for u in expected])
    }
    return _tally(round_, expected, submissions)


def _tally(
    round_: ReportingRound, expected: list[OrgUnit], submissions: dict[int, Submission]
) -> Completeness:
    lines, kinds = [], {}
    total = KindCount(kind="")
    for unit in expected:
        submission = submissions.get(unit.pk)
        if submission is not None:
            submission.round = round_
        status = report_status(submission)
        lines.append(AgencyLine(unit, status, submission))
        count = kinds.setdefault(unit.kind, KindCount(kind=unit.kind))
        for bucket in (count, total):
            bucket.expected += 1
            bucket.counts[status] += 1
    by_kind = sorted(kinds.values(), key=lambda k: _kind_rank(k.kind))
    return Completeness(round=round_, lines=lines, by_kind=by_kind, total=total)


#: The state a submission is in right after each step of its timeline (None: unchanged).
_STATE_AFTER: dict[str, str | None] = {
    EventKind.CREATED: None,
    EventKind.SAVED: None,
    EventKind.UPDATE: None,
    EventKind.SUBMITTED: SubmissionState.SUBMITTED,
    EventKind.SENT_TO_HEAD: SubmissionState.AWAITING_APPROVAL,
    EventKind.ACCEPTED: SubmissionState.ACCEPTED,
    EventKind.RETURNED: SubmissionState.RETURNED,
    EventKind.REOPENED: SubmissionState.DRAFT,
}


def submission_as_of(
    submission: Submission, events: list[SubmissionEvent], day: dt.date
) -> Submission | None:
    """The submission as it stood at the end of ``day`` (an unsaved copy), replayed from its
    timeline ``events``; None when it did not exist yet. A submission without any recorded
    step (entered by other means) is read from its timestamps: sent if first sent by then,
    otherwise a draft if created by then."""
    state: str | None = None
    first_sent = last_sent = reviewed = None
    stepped = False
    for event in sorted(events, key=lambda e: (e.at, e.pk or 0)):
        if timezone.localdate(event.at) > day:
            continue
        stepped = True
        after = _STATE_AFTER.get(event.kind)
        state = after or state or SubmissionState.DRAFT
        if event.kind == EventKind.SUBMITTED:
            first_sent = first_sent or event.at
            last_sent = event.at
        elif event.kind in (EventKind.ACCEPTED, EventKind.RETURNED):
            reviewed = event.at
    if not events:
        sent = submission.first_submitted_at
        if sent is not None and timezone.localdate(sent) <= day:
            state, first_sent, last_sent = SubmissionState.SUBMITTED, sent, sent
            stepped = True
        elif submission.created_at is not None and timezone.localdate(submission.created_at) <= day:
            state, stepped = SubmissionState.DRAFT, True
    if not stepped:
        return None
    return Submission(
        pk=submission.pk,
        round=submission.round,
        agency_id=submission.agency_id,
        state=state,
        first_submitted_at=first_sent,
        submitted_at=last_sent,
        reviewed_at=reviewed,
        created_at=submission.created_at,
    )


def completeness_as_of(round_: ReportingRound, day: dt.date) -> Completeness:
    """``completeness`` as the round stood at the end of ``day``: a report counts only if it was
    sent on or before that day (its timeline says so), so the counts for a past day do not move
    when agencies report later. Timeliness is that of the first sending, as on the dashboard.
    Three queries, plus one per step of a merger chain."""
    expected = expected_agencies(round_)
    found = Submission.objects.filter(
        round=round_, agency__in=[u.pk for u in expected]
    ).prefetch_related(Prefetch("events", queryset=SubmissionEvent.objects.order_by("at", "pk")))
    submissions: dict[int, Submission] = {}
    for submission in found:
        submission.round = round_
        then = submission_as_of(submission, list(submission.events.all()), day)
        if then is not None:
            submissions[submission.agency_id] = then
    return _tally(round_, expected, submissions)

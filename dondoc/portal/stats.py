"""Figures of the portal (thống kê tiếp nhận sáng kiến, kiến nghị) for a period, as of a date.

Everything is read from the submissions' history (one record per saved change), so the figures
of a past period are the same whenever they are computed, as long as the date is the same: a
quarterly report issued on 10/04/2025 can be rebuilt later with the same counts.

Rules (stated on the pages and in the report):

- *received in the period*: sent through the form within the period;
- *handled in the period* (được xử lý): first answered, selected, published or rejected within
  the period; an item handled once counts once, in the period of its first decision;
- *time to answer*: days from the day it was received to the day it was first answered
  (a rejection is not an answer); the median is over the items first answered in the period;
- the same text sent again (``duplicate_of``) is counted once, with its first copy;
- items held for moderation on the date, and those removed as abuse (rejected and hidden after
  moderation), are left out of every figure; the back office sees how many were left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dondoc.core.dates import ROMAN, DateError, Period, parse_period
from dondoc.orgs.models import OrgUnit
from dondoc.portal.models import Kind, State, Submission
from dondoc.tasks.models import Program, SolutionGroup

#: States that mean the Standing Office or an agency has decided on the item.
HANDLED = frozenset({State.ANSWERED, State.SELECTED, State.PUBLISHED, State.REJECTED})
ANSWERED = frozenset({State.ANSWERED, State.SELECTED, State.PUBLISHED})

#: How the official documents name each kind, in the plural sense of a count (the quarterly
#: report's wording, in Vietnamese whatever the interface language).
KIND_WORDS = {
    Kind.INITIATIVE: "sáng kiến",
    Kind.RECOMMENDATION: "kiến nghị chính sách",
    Kind.FEEDBACK: "phản ánh",
}

_MONTH = re.compile(r"^(?:th[aá]ng\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})$", re.IGNORECASE)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(?:n[aă]m\s*)?(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A period of the statistics: a quarter, a month or a year."""

    start: dt.date
    end: dt.date
    code: str  # "2025-Q1", "2025-03", "2025": the form of the ``period`` parameter
    title: str  # "Quý I/2025", "Tháng 3/2025", "Năm 2025"

    @property
    def label(self) -> str:
        """As a sentence writes it: "quý I/2025"."""
        return self.title[0].lower() + self.title[1:]

    @property
    def name(self) -> str:
        """``title`` in the reader's language: "Quarter I/2025", "Quý I/2025"."""
        return self._named(in_sentence=False)

    @property
    def name_in_sentence(self) -> str:
        """``label`` in the reader's language: "quarter I/2025", "quý I/2025"."""
        return self._named(in_sentence=True)

    def _named(self, *, in_sentence: bool) -> str:
        year, _sep, part = self.code.partition("-")
        if part.startswith("Q"):
            values = {"quarter": ROMAN[int(part[1:])], "year": year}
            if in_sentence:
                return _("quarter %(quarter)s/%(year)s") % values
            return _("Quarter %(quarter)s/%(year)s") % values
        if part:
            values = {"month": int(part), "year": year}
            if in_sentence:
                return _("month %(month)s/%(year)s") % values
            return _("Month %(month)s/%(year)s") % values
        if in_sentence:
            return _("year %(year)s") % {"year": year}
        return _("Year %(year)s") % {"year": year}

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def quarter(cls, period: Period) -> Span:
        return cls(period.start, period.end, period.code, period.title)

    @classmethod
    def month(cls, year: int, month: int) -> Span:
        last = calendar.monthrange(year, month)[1]
        return cls(
            dt.date(year, month, 1), dt.date(year, month, last), f"{year}-{month:02d}",
            f"Tháng {month}/{year}",
        )  # fmt: skip

    @classmethod
    def year(cls, year: int) -> Span:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), f"Năm {year}")


def parse_span(text: str) -> Span:
    """ "Quý I/2025" (or any form ``parse_period`` reads), "3/2025", "2025-03", "2025";
    ``DateError`` for anything else."""
    value = str(text).strip()
    for pattern, order in ((_ISO_MONTH, (0, 1)), (_MONTH, (1, 0))):
        if match := pattern.match(value):
            year, month = int(match.group(order[0] + 1)), int(match.group(order[1] + 1))
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return Span.month(year, month)
            raise DateError(_("“%(value)s” is not a month.") % {"value": value[:40]})
    if match := _YEAR.match(value):
        year = int(match.group(1))
        if 1900 <= year <= 2200:
            return Span.year(year)
    return Span.quarter(parse_period(value))


def current_span(today: dt.date) -> Span:
    return Span.quarter(Period.containing(today))


@dataclass
class Item:
    """One submission as it stood on the date."""

    pk: int
    kind: str
    state: str
    group_id: int | None
    routed_to_id: int | None
    received_on: dt.date
    handled_on: dt.date | None = None
    answered_on: dt.date | None = None
    excluded: str = ""  # "duplicate" | "moderation" when left out


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def items_as_of(program: Program, as_of: dt.date) -> list[Item]:
    """Every submission of ``program`` received by the end of ``as_of``, from its history."""
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    history = (
        Submission.history.model.objects.filter(program=program, history_date__lt=end)
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id",
            "kind",
            "state",
            "group_id",
            "routed_to_id",
            "flagged",
            "hidden",
            "duplicate_of_id",
            "created_at",
            "history_date",
        )
    )
    items: dict[int, Item] = {}
    for pk, kind, state, group, routed, flagged, hidden, dup, created, when in history.iterator():
        day = _local_day(when)
        item = items.get(pk)
        if item is None:
            item = items[pk] = Item(pk, kind, state, group, routed, _local_day(created))
        item.kind, item.state, item.group_id, item.routed_to_id = kind, state, group, routed
        if item.handled_on is None and state in HANDLED:
            item.handled_on = day
        if item.answered_on is None and state in ANSWERED:
            item.answered_on = day
        if dup:
            item.excluded = "duplicate"
        elif flagged or (hidden and state == State.REJECTED):
            item.excluded = "moderation"
        else:
            item.excluded = ""
    return list(items.values())


@dataclass
class Breakdown:
    """Handled items of one group or agency, by kind."""

    key: int | None
    label: str
    by_kind: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def cells(self) -> list[int]:
        return [self.by_kind[k.value] for k in Kind]


@dataclass
class Stats:
    """The portal's figures for a period as of a date (see the module's rules)."""

    span: Span
    as_of: dt.date
    received: Counter  # by kind
    handled: Counter  # by kind
    handled_states: Counter  # by the state on the date of the items handled in the period
    states: Counter  # by state on the date, of the items received in the period
    by_group: list[Breakdown]
    by_agency: list[Breakdown]
    answer_days: list[int]
    duplicates: int
    held: int
    #: Days to answer per kind (the same items as ``answer_days``).
    answer_days_kind: dict[str, list[int]] = field(default_factory=dict)

    def answer_days_by_kind(self) -> dict[str, list[int]]:
        return self.answer_days_kind

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.answer_days) if self.answer_days else None

    @property
    def kinds(self) -> list[tuple[str, object, int, int]]:
        """(kind, label, received, handled) for each kind."""
        return [(k.value, k.label, self.received[k.value], self.handled[k.value]) for k in Kind]

    @property
    def state_rows(self) -> list[tuple[str, object, int]]:
        return [(s.value, s.label, self.states[s.value]) for s in State if self.states[s.value]]

    def sentence(self) -> str:
        """ "71 initiatives, 31 policy recommendations handled in quarter I/2025" in the
        reader's language ("71 sáng kiến, 31 kiến nghị chính sách được xử lý trong quý
        I/2025"); feedback only when there is some."""
        parts = [
            kind_count(k, self.handled[k]) for k in Kind if self.handled[k] or k != Kind.FEEDBACK
        ]
        return _("%(counts)s handled in %(period)s") % {
            "counts": ", ".join(parts),
            "period": self.span.name_in_sentence,
        }

    def median_sentence(self) -> str:
        median = self.median_days
        if median is None:
            return _("No submission answered in %(period)s yet.") % {
                "period": self.span.name_in_sentence
            }
        count = len(self.answer_days)
        return ngettext(
            "Median time to answer: %(days)s days (from the day received to the day answered, "
            "%(count)s submission).",
            "Median time to answer: %(days)s days (from the day received to the day answered, "
            "%(count)s submissions).",
            count,
        ) % {"days": number_format(median, 0 if median == int(median) else 1), "count": count}


def kind_count(kind: str, count: int) -> str:
    """ "3 initiatives" in the reader's language."""
    if kind == Kind.INITIATIVE:
        text = ngettext("%(count)s initiative", "%(count)s initiatives", count)
    elif kind == Kind.RECOMMENDATION:
        text = ngettext(
            "%(count)s policy recommendation", "%(count)s policy recommendations", count
        )
    else:
        text = ngettext("%(count)s feedback item", "%(count)s feedback items", count)
    return text % {"count": count}


def format_days(value: float) -> str:
    """12 or 12,5: the median of an even count may end in a half."""
    return str(int(value)) if value == int(value) else f"{value:.1f}".replace(".", ",")


def compute(
    program: Program,
    span: Span,
    as_of: dt.date | None = None,
    *,
    org_ids: Iterable[int] | None = None,
) -> Stats:
    """The figures of ``program`` for ``span`` as of ``as_of`` (default: the end of the span,
    or today when the span is not over). ``org_ids`` narrows to the items sent to those
    agencies (an agency's own view)."""
    today = timezone.localdate()
    as_of = as_of or min(span.end, today)
    items = items_as_of(program, as_of)
    if org_ids is not None:
        allowed = set(org_ids)
        items = [i for i in items if i.routed_to_id in allowed]
    duplicates = sum(1 for i in items if i.excluded == "duplicate" and span.contains(i.received_on))
    held = sum(1 for i in items if i.excluded == "moderation" and span.contains(i.received_on))
    counted = [i for i in items if not i.excluded]
    received = Counter(i.kind for i in counted if span.contains(i.received_on))
    states = Counter(i.state for i in counted if span.contains(i.received_on))
    handled_items = [i for i in counted if i.handled_on and span.contains(i.handled_on)]
    handled = Counter(i.kind for i in handled_items)
    handled_states = Counter(i.state for i in handled_items)
    by_kind: dict[str, list[int]] = {}
    for i in counted:
        if i.answered_on and span.contains(i.answered_on):
            by_kind.setdefault(i.kind, []).append((i.answered_on - i.received_on).days)
    answer_days = sorted(d for days in by_kind.values() for d in days)
    return Stats(
        span=span,
        as_of=as_of,
        received=received,
        handled=handled,
        handled_states=handled_states,
        states=states,
        by_group=_breakdown(handled_items, "group_id", partial(_group_labels, program)),
        by_agency=_breakdown(handled_items, "routed_to_id", None),
        answer_days=answer_days,
        duplicates=duplicates,
        held=held,
        answer_days_kind={k: sorted(v) for k, v in by_kind.items()},
    )


def _group_labels(program: Program) -> dict[int, str]:
    return {
        g.pk: f"{g.number}. {g.title}"
        for g in SolutionGroup.objects.filter(program=program).order_by("number")
    }


def _breakdown(
    items: list[Item], attr: str, read_labels: Callable[[], dict[int, str]] | None
) -> list[Breakdown]:
    """Rows of ``items`` by ``attr``; ``read_labels`` gives the groups' labels in their order
    (read only when there are rows), None for agencies."""
    counts: dict[int | None, Counter] = {}
    for item in items:
        counts.setdefault(getattr(item, attr), Counter())[item.kind] += 1
    if not counts:
        return []
    labels = read_labels() if read_labels is not None else None
    if labels is None:
        labels = {u.pk: u.name for u in OrgUnit.objects.filter(pk__in=[k for k in counts if k])}
    order = list(labels)
    rows = [
        Breakdown(key, labels.get(key, "") if key else "", by_kind)
        for key, by_kind in counts.items()
    ]
    if attr == "group_id":
        rows.sort(key=lambda r: (r.key is None, order.index(r.key) if r.key in labels else 0))
    else:
        rows.sort(key=lambda r: (r.key is None, -r.total, r.label))
    for row in rows:
        if row.key is None:
            row.label = str(
                _("Not classified") if attr == "group_id" else _("Not sent to an agency")
            )
    return rows


__all__ = ["Span", "Stats", "compute", "current_span", "parse_span"]

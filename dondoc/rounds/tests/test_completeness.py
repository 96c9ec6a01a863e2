"""Completeness counts ("55/63 provinces reported") against a hand count, mergers included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from dondoc.accounts.models import Role, User
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds import services
from dondoc.rounds.completeness import ReportStatus, completeness, expected_agencies
from dondoc.rounds.plans import action_plan_counts

VN = dt.timezone(dt.timedelta(hours=7))
MERGED_ON = dt.date(2025, 7, 1)
LAST_DAY = dt.date(2025, 6, 30)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _province(code: str, name: str, **extra) -> OrgUnit:
    return OrgUnit.objects.create(code=code, kind=OrgKind.PROVINCE, name=name, **extra)


@pytest.fixture
def units(db):
    """Six provinces that live on, two that merged on 01/07/2025, two ministries.

    "Hà Giang" merged into a new "Tuyên Quang" (created 01/07/2025); "Bắc Kạn" merged into
    "Thái Nguyên", which lives on.
    """
    u = {
        name: _province(name, name)
        for name in ("thai-nguyen", "cao-bang", "lao-cai", "son-la", "dien-bien")
    }
    u["tuyen-quang"] = _province("tuyen-quang", "tuyen-quang", valid_from=MERGED_ON)
    u["ha-giang"] = _province("ha-giang", "ha-giang", valid_to=LAST_DAY, successor=u["tuyen-quang"])
    u["bac-kan"] = _province("bac-kan", "bac-kan", valid_to=LAST_DAY, successor=u["thai-nguyen"])
    for code in ("bo-a", "bo-b"):
        u[code] = OrgUnit.objects.create(code=code, kind=OrgKind.MINISTRY, name=code)
    return u


def _round(program, clerk, units, title, end, chosen):
    return services.open_round(
        program=program,
        title=title,
        period_start=end.replace(day=1) - dt.timedelta(days=60),
        period_end=end,
        due_on=end + dt.timedelta(days=5),
        grace_days=2,
        agencies=[units[c] for c in chosen],
        by=clerk,
    )


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=VN)


def test_a_merged_province_is_not_expected_after_its_last_day_but_its_successor_is(
    program, clerk, units
):
    chosen = ["thai-nguyen", "ha-giang", "bac-kan", "tuyen-quang"]
    q2 = _round(program, clerk, units, "Quý II/2025", LAST_DAY, chosen)
    q3 = _round(program, clerk, units, "Quý III/2025", dt.date(2025, 9, 30), chosen)
    codes = lambda r: sorted(u.code for u in expected_agencies(r))  # noqa: E731
    assert codes(q2) == ["bac-kan", "ha-giang", "thai-nguyen"]  # Tuyên Quang not yet created
    assert codes(q3) == ["thai-nguyen", "tuyen-quang"]  # each merged unit once, as its successor


def test_counts_on_the_round_dashboard_match_a_hand_count(program, clerk, tracker, units):
    everyone = [
        "thai-nguyen", "cao-bang", "lao-cai", "son-la", "dien-bien",
        "ha-giang", "bac-kan", "bo-a", "bo-b",
    ]  # fmt: skip
    q3 = _round(program, clerk, units, "Quý III/2025", dt.date(2025, 9, 30), everyone)
    head = User.objects.create_user(username="h", role=Role.AGENCY_HEAD)
    due = q3.due_on

    def submitted(code: str, day: dt.date):
        with time_machine.travel(_moment(day), tick=False):
            return services.submit(services.start_submission(q3, units[code], by=head), by=head)

    services.accept(submitted("thai-nguyen", due), by=tracker)  # on time
    submitted("tuyen-quang", due + dt.timedelta(days=2))  # on time (grace), for Hà Giang
    submitted("cao-bang", due + dt.timedelta(days=3))  # late
    services.start_submission(q3, units["lao-cai"], by=head)  # draft only
    services.return_for_correction(submitted("son-la", due), by=tracker, comment="Sửa")  # draft
    # Điện Biên: nothing.
    submitted("bo-a", due)  # on time
    # Bộ B: nothing.

    data = completeness(q3)
    provinces, ministries = data.by_kind
    # By hand: provinces expected are Thái Nguyên (with Bắc Kạn), Cao Bằng, Lào Cai, Sơn La,
    # Điện Biên and Tuyên Quang (for Hà Giang) = 6; on time 2, late 1, drafts 2, nothing 1.
    assert (provinces.kind, provinces.expected) == (OrgKind.PROVINCE, 6)
    assert (provinces.on_time, provinces.late, provinces.drafts, provinces.nothing) == (2, 1, 2, 1)
    with translation.override("en"):
        assert provinces.sentence == "3/6 provinces and cities reported; 2 sent drafts only"
    assert (ministries.expected, ministries.on_time, ministries.nothing) == (2, 1, 1)
    assert (data.total.expected, data.total.submitted) == (8, 4)
    standing = {line.agency.code: line.status for line in data.lines}
    assert standing["tuyen-quang"] == ReportStatus.ON_TIME
    assert standing["son-la"] == ReportStatus.DRAFT
    assert standing["dien-bien"] == ReportStatus.NOTHING
    assert "ha-giang" not in standing and "bac-kan" not in standing


def test_completeness_queries_do_not_grow_with_the_number_of_agencies(
    program, clerk, units, django_assert_max_num_queries
):
    chosen = [code for code in units if code != "tuyen-quang"]
    q3 = _round(program, clerk, units, "Quý III/2025", dt.date(2025, 9, 30), chosen)
    q3 = type(q3).objects.get(pk=q3.pk)
    # The chosen units, their successors (one query per step of a merger chain), submissions.
    with django_assert_max_num_queries(3):
        completeness(q3)


def test_action_plan_counts_follow_the_units_existing_on_the_day(program, clerk, units):
    def plan(code: str, day: dt.date) -> None:
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=VIETNAM)):
            services.record_action_plan(
                program=program, agency=units[code], number=f"KH-{code}", issued_on=day, by=clerk
            )

    plan("thai-nguyen", dt.date(2025, 2, 1))
    plan("ha-giang", dt.date(2025, 2, 10))
    plan("tuyen-quang", dt.date(2025, 7, 15))
    plan("bo-a", dt.date(2025, 3, 1))

    def provinces(day: dt.date) -> tuple[int, int]:
        count = action_plan_counts(program, day).kinds[0]
        return len(count.issued), count.expected

    assert provinces(LAST_DAY) == (2, 7)  # seven provinces then; Thái Nguyên and Hà Giang
    assert provinces(dt.date(2025, 7, 10)) == (1, 6)  # Tuyên Quang has no plan yet
    assert provinces(dt.date(2025, 7, 31)) == (2, 6)
    counts = action_plan_counts(program, dt.date(2025, 7, 31))
    assert counts.kinds[1].sentence.startswith("1/2 ")


def test_a_plan_recorded_after_the_day_does_not_count_for_it(program, clerk, units):
    with time_machine.travel(dt.datetime(2025, 5, 20, 9, tzinfo=VIETNAM)):
        services.record_action_plan(
            program=program,
            agency=units["bo-a"],
            number="KH-late",
            issued_on=dt.date(2025, 3, 1),
            by=clerk,
        )
    before = dt.date(2025, 5, 19)
    ministries = {kind.kind: kind for kind in action_plan_counts(program, before).kinds}
    later = {kind.kind: kind for kind in action_plan_counts(program, dt.date(2025, 5, 20)).kinds}
    assert len(ministries[OrgKind.MINISTRY].issued) == 0
    assert len(later[OrgKind.MINISTRY].issued) == 1

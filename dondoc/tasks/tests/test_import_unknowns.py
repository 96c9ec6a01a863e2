"""Unknown agencies of a table: listed once with suggestions, then mapped, created or dropped."""

from __future__ import annotations

import pytest

from dondoc.orgs.models import OrgUnit
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import Directive, SolutionGroup, Task
from dondoc.tasks.tests.test_import_report import count_all_rows

TABLE = "\n".join(
    [
        "STT,Tên nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Tiến độ",
        "IX,Dữ liệu mở,,,",
        '1,Ban hành quy chế dữ liệu,Bộ Khoa học và Công nghê,"Sở Ngoại vụ, Bộ Tài chính",6/2025',
        "2,Xây dựng cổng thông tin,Bộ Tài chính,Sở Ngoại vụ,Hằng năm",
        "2.1,Vận hành thử cổng thông tin,,,12/2025",
        "3,Đào tạo cán bộ,Bộ Khoa học và Công nghê,,",
    ]
).encode()
DIRECTIVE = "15/KH-BCĐTW ngày 02/05/2025"


@pytest.fixture
def known(program, committee, most):
    program.standing_office = committee
    program.save()
    return most


def run(program, **options):
    return import_file(TABLE, filename="plan.csv", program=program, directive=DIRECTIVE, **options)


@pytest.mark.django_db
def test_unknown_names_are_listed_once_with_their_rows_and_closest_names(known, program):
    before = count_all_rows()

    summary = run(program)

    assert count_all_rows() == before and summary.needs_resolution
    unknowns = {u["name"]: u for u in summary.unknowns}
    assert set(unknowns) == {"Bộ Khoa học và Công nghê", "Sở Ngoại vụ", "Bộ Tài chính"}
    assert unknowns["Sở Ngoại vụ"]["rows"] == [3, 4]
    assert unknowns["Bộ Khoa học và Công nghê"]["suggestions"][0]["id"] == known.pk
    assert len(summary.rejected) == 3  # one per name, not one per row


@pytest.mark.django_db
def test_a_review_maps_one_creates_one_and_drops_one(known, program):
    resolutions = {
        ("agency", "Bộ Khoa học và Công nghê"): {"action": "map", "id": known.pk},
        ("agency", "Bộ Tài chính"): {"action": "create"},
        ("agency", "Sở Ngoại vụ"): {"action": "drop"},
    }
    progress = []

    summary = run(program, resolutions=resolutions, progress=lambda *a: progress.append(a))

    assert summary.ok, summary.rejected
    assert summary.created == 4 and progress[-1] == (4, 4)
    created = {(r["kind"], r["name"]) for r in summary.created_references}
    assert created == {("agency", "Bộ Tài chính"), ("document", DIRECTIVE), ("group", "Dữ liệu mở")}
    assert OrgUnit.objects.get(name="Bộ Tài chính").kind == "ministry"
    assert not OrgUnit.objects.filter(name="Sở Ngoại vụ").exists()
    assert Directive.objects.get(number="15/KH-BCĐTW").issuer.name == "Ban Chỉ đạo Trung ương"
    first = Task.objects.get(content="Ban hành quy chế dữ liệu")
    assert [u.name for u in first.lead_agencies()] == [known.name]
    assert first.group == SolutionGroup.objects.get(program=program, title="Dữ liệu mở")
    step = Task.objects.get(content="Vận hành thử cổng thông tin")
    assert step.parent.content == "Xây dựng cổng thông tin"
    assert [u.name for u in step.lead_agencies()] == ["Bộ Tài chính"]


@pytest.mark.django_db
def test_a_dry_run_creates_no_reference(known, program):
    before = count_all_rows()

    summary = run(program, create_missing=True, dry_run=True)

    assert summary.ok and summary.created == 4
    assert count_all_rows() == before
    assert not OrgUnit.objects.filter(name="Sở Ngoại vụ").exists()
    assert all(r["id"] is None for r in summary.created_references)

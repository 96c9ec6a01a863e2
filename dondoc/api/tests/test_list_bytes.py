"""The API list writes its items from plain rows (``api.items.task_items``): its answers must
be, byte for byte, those written from the model objects through the schema, for every kind of
reader, filter, sort and page, and its refusals the same as ever."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from dondoc.accounts.models import Membership, Role, User
from dondoc.api.schemas import TaskPage
from dondoc.api.serialize import task_item, task_urls, with_related
from dondoc.followups.services import grant_extension
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import Member, OrgGroup
from dondoc.tasks import services
from dondoc.tasks.filters import filter_tasks
from dondoc.tasks.models import Directive, DirectiveKind

AS_OF = "2025-06-20"


@pytest.fixture
def tasks(program, notice, committee, most, hanoi, member_person, clerk):
    ensure_standard_groups()
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")
    later = Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="99/TB-VPTW",
        date=dt.date(2025, 3, 1),
        issuer=committee,
    )
    second = Member.objects.create(program=program, full_name="Âu Văn An", sort_order=0)
    third = Member.objects.create(program=program, full_name="Đỗ Thị Bình", sort_order=0)
    made = [
        services.create_task(
            program=program,
            content='Hoàn thiện <b>thể chế</b> & "dữ liệu"',
            assigned_on=dt.date(2025, 1, 22),
            deadline="Quý I/2025",
            group=program.groups.first(),
            sources=[(later, "Ý 2", ""), (notice, "Ý 1", ""), (notice, "Ý 3", "")],
            leads=[most, provinces],
            coordinators=[hanoi, provinces],
            members=[third, member_person, second],
            expected_output="Nghị định " + "rất dài " * 30,
        ),
        services.create_task(
            program=program,
            content="Xây dựng cơ sở dữ liệu",
            assigned_on=dt.date(2025, 1, 22),
            deadline="Tháng 4/2025",
            sources=[(notice, "(2)", "")],
            leads=[hanoi],
            coordinators=[most],
        ),
        services.create_task(
            program=program,
            content="Thường xuyên theo dõi",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Thường xuyên",
            coordinators=[most],
        ),
        services.create_task(
            program=program,
            content="Ban hành đề án",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Tháng 3/2025",
            leads=[most],
            members=[second],
            expected_output="Đề án",
        ),
        services.create_task(
            program=program,
            content="Nhiệm vụ không còn thực hiện",
            assigned_on=dt.date(2025, 3, 1),
            leads=[hanoi],
        ),
    ]
    # In force from 01/06: the deadline as of AS_OF differs from the original one.
    grant_extension(made[1], by=clerk, new_due_on=dt.date(2025, 12, 31),
                    granted_on=dt.date(2025, 6, 1))  # fmt: skip
    services.post_update(made[2], by=clerk, text="Xong", reported_on=dt.date(2025, 5, 2),
                         status_change="completed", effective_on=dt.date(2025, 5, 2))  # fmt: skip
    services.post_update(made[3], by=clerk, text="Muộn", reported_on=dt.date(2025, 4, 9),
                         status_change="completed", effective_on=dt.date(2025, 4, 9))  # fmt: skip
    services.post_update(made[4], by=clerk, text="Dừng", reported_on=dt.date(2025, 4, 1),
                         status_change="cancelled", effective_on=dt.date(2025, 4, 1))  # fmt: skip
    return made


def _reader(username: str, role: str, *units) -> User:
    user = User.objects.create_user(username=username, password="x", role=role)
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


@pytest.fixture
def readers(tasks, clerk, most):
    return {
        "standing office": clerk,
        "agency head": _reader("head", Role.AGENCY_HEAD, most),
        "reporter": _reader("reporter", Role.REPORTER, most),
        "observer": _reader("observer", Role.OBSERVER),
    }


def from_model_objects(user, params: dict, offset: int = 0, limit: int = 50) -> bytes:
    """The answer as the list wrote it from model objects, validated by the schema."""
    qs, _state = filter_tasks(user, params)
    count = qs.count()
    url = task_urls(lambda path: f"http://testserver{path}")
    counts: dict[int, int] = {}
    items = [task_item(t, group_counts=counts, url=url) for t in with_related(qs)]
    body = {"count": count, "items": items[offset : offset + limit]}
    valid = TaskPage.model_validate(body).model_dump(mode="json")
    return json.dumps(valid, cls=NinjaJSONEncoder).encode()


FILTERS = [
    {"as_of": AS_OF},
    {"as_of": AS_OF, "sort": "-deadline"},
    {"as_of": AS_OF, "sort": "status"},
    {"as_of": AS_OF, "sort": "-lead"},
    {"as_of": AS_OF, "sort": "assigned"},
    {"as_of": AS_OF, "status": "completed"},
    {"as_of": AS_OF, "status": ["overdue", "cancelled"]},
    {"as_of": AS_OF, "status": "open", "q": "du lieu"},
    {"as_of": AS_OF, "late_against_original": "true"},
    {"as_of": AS_OF, "output_kind": "decree", "output": "nghi dinh"},
    {"as_of": AS_OF, "due_from": "2025-03-01", "due_to": "2025-12-31"},
    {"as_of": "2025-04-15", "status": "open", "sort": "lead"},
    {"as_of": "2025-01-01"},  # before any task was assigned: empty
    {"as_of": AS_OF, "q": "khong co gi"},  # empty
]


def test_the_list_answers_the_bytes_the_model_objects_gave(client, readers):
    for reader in readers.values():
        client.force_login(reader)
        for params in FILTERS:
            response = client.get("/api/tasks", params)
            assert response.status_code == 200
            assert response.content == from_model_objects(reader, params), (reader, params)


def test_filters_by_agency_member_group_and_directive_answer_the_same_bytes(
    client, readers, program, most, hanoi, member_person, notice
):
    group = program.groups.first()
    for params in (
        {"lead": most.pk},
        {"lead": hanoi.pk, "sort": "-assigned"},
        {"agency": most.pk},
        {"member": member_person.pk},
        {"group": group.pk},
        {"directive": notice.pk, "sort": "-status"},
    ):
        params = {"as_of": AS_OF, "program": program.code, **params}
        for reader in readers.values():
            client.force_login(reader)
            expected = from_model_objects(reader, params)
            assert client.get("/api/tasks", params).content == expected, (reader, params)


def test_pages_and_a_bearer_token_answer_the_same_bytes(client, readers):
    from dondoc.accounts.models import ApiToken

    for reader in readers.values():
        client.force_login(reader)
        for offset, limit in ((0, 1), (1, 2), (3, 50), (4, 1), (5, 10), (50, 50)):
            params = {"as_of": AS_OF, "offset": offset, "limit": limit}
            expected = from_model_objects(reader, {"as_of": AS_OF}, offset, limit)
            assert client.get("/api/tasks", params).content == expected, (reader, params)
        _token, key = ApiToken.issue(reader, "test", "read")
        response = Client().get("/api/tasks", {"as_of": AS_OF}, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.content == from_model_objects(reader, {"as_of": AS_OF})


#: Refusals, as answered before the items were written from plain rows (Vietnamese: the
#: language of a request that asks for none).
REFUSALS = [
    (
        {"program": "KHONG-CO"},
        404,
        b'{"detail": "No program with code \'KHONG-CO\'.", "errors": []}',
    ),
    (
        {"as_of": "32/13/2025"},
        422,
        b'{"detail": "as_of: \\u201c32/13/2025\\u201d kh\\u00f4ng ph\\u1ea3i l\\u00e0 '
        b"m\\u1ed9t ng\\u00e0y c\\u00f3 th\\u1eadt: h\\u00e3y ki\\u1ec3m tra ng\\u00e0y "
        b'v\\u00e0 th\\u00e1ng.", "errors": [{"loc": ["query", "as_of"], "field": "as_of", '
        b'"msg": "\\u201c32/13/2025\\u201d kh\\u00f4ng ph\\u1ea3i l\\u00e0 m\\u1ed9t '
        b"ng\\u00e0y c\\u00f3 th\\u1eadt: h\\u00e3y ki\\u1ec3m tra ng\\u00e0y v\\u00e0 "
        b'th\\u00e1ng."}]}',
    ),
    (
        {"limit": 0},
        422,
        b'{"detail": "limit: Input should be greater than or equal to 1", "errors": [{"loc": '
        b'["query", "limit"], "field": "limit", "msg": "Input should be greater than or equal '
        b'to 1"}]}',
    ),
    (
        {"lead": "abc"},
        422,
        b'{"detail": "lead: Input should be a valid integer, unable to parse string as an '
        b'integer", "errors": [{"loc": ["query", "lead"], "field": "lead", "msg": "Input '
        b'should be a valid integer, unable to parse string as an integer"}]}',
    ),
    (
        {"q": "a\x00b"},
        400,
        b'{"detail": "Tham s\\u1ed1 q ch\\u1ee9a k\\u00fd t\\u1ef1 kh\\u00f4ng '
        b'\\u0111\\u01b0\\u1ee3c ph\\u00e9p.", "errors": []}',
    ),
]


def test_refusals_answer_as_before(client, readers):
    statuses = ", ".join(
        f"'{s}'" for s in ("completed_on_time", "completed_late", "in_progress", "due_soon")
    )
    for reader in readers.values():
        client.force_login(reader)
        for params, status, body in REFUSALS:
            response = client.get("/api/tasks", params)
            assert (response.status_code, response.content) == (status, body), params
            assert response["Content-Type"].startswith("application/json")
        response = client.get("/api/tasks", {"status": "bogus"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "filters", "status", "0"]
        assert statuses in response.json()["detail"]

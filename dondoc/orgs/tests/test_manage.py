"""The Standing Office creates and edits organisation units in the application: names,
aliases, and mergers (last day and successor), each change in the unit's history."""

from __future__ import annotations

import pytest

from dondoc.orgs.models import OrgAlias, OrgKind, OrgUnit


@pytest.fixture
def office(client, clerk):
    client.force_login(clerk)
    return client


def _form(unit: OrgUnit, **changes) -> dict:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
        "aliases": "\n".join(unit.aliases.values_list("alias", flat=True)),
    }
    data.update(changes)
    return data


@pytest.fixture
def bac_lieu(db) -> OrgUnit:
    return OrgUnit.objects.create(
        code="bac-lieu", kind=OrgKind.PROVINCE, name="Tỉnh ủy Bạc Liêu", short_name="Bạc Liêu"
    )


@pytest.fixture
def ca_mau(db) -> OrgUnit:
    return OrgUnit.objects.create(
        code="ca-mau", kind=OrgKind.PROVINCE, name="Tỉnh ủy Cà Mau", short_name="Cà Mau"
    )


@pytest.mark.django_db
def test_a_merger_is_recorded_with_last_day_and_successor(office, clerk, bac_lieu, ca_mau):
    response = office.post(
        f"/orgs/{bac_lieu.pk}/edit/",
        _form(bac_lieu, valid_to="30/06/2025", successor=ca_mau.pk),
    )

    assert response.status_code == 302
    bac_lieu.refresh_from_db()
    assert str(bac_lieu.valid_to) == "2025-06-30" and bac_lieu.successor == ca_mau
    assert bac_lieu.pk in ca_mau.lineage_ids()
    assert bac_lieu.history.latest().history_user == clerk


@pytest.mark.django_db
def test_a_merger_needs_the_last_day(office, bac_lieu, ca_mau):
    response = office.post(f"/orgs/{bac_lieu.pk}/edit/", _form(bac_lieu, successor=ca_mau.pk))

    assert "valid_to" in response.context["form"].errors
    bac_lieu.refresh_from_db()
    assert bac_lieu.successor is None


@pytest.mark.django_db
def test_successors_cannot_loop(office, bac_lieu, ca_mau):
    bac_lieu.successor, bac_lieu.valid_to = ca_mau, "2025-06-30"
    bac_lieu.save()

    response = office.post(
        f"/orgs/{ca_mau.pk}/edit/", _form(ca_mau, valid_to="30/06/2025", successor=bac_lieu.pk)
    )

    assert response.status_code == 200
    ca_mau.refresh_from_db()
    assert ca_mau.successor is None


@pytest.mark.django_db
def test_aliases_are_edited_one_per_line_and_kept_in_history(office, clerk, most):
    office.post(f"/orgs/{most.pk}/edit/", _form(most, aliases="Bộ KH&CN\nĐảng ủy Bộ KHCN\n"))

    assert sorted(most.aliases.values_list("alias", flat=True)) == [
        "Bộ KH&CN",
        "Đảng ủy Bộ KHCN",
    ]
    removed = OrgAlias.history.filter(alias="Đảng uỷ Bộ KH&CN", history_type="-").get()
    assert removed.history_user == clerk


@pytest.mark.django_db
def test_an_alias_of_another_unit_is_refused_by_name(office, most, hanoi):
    response = office.post(f"/orgs/{hanoi.pk}/edit/", _form(hanoi, aliases="đảng ủy bộ kh&cn"))

    assert "Đảng ủy Bộ Khoa học và Công nghệ" in str(response.context["form"].errors["aliases"])
    assert not hanoi.aliases.exists()


@pytest.mark.django_db
def test_a_new_unit_is_created(office):
    response = office.post(
        "/orgs/new/",
        {
            "name": "Đảng ủy Bộ Y tế",
            "short_name": "Bộ Y tế",
            "code": "du-bo-yt",
            "kind": "ministry",
            "aliases": "Bộ Y tế",
        },
    )

    unit = OrgUnit.objects.get(code="du-bo-yt")
    assert response["Location"] == f"/orgs/{unit.pk}/"
    assert list(unit.aliases.values_list("alias", flat=True)) == ["Bộ Y tế"]


@pytest.mark.django_db
def test_only_the_standing_office_edits_units(client, reporter, most):
    client.force_login(reporter)

    assert client.get(f"/orgs/{most.pk}/edit/").status_code == 403
    assert client.post("/orgs/new/", {"name": "X"}).status_code == 403


@pytest.mark.django_db
def test_an_edit_loaded_before_another_change_does_not_undo_it(office, clerk, most):
    loaded = office.get(f"/orgs/{most.pk}/edit/").context["version"]
    data = _form(most, short_name="KH&CN", version=loaded)
    office.post(f"/orgs/{most.pk}/edit/", _form(most, aliases="Bộ KHCN"))  # somebody else

    office.post(f"/orgs/{most.pk}/edit/", data)

    most.refresh_from_db()
    assert most.short_name == "Bộ KH&CN"
    assert list(most.aliases.values_list("alias", flat=True)) == ["Bộ KHCN"]

"""``core.prepared``: a query compiled once per shape gives the ORM's rows for any values,
converted as the ORM converts them, and a query with parameters of its own is not kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from dondoc.core import prepared
from dondoc.core.testing.concurrency import on_postgres
from dondoc.tasks.models import Directive, DirectiveKind


def _directives(ids):
    return Directive.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "number", "date")


def _directives_of_kind(ids):
    return (
        Directive.objects.filter(pk__in=ids, kind=DirectiveKind.NOTICE)
        .order_by("pk")
        .values_list("pk", "date")
    )


def _directives_with_an_id_in_their_text(ids):
    return Directive.objects.extra(where=[f"id = {int(ids[0])}"]).values_list("pk")


@pytest.fixture
def directives(program, committee):
    return [
        Directive.objects.create(
            program=program,
            kind=DirectiveKind.NOTICE if i % 2 else DirectiveKind.DECISION,
            number=f"{i}/TB",
            date=dt.date(2025, 1, 1 + i),
            issuer=committee,
        )
        for i in range(4)
    ]


@pytest.mark.django_db
def test_rows_are_the_orms_for_every_set_of_values_of_one_length(directives):
    prepared._KEPT.clear()
    for pair in ([directives[0].pk, directives[1].pk], [directives[3].pk, directives[2].pk]):
        rows = prepared.rows(("test", "directives"), _directives, pair)
        assert rows == list(_directives(pair))
        assert isinstance(rows[0][2], dt.date)  # converted as the ORM converts (SQLite: text)
    assert len([k for k in prepared._KEPT if "test" in k]) == 1


@pytest.mark.django_db
def test_a_query_keeps_its_other_parameters(directives):
    prepared._KEPT.clear()
    ids = [d.pk for d in directives]
    for chosen in (ids, list(reversed(ids))):
        assert prepared.rows(("test", "kind"), _directives_of_kind, chosen) == list(
            _directives_of_kind(chosen)
        )
    assert prepared.rows(("test", "kind"), _directives_of_kind, []) == []


@pytest.mark.django_db
def test_an_id_written_into_the_sql_goes_through_the_orm(directives):
    prepared._KEPT.clear()
    for directive in directives[:2]:
        assert prepared.rows(
            ("test", "text"), _directives_with_an_id_in_their_text, [directive.pk]
        ) == [(directive.pk,)]
    assert list(prepared._KEPT.values()) == [None]


def _directive_with_its_program(ids):
    return (
        Directive.objects.filter(pk=ids[0])
        .select_related("program", "issuer")
        .annotate(n_sources=Count("sources"))
        .order_by("pk")[:1]
    )


@pytest.mark.django_db
def test_instances_are_the_orms_objects_with_their_relations_and_annotations(directives):
    prepared._KEPT.clear()
    for directive in directives[:2]:
        (found,) = prepared.instances(("test", "one"), _directive_with_its_program, [directive.pk])
        (expected,) = _directive_with_its_program([directive.pk])
        assert (found.pk, found.number, found.date, found.n_sources) == (
            expected.pk,
            expected.number,
            expected.date,
            0,
        )
        with CaptureQueriesContext(connection) as ctx:  # selected with it: no further query
            assert (found.program.code, found.issuer.name) == (
                expected.program.code,
                expected.issuer.name,
            )
        assert not ctx.captured_queries
    assert prepared.instances(("test", "one"), _directive_with_its_program, [0]) == []
    assert len([k for k in prepared._KEPT if "one" in k]) == 1


@pytest.mark.django_db
def test_a_constant_query_is_kept_and_reads_the_current_rows(program, directives):
    """A query that takes no ids (the active programs every list asks for) is compiled once,
    and each call still reads the database's rows."""
    prepared._KEPT.clear()

    def active(_ids):
        return type(program).objects.active().order_by("pk")

    first = prepared.instances(("test", "constant"), active, [], constant=True)
    assert [p.pk for p in first] == [p.pk for p in active([])] == [program.pk]
    assert prepared._KEPT[(connection.vendor, "test", "constant", 0)] is not None
    program.archived_on = dt.date(2025, 1, 1)
    program.save()
    assert prepared.instances(("test", "constant"), active, [], constant=True) == []


@pytest.mark.django_db
def test_a_key_that_leaves_out_what_the_query_depends_on_fails_in_the_tests(directives):
    """The suite checks every reuse: a key without the kind the query filters on would serve
    one caller's kind to the next, and is caught at the reuse."""
    prepared._KEPT.clear()
    ids = [d.pk for d in directives]

    def of_kind(kind):
        return lambda chosen: Directive.objects.filter(pk__in=chosen, kind=kind).values_list("pk")

    prepared.rows(("test", "kind left out"), of_kind(DirectiveKind.NOTICE), ids)
    with pytest.raises(AssertionError, match="differs from the ORM"):
        prepared.rows(("test", "kind left out"), of_kind(DirectiveKind.DECISION), ids)


def test_the_check_takes_an_in_list_in_any_order_and_nothing_else():
    sql = "SELECT 1 FROM t WHERE a IN (%s, %s, %s) AND b = %s AND c = %s"
    assert prepared._in_lists_sorted(sql, [3, 1, 2, 9, 8]) == [1, 2, 3, 9, 8]
    assert prepared._in_lists_sorted(sql, [1, 2, 3, 8, 9]) != [1, 2, 3, 9, 8]


def _directives_any_of(ids):
    return (
        Directive.objects.filter(prepared.AnyOf(F("pk"), ids), kind=DirectiveKind.NOTICE)
        .order_by("pk")
        .values_list("pk", "number")
    )


@pytest.mark.django_db
def test_ids_given_as_one_array_are_kept_and_read_the_orms_rows(directives):
    prepared._KEPT.clear()
    ids = [d.pk for d in directives]
    for chosen in (ids, list(reversed(ids)), ids[1:3]):
        with CaptureQueriesContext(connection) as ran:
            rows = prepared.rows(("test", "any of"), _directives_any_of, chosen)
        assert rows == list(_directives_any_of(chosen))
        assert [d.pk for d in directives if d.pk in chosen and d.kind == DirectiveKind.NOTICE] == [
            pk for pk, _number in rows
        ]
        if connection.vendor == "postgresql":  # one parameter for the ids, however many
            assert "= ANY(" in ran.captured_queries[-1]["sql"]
    assert all(kept is not None for kept in prepared._KEPT.values())  # not the ORM every time


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="an array parameter on PostgreSQL only")
@pytest.mark.django_db
def test_the_list_rows_relations_pass_the_ids_as_one_parameter_on_postgresql(directives):
    from dondoc.tasks.filters import _relation_rows

    sql, params = _relation_rows(list(range(1, 51))).query.sql_with_params()
    assert sql.count("= ANY(%s)") == 4 and len(params) < 10  # not 4 × 50

"""Resolution 57's indicator set as shipped, and the pages and CLI that show it."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from dondoc.indicators.models import Indicator, IndicatorValue, Target
from dondoc.indicators.nq57 import load_indicators

#: Quantified targets of 57-NQ/TW section II: II.1 (2030) names 21 measured outcomes, two of
#: them ranked in two scopes (digital competitiveness and e-government: top 3 in South-East
#: Asia, top 50 in the world), so 23 targets; II.2 (2045) names four: digital economy ≥ 50 %
#: of GDP, top 30 in innovation, ≥ 10 digital firms of advanced rank, ≥ 5 leading firms more.
TARGETS_2030, TARGETS_2045, STRATEGIC = 23, 4, 22


@pytest.fixture
def loaded(program):
    counts = Counter()
    load_indicators(program, counts)
    return counts


def test_every_quantified_target_of_the_resolution_loads_with_its_source(loaded):
    strategic = Indicator.objects.filter(kind="strategic")
    targets = Target.objects.filter(indicator__in=strategic)

    assert strategic.count() == STRATEGIC
    assert targets.filter(due_on__year=2030).count() == TARGETS_2030
    assert targets.filter(due_on__year=2045).count() == TARGETS_2045
    assert set(targets.filter(due_on__year=2030).values_list("source", flat=True)) == {
        "57-NQ/TW, mục II.1"
    }
    assert set(targets.filter(due_on__year=2045).values_list("source", flat=True)) == {
        "57-NQ/TW, mục II.2"
    }
    economy = Indicator.objects.get(code="7")
    assert [(t.due_on.year, t.operator, t.value) for t in economy.targets.all()] == [
        (2030, "ge", 30),
        (2045, "ge", 50),
    ]
    assert Indicator.objects.get(code="1").direction == "lower"


def test_seed_values_at_their_dates_each_with_a_source(loaded):
    values = IndicatorValue.objects.all()

    assert values.count() == 18 and not values.filter(source="").exists()
    assert values.get(indicator__code="20").value == pytest.approx(25.5)
    assert values.get(indicator__code="TN4").period_end.isoformat() == "2025-03-31"
    assert values.get(indicator__code="TN13").value == 858
    assert values.filter(period_end="2025-06-30").count() == 4


def test_loading_again_adds_nothing(program, loaded):
    before = (Indicator.history.count(), Target.history.count(), IndicatorValue.objects.count())
    counts = Counter()

    load_indicators(program, counts)

    assert not +counts
    assert (
        Indicator.history.count(),
        Target.history.count(),
        IndicatorValue.objects.count(),
    ) == before


def test_cli_lists_targets_latest_value_and_status(loaded):
    out = io.StringIO()

    call_command("indicators", "--program", "NQ57", "--as-of", "30/06/2025", "--json", stdout=out)

    items = {item["code"]: item for item in json.loads(out.getvalue())}
    assert items["1"]["targets"][0] | {} == {
        "date": "2030-12-31",
        "op": "le",
        "value": "3",
        "scope": "Đông Nam Á",
        "text": "≤ 3 Đông Nam Á",
        "source": "57-NQ/TW, mục II.1",
    }
    assert items["16"]["targets"][0]["low"] == "40"
    assert items["20"]["latest"]["value"] == "25.5" and items["20"]["status"] == "not_assessed"
    assert items["1"]["status"] == "no_data"
    assert items["TN13"]["latest"]["period_end"] == "2025-06-30"


def test_pages_show_targets_and_seed_values(
    client, committee_member, loaded, django_assert_max_num_queries
):
    client.force_login(committee_member)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("indicators:list"), {"as_of": "30/06/2025"})

    text = page.content.decode()
    assert "≤ 3 Đông Nam Á" in text and "tối thiểu 50%" in text and "31/03/2025" in text
    five_g = Indicator.objects.get(code="20")
    detail = client.get(reverse("indicators:detail", args=[five_g.pk])).content.decode()
    assert "Phủ sóng 5G toàn quốc" in detail and "25,5" in detail and "02-BC/CQTTBCĐ" in detail

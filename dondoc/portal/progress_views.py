"""The public progress page (trang tiến độ công khai, /tien-do/): no account needed.

It shows, for a program marked public (``Program.public``), the task counts by solution group
and status as of today, from the dashboard's own figures (``tasks/dashboard.py``: a task's
status reads only published progress updates, never a draft), and the indicators marked public
with their latest approved national figure (the national value, else the roll-up of the
provinces' values, saying from how many) and their targets. Every aggregate says on the page
how it is computed.

The rendered page is kept in the cache for ``DONDOC_PROGRESS_CACHE_SECONDS`` (60 s) per
program, day and language, and the response may be kept as long by browsers and proxies: the
page is public, a minute of staleness is accepted (also after a program stops being public).
Nothing on the page depends on the visitor or sets a cookie (the language switch needs no
token).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from dondoc.indicators.models import Indicator
from dondoc.indicators.national import min_coverage
from dondoc.indicators.queries import catalogue
from dondoc.portal.access import portal_program
from dondoc.tasks import dashboard
from dondoc.tasks.models import Program, Task
from dondoc.tasks.queries import tasks_as_of

#: What a program's code may be (a slug of at most 32 characters).
_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")
#: The columns of the table by solution group (keys of ``dashboard.figures``).
COLUMNS = ("assigned", "completed", "open", "overdue")


def public_programs() -> list[Program]:
    return list(Program.objects.active().filter(public=True).order_by("pk"))


def _percent(part: int, whole: int) -> str:
    """ "21,3" (Vietnamese decimal comma); empty when nothing is counted."""
    if not whole:
        return ""
    return f"{100 * part / whole:.1f}".replace(".", ",")


def progress_figures(program: Program, today: dt.date) -> dict:
    """The page's figures as plain data (cached as such)."""
    tasks = tasks_as_of(today, Task.objects.filter(program=program))
    counts = dashboard.status_counts(tasks, today)
    totals = dashboard.figures(counts["by_status"])
    groups = [
        {"label": row.label, **{key: row.n(key) for key in COLUMNS}}
        for row in dashboard.by_group(tasks, today, program)
        if row.n("assigned")
    ]
    indicators = []
    for row in catalogue(Indicator.objects.filter(program=program, public=True), today):
        latest = row.latest
        indicators.append(
            {
                "code": row.indicator.code,
                "name": row.indicator.name,
                "unit": row.indicator.unit,
                "value": _number(latest.value) if latest and latest.value is not None else "",
                "period_end": latest.period_end if latest else None,
                "period": latest.period_label if latest else "",
                "rollup": row.coverage.as_json() if row.coverage else None,
                "targets": [
                    {"due_on": t.due_on, "text": t.text, "scope": t.scope} for t in row.targets
                ],
            }
        )
    return {
        "totals": {key: totals[key] for key in (*COLUMNS, "completed_on_time", "completed_late")},
        "completion_rate": _percent(totals["completed"], totals["assigned"]),
        "overdue_rate": _percent(totals["overdue"], totals["open"]),
        "groups": groups,
        "indicators": indicators,
        "rollup_min": min_coverage(),
    }


def _number(value) -> str:
    """ "11.700", "236,6": Vietnamese groups thousands with a dot, decimals with a comma."""
    whole, _dot, decimals = format(value.normalize(), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{decimals}" if decimals else grouped


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """The page, rendered once per program, day and language and kept for the cache's time.

    The cache is asked before the database: within the minute a request costs one cache
    read. Nothing in the page depends on the visitor (no form, no token, no session)."""
    code = (request.GET.get("program") or "").strip()
    if code and not _CODE.fullmatch(code):
        raise Http404  # no program has such a code
    today = timezone.localdate()
    seconds = settings.DONDOC_PROGRESS_CACHE_SECONDS
    key = f"dondoc:progress:{code or '-'}:{today.isoformat()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = _render(request, code, today, seconds)
        cache.set(key, html, seconds)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def _render(request: HttpRequest, code: str, today: dt.date, seconds: int) -> str:
    programs = public_programs()
    if not programs:
        raise Http404
    if code:
        program = next((p for p in programs if p.code == code), None)
        if program is None:
            raise Http404
    else:
        default = portal_program()
        program = next((p for p in programs if default and p.pk == default.pk), programs[0])
    return render_to_string(
        "portal/progress.html",
        {
            "program": program,
            "programs": programs,
            "today": today,
            "figures": progress_figures(program, today),
            "max_age": seconds,
        },
        request=request,
    )

"""Query parameters read at the edge: a value that cannot be used is refused with a 400 and a
message (``BadParameter``), never a 500 and never silently replaced.

``InputGuardMiddleware`` refuses what no parameter may hold (a NUL or another control
character, a value longer than ``MAX_PARAM_LENGTH``) before any view runs; views read dates,
numbers and quarters with ``date_param``, ``int_param`` and ``page_number``. The answer is
``dondoc.core.views.bad_request``: a page with the message, or JSON under ``/api/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dondoc.core.dates import DateError, parse_date

#: The longest value a query parameter may hold (a search, a code, a date: all far shorter).
MAX_PARAM_LENGTH = 1000
#: Row numbers and ids beyond this are nonsense here and overflow database integers.
MAX_NUMBER = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,18}")
#: Control characters (C0, DEL, C1): no typed value holds them; tab and newlines are let through.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class BadParameter(BadRequest):
    """A query parameter that cannot be used; ``str()`` is the message for the user."""


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def _last(params: Mapping[str, Any], name: str) -> str:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
        value = values[-1] if values else ""
    else:
        value = params.get(name, "")
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
    return str(value or "").strip()


def date_param(
    params: Mapping[str, Any], name: str, default: dt.date | None = None
) -> dt.date | None:
    """The date in ``name`` (dd/mm/yyyy or YYYY-MM-DD, within the supported range), ``default``
    when absent; ``BadParameter`` with the reason when it cannot be read."""
    text = _last(params, name)
    if not text:
        return default
    try:
        return parse_date(text)
    except DateError as exc:
        raise BadParameter(str(exc)) from None


def int_param(
    params: Mapping[str, Any],
    name: str,
    default: int | None = None,
    *,
    minimum: int = 0,
    maximum: int = MAX_NUMBER,
) -> int | None:
    """The whole number in ``name`` within ``minimum``..``maximum``, ``default`` when absent."""
    text = _last(params, name)
    if not text:
        return default
    if not _DIGITS.fullmatch(text) or not minimum <= int(text) <= maximum:
        raise BadParameter(
            _("The parameter %(name)s must be a whole number from %(min)s to %(max)s.")
            % {"name": name, "min": minimum, "max": maximum}
        )
    return int(text)


def is_id(text: str) -> bool:
    """Whether ``text`` is a whole number that fits a database id (ASCII digits only: "²" is a
    digit to ``str.isdigit`` but not to ``int``)."""
    return bool(_DIGITS.fullmatch(text)) and int(text) <= MAX_NUMBER


def page_number(params: Mapping[str, Any], name: str = "page") -> int:
    """A page number for ``Paginator.get_page`` (one past the last page shows the last)."""
    return int_param(params, name, 1, minimum=1) or 1


class InputGuardMiddleware:
    """Refuse a request whose query string holds a control character (NUL breaks PostgreSQL
    text and would be stored as is by SQLite) or an overlong value."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            for value in [name, *values]:
                if has_control_characters(value):
                    raise BadParameter(
                        _("The parameter %(name)s holds characters that are not allowed.")
                        % {"name": _printable(name)}
                    )
                if len(value) > MAX_PARAM_LENGTH:
                    raise BadParameter(
                        _("The parameter %(name)s is too long (at most %(count)s characters).")
                        % {"name": _printable(name), "count": MAX_PARAM_LENGTH}
                    )
        return self.get_response(request)


def _printable(name: str) -> str:
    clean = "".join(ch for ch in name if ch.isprintable())[:40]
    return clean or "?"

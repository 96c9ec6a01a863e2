"""Friendly error pages, in the interface language, in development as in production.

Django answers a missing page with its English debug page (listing every URL) and an error
with a traceback page when ``DEBUG`` is on. Officials try the system in development mode
(``bin/start``), so ``FriendlyErrorsMiddleware`` replaces those pages with ours; the
traceback still goes to the server's log. The 500 page renders without the database or a
request context: whatever failed may be the database itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

#: Statuses whose debug pages are replaced, and the template of each.
TEMPLATES = {403: "403.html", 404: "404.html", 500: "500.html"}


def _friendly(response: HttpResponse) -> HttpResponse:
    response.dondoc_friendly = True
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _friendly(render(request, "404.html", status=404))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _friendly(render(request, "403.html", status=403))


def server_error(request: HttpRequest | None = None) -> HttpResponse:
    """No context processors, no database: a plain template."""
    return _friendly(HttpResponseServerError(loader.get_template("500.html").render()))


class FriendlyErrorsMiddleware:
    """In development, our 403/404/500 pages instead of Django's debug pages (HTML only: the
    API answers in JSON)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in TEMPLATES
            and not getattr(response, "dondoc_friendly", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
        ):
            if response.status_code == 500:
                return server_error(request)
            try:
                handler = not_found if response.status_code == 404 else forbidden
                return handler(request)
            except Exception:  # the page itself cannot be drawn: the plain one will do
                return server_error(request)
        return response

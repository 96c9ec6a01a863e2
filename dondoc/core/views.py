"""The answer to a refused request (400): the reason, on a page or as the API's JSON."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def refusal_message(exception: Exception | None) -> str:
    """The message a ``BadRequest`` carries, else a general one (nothing internal leaks)."""
    if isinstance(exception, BadRequest) and str(exception):
        return str(exception)
    return _("The request could not be read.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = refusal_message(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": []}, status=400)
    if request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted"):
        return render(request, "_refusal.html", {"message": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for wherever a page names no icon (a JSON answer,
    a download): the site's icon instead of a 404 in the log. A temporary redirect: the icon's
    address changes with its content on each deployment."""
    from django.http import HttpResponseRedirect
    from django.templatetags.static import static

    return HttpResponseRedirect(static("img/favicon.svg"))

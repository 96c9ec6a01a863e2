"""The cache of the public pages that are the same for every anonymous visitor.

The published list (per search and page), a published item, the two feeds and the empty
forms are rendered once and kept in the cache (Redis in production) for
``DONDOC_PORTAL_CACHE_SECONDS``. Each entry carries the *publication generation* it was rendered
under: a token that changes, after the commit, whenever a submission or one of its attachments
is saved or deleted (publication, withdrawal, hiding after reports, moderation, a correction),
and whenever a name the pages show is changed (a solution group, the program, the agency that
answers). A request reads the token and its entry in one cache call and serves the entry only
when the two match, so an item that is hidden or withdrawn disappears from the next request on,
not a minute later.

The token is read *before* the database, so a page rendered while a change commits is stored
under the old token and never served after it. A lost token (eviction, a cleared cache) is
replaced by a new one, which matches no entry.

Nothing on these pages depends on who asks (the header shows no user), so every visitor gets
the shared copy, signed in or not, except one with a message waiting in the messages cookie
(after reporting an item): that page is rendered for them, with the message. A message too long
for the cookie (kept in the session) waits for the next page rendered for the visitor. Responses say
``Cache-Control: public, no-cache`` with an ``ETag``: browsers and proxies may keep the page
but must ask again each time, and the answer to an unchanged page is a bodyless 304.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION = "dondoc:portal:public-generation"
#: The cookie in which Django's message framework keeps messages (``CookieStorage``).
MESSAGES_COOKIE = "messages"


def bump() -> None:
    """Make every cached public page stale."""
    cache.set(GENERATION, uuid.uuid4().hex, None)


def bump_after_commit() -> None:
    transaction.on_commit(bump)


def _generation(found: str | None) -> str:
    if found:
        return found
    cache.add(GENERATION, uuid.uuid4().hex, None)
    return cache.get(GENERATION) or ""


def shared(request: HttpRequest) -> bool:
    """Whether this visitor gets the shared copy: not when a message waits to be shown."""
    return MESSAGES_COOKIE not in request.COOKIES


def cached_page(
    request: HttpRequest,
    name: str,
    parts: tuple,
    render: Callable[[], tuple[str | bytes, str]],
) -> HttpResponse:
    """The response of ``render()`` (content, content type), from the cache when it can be.

    ``name`` and ``parts`` (the page's parameters) with the language name the entry."""
    if not shared(request):
        content, content_type = render()
        return _response(content, content_type, "")
    key = (
        "dondoc:portal:page:"
        + hashlib.sha1(
            repr((name, get_language(), parts)).encode(), usedforsecurity=False
        ).hexdigest()
    )
    found = cache.get_many([GENERATION, key])
    generation = _generation(found.get(GENERATION))
    entry = found.get(key)
    if entry and entry[0] == generation and generation:
        content, content_type, etag = entry[1:]
    else:
        content, content_type = render()
        data = content.encode() if isinstance(content, str) else content
        etag = '"' + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:20] + '"'
        if generation:
            cache.set(
                key,
                (generation, content, content_type, etag),
                settings.DONDOC_PORTAL_CACHE_SECONDS,
            )
    if etag and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        patch_cache_control(response, public=True, no_cache=True)
        return response
    return _response(content, content_type, etag)


#: Stands for the visitor's CSRF token in a kept form page.
TOKEN = "@@dondoc-csrf-token@@"


def cached_form(
    request: HttpRequest, name: str, parts: tuple, render: Callable[[dict], str]
) -> str:
    """A page holding an empty form, rendered once per language and kept for the cache's time,
    with this visitor's CSRF token put in. ``render(extra_context)`` renders it.

    The form's widgets are most of the cost of the submission page, and the empty form is the
    same for everybody but the token. Like the pages, it is kept under the publication
    generation, so a group added or renamed is offered at the next request."""
    if not shared(request):
        return render({})
    key = (
        "dondoc:portal:form:"
        + hashlib.sha1(
            repr((name, get_language(), parts)).encode(), usedforsecurity=False
        ).hexdigest()
    )
    found = cache.get_many([GENERATION, key])
    generation = _generation(found.get(GENERATION))
    entry = found.get(key)
    if entry and entry[0] == generation and generation:
        html = entry[1]
    else:
        html = render({"csrf_token": TOKEN})
        if generation:
            cache.set(key, (generation, html), settings.DONDOC_PORTAL_CACHE_SECONDS)
    return html.replace(TOKEN, get_token(request))


def _response(content: str | bytes, content_type: str, etag: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if etag:
        response["ETag"] = etag
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response

"""The public side of the portal (/gop-y/): no account, Vietnamese first, phone first.

- the form sends a submission and shows its tracking code once, on the receipt page;
- the follow page takes a code; a wrong, altered or malformed code gets the same "not found"
  answer after the same database look-up, so the page tells nothing about which codes exist;
- published items (with the sender's consent, anonymous when asked) are listed, searchable
  without diacritics, with Atom and JSON feeds; visitors may report one, and after N reports
  it is hidden until the Standing Office reviews it;
- attachments are served only through ``attachment``, which checks who asks.

Submissions are counted per address and per e-mail in the cache (Redis in production): past
the limit the form is refused with a clear message and nothing is written.

A sender who sends the same text again within days (``services.earlier_copy``: same e-mail or
phone) from the browser that sent it is shown the earlier code and asked to confirm; from
elsewhere the copy is recorded, linked to the first, and only the receipt e-mail, which goes to
the sender's own address, names the earlier code.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from dondoc.core import ratelimit
from dondoc.core.history import client_ip
from dondoc.core.params import page_number
from dondoc.core.text import fold
from dondoc.portal import public_cache, services
from dondoc.portal.access import may_view, portal_program
from dondoc.portal.codes import normalise
from dondoc.portal.forms import SubmissionForm, TrackForm
from dondoc.portal.models import (
    Kind,
    State,
    Submission,
    SubmissionAttachment,
    public_author,
    summary,
)

#: Session keys: the submission just sent (its receipt), and those whose code was given.
RECEIPT = "portal_receipt"
SEEN = "portal_seen"
#: Code look-ups allowed per address and hour (guessing is hopeless anyway: 31**10 codes).
TRACK_LIMIT = 100
PAGE_SIZE = 20
HTML = "text/html; charset=utf-8"


#: The language switch of the public pages: Django's own view without the CSRF check, so the
#: pages carry no token, set no cookie and can be shared by every visitor. A forged request
#: can do no more than change the visitor's language.
set_language = csrf_exempt(django_set_language)


def _remember(request: HttpRequest, pk: int) -> None:
    seen = [p for p in request.session.get(SEEN, []) if p != pk][-19:]
    request.session[SEEN] = [*seen, pk]


def published() -> object:
    return Submission.objects.filter(
        state=State.PUBLISHED, consent_to_publish=True, hidden=False
    ).select_related("group")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    program = portal_program()
    if program is None:
        raise Http404
    if request.method != "POST":

        def page(extra: dict) -> str:
            form = SubmissionForm(groups=list(program.groups.all()))
            context = {"form": form, "program": program, **extra}
            return render_to_string("portal/submit.html", context, request=request)

        return HttpResponse(public_cache.cached_form(request, "submit", (program.pk,), page))
    groups = list(program.groups.all())
    form = SubmissionForm(request.POST, request.FILES, groups=groups)
    if not form.is_valid():
        return render(request, "portal/submit.html", {"form": form, "program": program}, status=400)
    data = form.cleaned_data
    window = settings.DONDOC_PORTAL_WINDOW
    allowed = ratelimit.hit(
        "portal-address",
        client_ip(request) or "?",
        limit=settings.DONDOC_PORTAL_LIMIT,
        window=window,
    )
    if allowed and data["email"]:
        allowed = ratelimit.hit(
            "portal-email",
            data["email"].lower(),
            limit=settings.DONDOC_PORTAL_EMAIL_LIMIT,
            window=window,
        )
    if not allowed:
        return render(
            request,
            "portal/submit.html",
            {
                "form": form,
                "program": program,
                "refused": _(
                    "Too many submissions were sent from your connection or e-mail address "
                    "in the last %(minutes)s minutes. Nothing was recorded: please try again "
                    "later, or call the Standing Office."
                )
                % {"minutes": window // 60},
            },
            status=429,
        )
    earlier = (
        None
        if data["send_anyway"]
        else services.earlier_copy(
            title=data["title"],
            description=data["description"],
            email=data["email"],
            phone=data["phone"],
        )
    )
    if earlier is not None and earlier.pk in request.session.get(SEEN, []):
        # Sent from this browser already (a second press, the back button): say so and record
        # nothing until the sender confirms. Only the browser that sent or followed it is told
        # its code: a contact alone proves nothing, and the page must not tell a stranger who
        # sent what.
        context = {"form": form, "program": program, "earlier": earlier}
        return render(request, "portal/submit.html", context)
    submission = services.submit(
        program=program,
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        group=data["group"],
        field=data["field"],
        expected_benefit=data["expected_benefit"],
        submitter_kind=data["submitter_kind"],
        name=data["name"],
        organisation=data["organisation"],
        email=data["email"],
        phone=data["phone"],
        public_name=data["public_name"],
        consent_to_publish=data["consent_to_publish"],
        files=form.incoming,
        suspicious=_("honeypot field filled") if data["website"] else "",
    )
    request.session[RECEIPT] = submission.pk
    _remember(request, submission.pk)
    return redirect("portal:receipt")


def receipt(request: HttpRequest) -> HttpResponse:
    pk = request.session.get(RECEIPT)
    submission = Submission.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if submission is None:
        return redirect("portal:track")
    return render(request, "portal/receipt.html", {"submission": submission})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":

        def page(extra: dict) -> str:
            return render_to_string(
                "portal/track.html", {"form": TrackForm(), **extra}, request=request
            )

        return HttpResponse(public_cache.cached_form(request, "track", (), page))
    form = TrackForm(request.POST)
    if not ratelimit.hit("portal-track", client_ip(request) or "?", limit=TRACK_LIMIT, window=3600):
        return render(
            request,
            "portal/track.html",
            {"form": form, "refused": _("Too many look-ups; please try again in an hour.")},
            status=429,
        )
    code = normalise(form.data.get("code", "")) if form.is_valid() else None
    # The same query whatever was typed, so a malformed code takes as long as a wrong one.
    submission = (
        Submission.objects.select_related("routed_to", "duplicate_of", "group")
        .filter(code=code or "-")
        .first()
    )
    if submission is None:
        return render(request, "portal/track.html", {"form": form, "not_found": True}, status=404)
    _remember(request, submission.pk)
    return render(
        request,
        "portal/track.html",
        {
            "form": TrackForm(),
            "submission": submission,
            "attachments": submission.attachments.all(),
        },
    )


def published_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    words = tuple(fold(query).split())
    number = page_number(request.GET)
    return public_cache.cached_page(
        request,
        "published",
        (query, number),  # as typed: the page shows it in the search box
        lambda: (_render_list(request, query, words, number), HTML),
    )


def _render_list(request: HttpRequest, query: str, words: tuple[str, ...], number: int) -> str:
    """The list from plain values, its rows written without the template engine (twenty rows
    through ``{% for %}`` cost most of the page's time)."""
    items = published()
    for word in words:
        items = items.filter(search_folded__contains=word)
    rows = items.order_by("-published_on", "-pk").values(*LIST_FIELDS)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    return render_to_string(
        "portal/published.html",
        {"page": page, "q": query, "rows": mark_safe(_rows_html(page.object_list))},
        request=request,
    )


LIST_FIELDS = (
    "pk", "title", "description", "kind", "group__number", "group__title",
    "public_name", "submitter_kind", "name", "organisation", "published_on",
)  # fmt: skip


def _rows_html(rows) -> str:
    kinds = {value: str(label) for value, label in Kind.choices}
    anonymous = _("Anonymous")
    # The item's address is the list's address followed by its id (see urls.py).
    base = reverse("portal:published")
    html = []
    for row in rows:
        group = f"{row['group__number']}. {row['group__title']}" if row["group__number"] else ""
        author = public_author(row) or anonymous
        meta = " · ".join(
            filter(None, [kinds.get(row["kind"], row["kind"]), group, author, _date(row)])
        )
        html.append(
            f'<article class="item">\n<h2><a href="{base}{row["pk"]}/">{escape(row["title"])}'
            f'</a></h2>\n<p class="meta">{escape(meta)}</p>\n'
            f'<p class="text">{escape(summary(row["description"]))}</p>\n</article>'
        )
    return "\n".join(html)


def _date(row: dict) -> str:
    day = row["published_on"]
    return day.strftime("%d/%m/%Y") if day else ""


def _public(pk: int) -> Submission:
    found = published().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def page() -> tuple[str, str]:
        submission = _public(pk)
        html = render_to_string(
            "portal/published_detail.html",
            {"submission": submission, "attachments": submission.attachments.filter(public=True)},
            request=request,
        )
        return html, HTML

    return public_cache.cached_page(request, "item", (pk,), page)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Report this": a page that asks to confirm (the item's page carries no form, so it
    sets no cookie and is shared by all visitors), then the report; one report per address
    and item a day counts."""
    submission = _public(pk)
    if request.method != "POST":
        return render(request, "portal/report.html", {"submission": submission})
    if ratelimit.hit(f"portal-report-{pk}", client_ip(request) or "?", limit=1, window=86400):
        submission = services.report_abuse(submission)
    messages.success(request, _("Thank you: the Standing Office will look at this item."))
    if submission.hidden:
        return redirect("portal:published")
    return redirect("portal:published-detail", pk=pk)


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a submission: to the sender who gave the code in this session, to the
    Standing Office and the agency in charge, or to anybody once published and marked public."""
    found = SubmissionAttachment.objects.select_related("submission").filter(pk=pk).first()
    if found is None:
        raise Http404
    submission = found.submission
    allowed = (
        submission.pk in request.session.get(SEEN, [])
        or may_view(request.user, submission)
        or (found.public and submission.is_public)
    )
    if not allowed:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )


class PublishedFeed(Feed):
    """Atom feed of the published items (newest 50)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Published initiatives and recommendations")

    def link(self) -> str:
        return reverse("portal:published")

    def subtitle(self) -> str:
        return _("Initiatives and policy recommendations sent by citizens and businesses.")

    def items(self):
        return published().order_by("-published_on", "-pk")[:50]

    def item_title(self, item: Submission) -> str:
        return item.title

    def item_description(self, item: Submission) -> str:
        return item.description[:2000]

    def item_link(self, item: Submission) -> str:
        return reverse("portal:published-detail", args=[item.pk])

    def item_pubdate(self, item: Submission):
        return item.created_at

    def item_author_name(self, item: Submission) -> str:
        return item.public_author or _("Anonymous")


def published_atom(request: HttpRequest) -> HttpResponse:
    """The Atom feed, kept as the other public pages are."""

    def feed() -> tuple[bytes, str]:
        response = PublishedFeed()(request)
        return response.content, response["Content-Type"]

    return public_cache.cached_page(request, "atom", (), feed)


def published_json(request: HttpRequest) -> HttpResponse:
    """JSON Feed 1.1 of the published items (newest 50)."""

    def feed() -> tuple[bytes, str]:
        response = _json_feed()
        return response.content, response["Content-Type"]

    return public_cache.cached_page(request, "json", (), feed)


def _json_feed() -> JsonResponse:
    base = settings.DONDOC_SITE_URL
    items = [
        {
            "id": str(item.pk),
            "url": base + reverse("portal:published-detail", args=[item.pk]),
            "title": item.title,
            "content_text": item.description,
            "date_published": item.created_at.isoformat(),
            "authors": [{"name": item.public_author or _("Anonymous")}],
            "tags": [item.get_kind_display()] + ([str(item.group)] if item.group else []),
            "_dondoc": {
                "kind": item.kind,
                "state": item.state,
                "answer": item.answer,
                "answered_on": item.answered_on.isoformat() if item.answered_on else None,
                "published_on": item.published_on.isoformat() if item.published_on else None,
            },
        }
        for item in published().order_by("-published_on", "-pk")[:50]
    ]
    return JsonResponse(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _("Published initiatives and recommendations"),
            "home_page_url": base + reverse("portal:published"),
            "feed_url": base + reverse("portal:published-json"),
            "items": items,
        },
        json_dumps_params={"ensure_ascii": False},
    )

"""Every write of the public portal, each in one transaction with its state-transition check.

A citizen's submission is created whole or not at all (the record, its files, its receipt
e-mail); a later step (review, routing, answer, publication, rejection) re-reads the row under
a lock and refuses with ``Conflict`` when it is no longer in a state that allows the step, so
two clerks acting at once get one success and one clear message. E-mails to the submitter
are queued in the outbox and leave only once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dondoc.core.text import fold, words
from dondoc.core.transitions import Conflict, locked
from dondoc.core.uploads import CheckedUpload
from dondoc.outbox.services import queue_mail
from dondoc.portal import notices
from dondoc.portal.codes import new_code
from dondoc.portal.models import InternalNote, State, Submission, SubmissionAttachment

#: state -> the states a clerk or an agency may move it to.
TRANSITIONS: dict[str, set[str]] = {
    State.RECEIVED: {State.UNDER_REVIEW, State.ROUTED, State.ANSWERED, State.REJECTED},
    State.UNDER_REVIEW: {State.ROUTED, State.ANSWERED, State.REJECTED},
    State.ROUTED: {State.ROUTED, State.ANSWERED, State.REJECTED},
    State.ANSWERED: {State.ROUTED, State.SELECTED, State.PUBLISHED},
    State.SELECTED: {State.PUBLISHED},
    State.PUBLISHED: {State.SELECTED},  # withdrawn from the public page, still selected
    State.REJECTED: {State.UNDER_REVIEW},  # reopened
}

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
#: More links than this in the text holds a submission for moderation.
MAX_LINKS = 3
#: A sender's second copy of the same text within this time is most likely sent twice.
RESENT_WITHIN = dt.timedelta(days=7)


@dataclass(frozen=True)
class IncomingFile:
    """An upload that ``dondoc.core.uploads.check_upload`` has accepted."""

    file: File
    checked: CheckedUpload


def text_hash(title: str, description: str) -> str:
    """The same words in the same order, whatever the accents, case and punctuation."""
    return hashlib.sha256(" ".join(words(f"{title} {description}")).encode()).hexdigest()


def _folded(submission: Submission) -> str:
    return fold(" ".join([submission.title, submission.description, submission.field]))


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def earlier_copy(
    *, title: str, description: str, email: str = "", phone: str = "", exclude: int | None = None
) -> Submission | None:
    """The same sender's submission of the same text (as ``text_hash`` compares them) received
    in the last ``RESENT_WITHIN``, the latest one; None when only another sender sent it.
    "The same sender" is the same e-mail address or the same phone number."""
    email, phone = email.strip().lower(), _digits(phone)
    if not email and not phone:
        return None
    recent = Submission.objects.filter(
        text_hash=text_hash(title, description),
        created_at__gte=timezone.now() - RESENT_WITHIN,
    ).exclude(pk=exclude)
    for earlier in recent.order_by("-created_at", "-pk")[:20]:
        if (email and earlier.email == email) or (phone and _digits(earlier.phone) == phone):
            return earlier
    return None


def _mail(submission: Submission, event: str, earlier: Submission | None = None) -> None:
    """The submitter's e-mail for ``event`` (receipt, routed, answered, …), once per event;
    a receipt names the ``earlier`` copy the same sender sent of the same text."""
    if not submission.email or submission.flagged:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "event": event,
            "earlier": earlier,
            "track_url": settings.DONDOC_SITE_URL + reverse("portal:track"),
        }
        subject = render_to_string("portal/mail/subject.txt", context).strip()
        body = render_to_string("portal/mail/body.txt", context)
    queue_mail(
        submission.email,
        subject,
        body,
        key=f"portal:{submission.pk}:{event}:{submission.version}",
    )


@transaction.atomic
def submit(
    *,
    program,
    kind: str,
    title: str,
    description: str,
    name: str,
    group=None,
    field: str = "",
    expected_benefit: str = "",
    submitter_kind: str = "person",
    organisation: str = "",
    email: str = "",
    phone: str = "",
    public_name: str = "anonymous",
    consent_to_publish: bool = False,
    files: Sequence[IncomingFile] = (),
    suspicious: str = "",
) -> Submission:
    """Record a citizen's submission with a fresh tracking code; queue the receipt e-mail.

    ``suspicious`` (the honeypot was filled) holds it for moderation without any e-mail. Text
    with many links is held too. The same text sent before is linked to the first copy.
    """
    digest = text_hash(title, description)
    original = (
        Submission.objects.filter(text_hash=digest, duplicate_of__isnull=True)
        .order_by("pk")
        .first()
    )
    reasons = [suspicious] if suspicious else []
    if len(_LINK.findall(f"{title} {description} {expected_benefit}")) > MAX_LINKS:
        reasons.append(_("many links"))
    submission = Submission(
        program=program,
        kind=kind,
        title=title,
        description=description,
        group=group,
        field=field,
        expected_benefit=expected_benefit,
        submitter_kind=submitter_kind,
        name=name,
        organisation=organisation,
        email=email.strip().lower(),
        phone=phone,
        public_name=public_name,
        consent_to_publish=consent_to_publish,
        text_hash=digest,
        duplicate_of=original,
        flagged=bool(reasons),
        flag_reason="; ".join(reasons)[:200],
    )
    submission.search_folded = _folded(submission)
    for _attempt in range(5):  # a clash of random codes is astronomically rare; retry anyway
        submission.code = new_code()
        try:
            with transaction.atomic():
                submission.save()
            break
        except IntegrityError:
            submission.pk = None
            if Submission.objects.filter(code=submission.code).exists():
                continue
            raise
    else:
        raise RuntimeError("no free tracking code")
    for incoming in files:
        attachment = SubmissionAttachment(
            submission=submission,
            original_name=incoming.checked.name,
            content_type=incoming.checked.content_type,
            size=incoming.checked.size,
            sha256=incoming.checked.sha256,
        )
        attachment.file.save(incoming.checked.name, incoming.file, save=False)
        attachment.save()
    # The receipt goes to this submission's address: it names an earlier copy sent from that
    # same address only (a phone number is known to others, and with it and a published text
    # anyone could have a stranger's code mailed to themselves).
    earlier = earlier_copy(title=title, description=description, email=email, exclude=submission.pk)
    _mail(submission, "received", earlier=earlier)
    return submission


def _step(pk: int, to: str, *, expected_version: int | None = None) -> Submission:
    submission = locked(Submission, pk)
    if expected_version is not None and submission.version != expected_version:
        raise Conflict(
            _("This item was changed by someone else after you opened it; check and try again."),
            current=submission,
        )
    if to not in TRANSITIONS.get(submission.state, set()):
        raise Conflict(
            _("This item is now “%(state)s”: it cannot become “%(to)s”.")
            % {"state": submission.get_state_display(), "to": State(to).label},
            current=submission,
        )
    return submission


def _save(submission: Submission, fields: Iterable[str]) -> None:
    submission.version += 1
    submission.save(update_fields=[*fields, "version"])


@transaction.atomic
def classify(
    submission: Submission,
    *,
    by,
    kind: str | None = None,
    group=None,
    field: str | None = None,
    task=None,
    expected_version: int | None = None,
) -> Submission:
    """Set the kind, the solution group, the field or the linked task; a received item moves
    to "under review". Allowed in every state but "rejected"."""
    row = locked(Submission, submission.pk)
    if expected_version is not None and row.version != expected_version:
        raise Conflict(_("This item was changed by someone else after you opened it."))
    if row.state == State.REJECTED:
        raise Conflict(_("This item was not accepted: reopen it first."), current=row)
    changed = []
    if kind and kind != row.kind:
        row.kind = kind
        changed.append("kind")
    if group is not None and group.pk != row.group_id:
        row.group = group
        changed.append("group")
    if field is not None and field != row.field:
        row.field = field
        row.search_folded = _folded(row)
        changed += ["field", "search_folded"]
    if task is not None and task.pk != row.task_id:
        row.task = task
        changed.append("task")
    if row.state == State.RECEIVED:
        row.state = State.UNDER_REVIEW
        changed.append("state")
    if changed:
        row._history_user = by
        _save(row, changed)
    return row


@transaction.atomic
def route(
    submission: Submission,
    *,
    agency,
    by,
    due_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Submission:
    """Send the item to ``agency`` for an answer by ``due_on`` (default: in N days); the
    agency's users who may answer it are notified."""
    row = _step(submission.pk, State.ROUTED, expected_version=expected_version)
    today = timezone.localdate()
    row.state = State.ROUTED
    row.routed_to = agency
    row.routed_on = today
    row.answer_due_on = due_on or today + dt.timedelta(days=settings.DONDOC_PORTAL_ANSWER_DAYS)
    row._history_user = by
    _save(row, ["state", "routed_to", "routed_on", "answer_due_on"])
    _mail(row, "routed")
    notices.routed(row, by=by)
    return row


@transaction.atomic
def answer(
    submission: Submission, *, text: str, by, expected_version: int | None = None
) -> Submission:
    """Record the answer of the agency (or of the Standing Office itself)."""
    row = _step(submission.pk, State.ANSWERED, expected_version=expected_version)
    row.state = State.ANSWERED
    row.answer = text
    row.answered_on = timezone.localdate()
    row.answered_by = by
    row._history_user = by
    _save(row, ["state", "answer", "answered_on", "answered_by"])
    _mail(row, "answered")
    return row


@transaction.atomic
def reject(
    submission: Submission, *, reason: str, by, expected_version: int | None = None
) -> Submission:
    row = _step(submission.pk, State.REJECTED, expected_version=expected_version)
    row.state = State.REJECTED
    row.reject_reason = reason
    row._history_user = by
    _save(row, ["state", "reject_reason"])
    _mail(row, "rejected")
    return row


@transaction.atomic
def reopen(submission: Submission, *, by, expected_version: int | None = None) -> Submission:
    row = _step(submission.pk, State.UNDER_REVIEW, expected_version=expected_version)
    row.state = State.UNDER_REVIEW
    row._history_user = by
    _save(row, ["state"])
    return row


@transaction.atomic
def select(submission: Submission, *, by, expected_version: int | None = None) -> Submission:
    """Selected for use (được lựa chọn): an answered initiative the program takes up."""
    row = _step(submission.pk, State.SELECTED, expected_version=expected_version)
    row.state = State.SELECTED
    row._history_user = by
    _save(row, ["state"])
    _mail(row, "selected")
    return row


@transaction.atomic
def publish(
    submission: Submission,
    *,
    by,
    public_files: Iterable[int] = (),
    expected_version: int | None = None,
) -> Submission:
    """Put the item on the public page: only with the submitter's consent, never flagged."""
    row = _step(submission.pk, State.PUBLISHED, expected_version=expected_version)
    if not row.consent_to_publish:
        raise Conflict(_("The sender did not agree to publication."), current=row)
    if row.flagged:
        raise Conflict(_("This item is held for moderation."), current=row)
    row.state = State.PUBLISHED
    row.published_on = timezone.localdate()
    row.hidden = False
    row.report_count = 0
    row._history_user = by
    _save(row, ["state", "published_on", "hidden", "report_count"])
    row.attachments.update(public=False)
    row.attachments.filter(pk__in=list(public_files)).update(public=True)
    _mail(row, "published")
    return row


@transaction.atomic
def moderate(submission: Submission, *, by, keep: bool) -> Submission:
    """Decide on an item held for moderation or hidden after reports: release it, or reject
    it as abuse."""
    row = locked(Submission, submission.pk)
    if not (row.flagged or row.hidden):
        raise Conflict(_("This item is not waiting for moderation."), current=row)
    row._history_user = by
    if keep:
        row.flagged = row.hidden = False
        row.report_count = 0
        _save(row, ["flagged", "hidden", "report_count"])
        return row
    row.hidden = True
    row.flagged = False
    fields = ["hidden", "flagged"]
    if State.REJECTED in TRANSITIONS.get(row.state, set()):
        row.state = State.REJECTED
        row.reject_reason = row.reject_reason or _("Not accepted after moderation.")
        fields += ["state", "reject_reason"]
    _save(row, fields)
    return row


@transaction.atomic
def report_abuse(submission: Submission) -> Submission:
    """A visitor reports a published item; after N reports it is hidden until reviewed."""
    Submission.objects.filter(pk=submission.pk).update(report_count=F("report_count") + 1)
    row = locked(Submission, submission.pk)
    if row.report_count >= settings.DONDOC_PORTAL_HIDE_AFTER_REPORTS and not row.hidden:
        row.hidden = True
        _save(row, ["hidden"])
    return row


@transaction.atomic
def add_note(submission: Submission, *, by, text: str) -> InternalNote:
    return InternalNote.objects.create(submission=submission, author=by, text=text)

"""Writes of consultations: publishing a draft, members' comments, each organisation's
summary (saved, then sent up: final). Every write is atomic and audited."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.text import normalize_text
from consultations import rules
from consultations.models import Consultation, ConsultationComment, ConsultationSummary, SummaryPoint
from consultations.uploads import checked_attachment
from members.models import Member, User

MAX_COMMENT = 4000
MAX_SUMMARY = 20000


def _user(actor):
    return actor if isinstance(actor, User) else None


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    text = normalize_text(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}})
    return text


def _notify_published(consultation_id: int) -> None:
    from consultations.tasks import consultation_published

    consultation_published.delay(consultation_id)


def library_put(*, consultation: Consultation, actor=None) -> None:
    """The draft in the document library of the publisher, which every organisation under it inherits."""
    from library.models import LibraryEntry
    from library.services import entry_put

    entry_put(source_key=f"consultations.draft:{consultation.public_id}", organization=consultation.organization,
              kind=LibraryEntry.Kind.DRAFT, title=consultation.title, issued_by=consultation.issuing_body,
              issued_on=timezone.localdate(consultation.published_at),
              file=consultation.attachment if consultation.attachment else None,
              url=settings.SITE_URL + reverse("consultation_detail", args=[consultation.public_id]),
              text="" if consultation.attachment else consultation.summary, actor=actor)


@transaction.atomic
def consultation_publish(*, publisher: Organization, title: str, issuing_body: str, closing_on: dt.date,
                         summary: str = "", attachment=None, send_final_up: bool = False,
                         actor=None) -> Consultation:
    """Put a draft to every cell under `publisher` until `closing_on`. The members are told,
    and the draft enters the document library of every organisation under the publisher."""
    if not rules.may_publish_from(publisher):
        raise ValidationError(_("A draft is published by a committee to the cells under it; "
                                "%(org)s has no cell under it.") % {"org": publisher.name})
    if closing_on < timezone.localdate():
        raise ValidationError({"closing_on": _("The closing date cannot be in the past.")})
    consultation = Consultation(
        organization=publisher, title=_text(title, field="title", limit=300),
        summary=_text(summary, field="summary", limit=MAX_SUMMARY, required=False),
        issuing_body=_text(issuing_body, field="issuing_body", limit=200), closing_on=closing_on,
        reports_to=publisher.parent if send_final_up else None, published_by=_user(actor),
    )
    if not consultation.summary and not attachment:
        raise ValidationError({"attachment": _("Attach the draft, or write what it is about.")})
    if attachment:
        name, consultation.attachment_type = checked_attachment(attachment)
        consultation.attachment.save(name, attachment, save=False)
    try:
        consultation.full_clean()
        with audit_context(actor):
            consultation.save()
    except Exception:
        if consultation.attachment:
            consultation.attachment.delete(save=False)  # no row, no file
        raise
    # Each on its own: a broker down does not keep the draft out of the library.
    transaction.on_commit(lambda: _notify_published(consultation.pk), robust=True)
    transaction.on_commit(lambda: library_put(consultation=consultation, actor=actor), robust=True)
    return consultation


def _cell_summary(consultation: Consultation, cell: Organization) -> ConsultationSummary | None:
    return ConsultationSummary.objects.filter(consultation=consultation, organization=cell).first()


def _check_commentable(consultation: Consultation, cell: Organization) -> None:
    if not rules.is_open_for_comments(consultation):
        raise ValidationError(_("Comments on this draft closed on %(day)s.")
                              % {"day": consultation.closing_on.strftime("%d/%m/%Y")})
    if not rules.comment_editable(consultation, _cell_summary(consultation, cell)):
        raise ValidationError(_("The cell's summary has been sent up: comments can no longer change."))


@transaction.atomic
def comment_add(*, consultation: Consultation, member: Member, cell: Organization, text: str,
                actor=None) -> ConsultationComment:
    """A member's comment on the draft, in their cell (the caller found the cell through the scope)."""
    if not (cell.is_cell and cell.path.startswith(consultation.organization.path)):
        raise ValidationError(_("This draft was not put to your cell."))
    _check_commentable(consultation, cell)
    comment = ConsultationComment(consultation=consultation, member=member, cell=cell,
                                  text=_text(text, field="text", limit=MAX_COMMENT))
    comment.full_clean()
    with audit_context(actor):
        comment.save()
    return comment


@transaction.atomic
def comment_edit(*, comment: ConsultationComment, text: str, actor=None) -> ConsultationComment:
    """The author changes their comment, until the cell's summary is sent."""
    _check_commentable(comment.consultation, comment.cell)
    comment.text = _text(text, field="text", limit=MAX_COMMENT)
    comment.full_clean()
    with audit_context(actor):
        comment.save(update_fields=["text", "updated_at"])
    return comment


@dataclass(frozen=True)
class PointChoice:
    """One line of the summary editor: a comment (cell) or a summary from below (committee)."""

    comment_id: int | None = None
    child_summary_id: int | None = None
    taken: bool = False
    group: str = ""


def _check_sources(consultation: Consultation, org: Organization, points: list[PointChoice]) -> None:
    if org.is_cell:
        allowed = set(ConsultationComment.objects.filter(consultation=consultation, cell=org)
                      .values_list("pk", flat=True))
        given = {p.comment_id for p in points}
    else:
        children = rules.children_taking_part([org.pk])
        allowed = set(ConsultationSummary.objects.filter(
            consultation=consultation, organization__in=children, status=ConsultationSummary.Status.SENT,
        ).values_list("pk", flat=True))
        given = {p.child_summary_id for p in points}
    if not given <= allowed:
        raise ValidationError(_("Only the comments of this organisation, or the summaries sent by the "
                                "organisations directly below it, can be taken into its summary."))


@transaction.atomic
def summary_save(*, consultation: Consultation, organization: Organization, text: str,
                 points: list[PointChoice], send: bool = False, actor=None) -> ConsultationSummary:
    """Save an organisation's summary (which comments or summaries from below are taken, under
    which group) and, with `send`, send it up. A sent summary is final: it cannot change again."""
    consultation = Consultation.objects.select_for_update().select_related("organization").get(pk=consultation.pk)
    if not organization.path.startswith(consultation.organization.path):
        raise ValidationError(_("This organisation does not take part in the consultation."))
    summary, _created = ConsultationSummary.objects.select_for_update().get_or_create(
        consultation=consultation, organization=organization)
    if summary.is_sent:
        raise ValidationError(_("This summary was sent on %(day)s; it is final and cannot be changed.")
                              % {"day": timezone.localtime(summary.sent_at).strftime("%d/%m/%Y %H:%M")})
    if not rules.summary_editable(consultation, summary):
        raise ValidationError(_("The consultation is closed: no summary can be saved."))
    _check_sources(consultation, organization, points)
    summary.text = _text(text, field="text", limit=MAX_SUMMARY, required=send)
    summary.updated_by = _user(actor)
    if send:
        if not any(p.taken for p in points) and not summary.text:
            raise ValidationError({"text": _("Write the summary before sending it.")})
        summary.status, summary.sent_at, summary.sent_by = ConsultationSummary.Status.SENT, timezone.now(), _user(actor)
    with audit_context(actor):
        summary.full_clean()
        summary.save()
        rows = [SummaryPoint(summary=summary, comment_id=p.comment_id, child_summary_id=p.child_summary_id,
                             taken=p.taken, group=_text(p.group, field="group", limit=120, required=False))
                for p in points]
        SummaryPoint.objects.filter(summary=summary).delete()
        SummaryPoint.objects.bulk_create(rows)
        if send and organization.pk == consultation.organization_id:
            # The publisher's own summary ends the consultation (and goes to `reports_to`, if any).
            consultation.status = Consultation.Status.CLOSED
            consultation.save(update_fields=["status"])
    return summary

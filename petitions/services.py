"""Writes of the petitions: raise, assign, answer, forward, resolve, reopen. Each is atomic and
audited, and writes one dated step the sender and the committees above read. Who may do what is
petitions.rules; the views and the API ask it (through the selectors) before calling here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.text import normalize_text
from meetings.models import Meeting
from members.models import Member, User
from notifications.services.dispatch import dispatches_create
from petitions import rules
from petitions.models import Petition, PetitionAttachment, PetitionCategory, PetitionStep
from petitions.nudges import step_notices
from petitions.uploads import MAX_FILES, checked_attachment


def _clean(value: str) -> str:
    return normalize_text(value or "").strip()


def _required(field: str, value: str, message) -> str:
    value = _clean(value)
    if not value:
        raise ValidationError({field: message})
    return value


def _actor_name(actor) -> str:
    if not isinstance(actor, User):
        return ""
    member = Member.objects.filter(user=actor).only("full_name").first()
    return member.full_name if member else actor.get_username()


def _step(petition: Petition, kind: str, actor, *, organization: Organization, text: str = "", **fields) -> PetitionStep:
    step = PetitionStep(petition=petition, kind=kind, at=timezone.now(), organization=organization, text=text,
                        actor=actor if isinstance(actor, User) else None, actor_name=_actor_name(actor), **fields)
    step.full_clean()
    step.save()
    # The other side is told (petitions.nudges), in this transaction: the ledger fans out on commit.
    dispatches_create(requests=step_notices(step))
    return step


def _save_attachments(petition: Petition, uploads, actor) -> None:
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) + petition.attachments.count() > MAX_FILES:
        raise ValidationError({"attachments": _("At most %(count)s files may be attached.") % {"count": MAX_FILES}})
    saved = []
    try:
        for upload in uploads:
            name, content_type = checked_attachment(upload)
            attachment = PetitionAttachment(petition=petition, content_type=content_type,
                                            original_name=_clean(upload.name)[:255] or name,
                                            uploaded_by=actor if isinstance(actor, User) else None)
            attachment.file.save(name, upload, save=False)
            saved.append(attachment)
            attachment.save()
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)  # no row, no file
        raise


@transaction.atomic
def petition_raise(*, sender: Organization, category: PetitionCategory, title: str, text: str, actor=None,
                   meeting: Meeting | None = None, attachments=()) -> Petition:
    """A petition of `sender` to the level above it, due after the category's days."""
    if sender.parent_id is None:
        raise ValidationError(_("This organisation has no level above to raise a petition to."))
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer used.")})
    if meeting is not None and meeting.cell_id != sender.pk:
        raise ValidationError({"meeting": _("Choose one of this organisation's own meetings.")})
    today = timezone.localdate()
    petition = Petition(
        sender=sender, holder_id=sender.parent_id, category=category,
        title=_required("title", title, _("Give the petition a title.")),
        text=_required("text", text, _("Write what the petition asks.")),
        meeting=meeting, raised_on=today, due_on=rules.due_date(category.due_days, today),
        raised_by=actor if isinstance(actor, User) else None,
    )
    petition.full_clean()
    with audit_context(actor):
        petition.save()
        _step(petition, PetitionStep.Kind.RAISED, actor, organization=sender, to_organization=petition.holder)
        _save_attachments(petition, attachments, actor)
    return petition


def _locked(petition: Petition) -> Petition:
    """The row, locked, as it is now: two committee members acting at once act one after the other."""
    return Petition.objects.select_for_update(of=("self",)).select_related("holder", "sender", "category").get(pk=petition.pk)


def _unresolved(petition: Petition) -> Petition:
    petition = _locked(petition)
    if not rules.is_unresolved(petition):
        raise ValidationError(_("This petition is resolved; only its sender may reopen it."))
    return petition


def _save(petition: Petition, fields: list[str]) -> None:
    petition.full_clean()
    petition.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def petition_assign(*, petition: Petition, actor=None, assignee: str = "", member: Member | None = None,
                    text: str = "") -> Petition:
    """The holder gives it to a person or a body (typed), or to one of its committee members."""
    petition = _unresolved(petition)
    assignee = _clean(assignee)
    if member is not None:
        assignee = assignee or member.full_name
    if not assignee:
        raise ValidationError({"assignee": _("Say to whom it is assigned: a person, a body or a committee member.")})
    petition.status, petition.assignee = Petition.Status.ASSIGNED, assignee[:200]
    with audit_context(actor):
        _save(petition, ["status", "assignee"])
        _step(petition, PetitionStep.Kind.ASSIGNED, actor, organization=petition.holder, text=_clean(text),
              assignee=petition.assignee, assignee_member=member)
    return petition


@transaction.atomic
def petition_answer(*, petition: Petition, actor=None, text: str) -> Petition:
    """An answer the sender reads; the petition stays open until resolved."""
    petition = _unresolved(petition)
    petition.status = Petition.Status.ANSWERED
    petition.answer = _required("text", text, _("Write the answer."))
    with audit_context(actor):
        _save(petition, ["status", "answer"])
        _step(petition, PetitionStep.Kind.ANSWERED, actor, organization=petition.holder, text=petition.answer)
    return petition


@transaction.atomic
def petition_forward(*, petition: Petition, actor=None, text: str = "") -> Petition:
    """Not theirs to settle: it goes to the level above the holder, due again from today."""
    petition = _unresolved(petition)
    parent = petition.holder.parent
    if parent is None:
        raise ValidationError(_("There is no level above this organisation to forward to."))
    held_by = petition.holder
    petition.holder, petition.status, petition.assignee = parent, Petition.Status.FORWARDED, ""
    petition.due_on = rules.due_date(petition.category.due_days, timezone.localdate())
    with audit_context(actor):
        _save(petition, ["holder", "status", "assignee", "due_on"])
        _step(petition, PetitionStep.Kind.FORWARDED, actor, organization=held_by, to_organization=parent,
              text=_clean(text))
    return petition


@transaction.atomic
def petition_resolve(*, petition: Petition, actor=None, text: str) -> Petition:
    """Resolved, with the conclusion the sender reads."""
    petition = _unresolved(petition)
    petition.status, petition.resolved_on = Petition.Status.RESOLVED, timezone.localdate()
    petition.answer = _required("text", text, _("Write how it was resolved."))
    with audit_context(actor):
        _save(petition, ["status", "resolved_on", "answer"])
        _step(petition, PetitionStep.Kind.RESOLVED, actor, organization=petition.holder, text=petition.answer)
    return petition


@transaction.atomic
def petition_reopen(*, petition: Petition, actor=None, reason: str) -> Petition:
    """The sender is not satisfied: reopened once, with a reason; the holder has the category's days again."""
    petition = _locked(petition)
    if rules.is_unresolved(petition):
        raise ValidationError(_("Only a resolved petition can be reopened."))
    if petition.reopened_on is not None:
        raise ValidationError(_("This petition was already reopened once; raise a new one."))
    reason = _required("reason", reason, _("Say why the petition is reopened."))
    today = timezone.localdate()
    petition.status, petition.reopened_on, petition.resolved_on = Petition.Status.REOPENED, today, None
    petition.due_on = rules.due_date(petition.category.due_days, today)
    with audit_context(actor):
        _save(petition, ["status", "reopened_on", "resolved_on", "due_on"])
        _step(petition, PetitionStep.Kind.REOPENED, actor, organization=petition.sender, text=reason)
    return petition


ACTIONS = {
    rules.ASSIGN: petition_assign, rules.ANSWER: petition_answer, rules.FORWARD: petition_forward,
    rules.RESOLVE: petition_resolve,
}

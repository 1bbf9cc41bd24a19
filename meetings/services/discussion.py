"""The draft resolution and the members' comments on it, open until the meeting starts."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from common.cell_versions import cells_changed
from meetings.models import DraftComment, DraftResolution, Meeting
from members.models import CellMembership, Member

COMMENT_MAX_LENGTH = 2000


def comments_open(meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    return meeting.is_open and (now or timezone.now()) < meeting.starts_at


@transaction.atomic
def draft_publish(*, meeting: Meeting, text: str, actor=None) -> DraftResolution:
    """Post the draft resolution, or change it. It can change until the meeting is held."""
    if not meeting.is_open:
        raise ValidationError(_("The meeting was held or cancelled; its draft can no longer change."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the draft resolution.")})
    draft = DraftResolution.objects.select_for_update().filter(meeting=meeting).first()
    with audit_context(actor):
        if draft is None:
            draft = DraftResolution(meeting=meeting, text=text, updated_by=actor, published_at=timezone.now())
            draft.full_clean()
            draft.save()
        elif draft.text != text:
            draft.text, draft.updated_by = text, actor
            draft.save(update_fields=["text", "updated_by", "updated_at"])
    cells_changed([meeting.cell_id])
    return draft


@transaction.atomic
def draft_comment_add(*, meeting: Meeting, member: Member, text: str, actor=None,
                      now: dt.datetime | None = None) -> DraftComment:
    """A member of the cell comments on the draft; only before the meeting starts."""
    now = now or timezone.now()
    draft = DraftResolution.objects.filter(meeting=meeting).first()
    if draft is None:
        raise ValidationError(_("The draft resolution has not been posted yet."))
    if not comments_open(meeting, now=now):
        raise ValidationError(_("The meeting has started; comments on the draft are closed. "
                                "Raise your opinion at the meeting."))
    if not CellMembership.objects.current(timezone.localdate(now)).filter(member=member, cell_id=meeting.cell_id).exists():
        raise ValidationError(_("Only members of the cell may comment on its draft."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": _("Keep the comment under %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH}})
    comment = DraftComment(draft=draft, member=member, text=text, created_at=now)
    with audit_context(actor):
        comment.save()
    cells_changed([meeting.cell_id])  # the member's home counts the comments
    return comment

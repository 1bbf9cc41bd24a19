"""A member's choice of meeting reminder lead times, among those the home cell allows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cells.forms import lead_time_label
from common.audit import audit_context
from meetings.models import ReminderChoice
from meetings.selectors import reminder_choices_of
from members.models import Member


def _choices_or_refuse(member: Member):
    choices = reminder_choices_of(member)
    if choices is None:
        raise ValidationError(_("Reminder lead times are chosen by members on a cell's rolls."))
    return choices


@transaction.atomic
def reminder_choice_save(*, member: Member, offsets_minutes, actor=None) -> ReminderChoice:
    """Save the lead times the member wants to be reminded at: one or more of those the home
    cell allows (what a cell allows later is what counts: meetings.rules.effective_reminder_offsets)."""
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()
    choices = _choices_or_refuse(member)
    chosen = sorted(set(offsets_minutes), reverse=True)
    if not chosen:
        raise ValidationError({"offsets_minutes": _(
            "Tick at least one lead time, or go back to your cell's default.")})
    refused = [minutes for minutes in chosen if minutes not in choices.allowed]
    if refused:
        raise ValidationError({"offsets_minutes": _(
            "Your cell does not offer reminders %(refused)s. Choose among the lead times shown.") % {
            "refused": ", ".join(lead_time_label(minutes) for minutes in refused)}})
    choice = ReminderChoice.objects.filter(member=member).first()
    if choice is not None and choice.offsets_minutes == chosen:
        return choice
    with audit_context(actor):
        if choice is None:
            return ReminderChoice.objects.create(member=member, offsets_minutes=chosen)
        choice.offsets_minutes = chosen
        choice.save(update_fields=["offsets_minutes", "updated_at"])
    return choice


@transaction.atomic
def reminder_choice_clear(*, member: Member, actor=None) -> None:
    """Back to the home cell's default lead times."""
    with audit_context(actor):
        ReminderChoice.objects.filter(member=member).delete()

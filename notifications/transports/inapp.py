"""The in-app inbox: a row in our own database, written in the ledger's transaction."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.transports.base import Message, Transport


class InAppTransport(Transport):
    channel = "inapp"
    label = _("Inbox in the handbook")
    optional = False
    transactional = True

    def recipients(self, members: QuerySet) -> QuerySet:
        return members.filter(user__isnull=False, user__is_active=True)

    def address(self, member) -> str:
        user = member.user if member.user_id else None
        return f"user:{user.pk}" if user is not None and user.is_active else ""

    def send(self, message: Message) -> None:
        self.send_many([message])

    def send_many(self, messages: list[Message]) -> None:
        Notification.objects.bulk_create([
            Notification(
                user_id=message.user_id, delivery_id=message.delivery_id, kind=message.kind,
                subject=message.subject[:255], body=message.text, link=message.link[:500],
            )
            for message in messages
        ])

"""Email through Django's mail backend (SMTP in production, console in the demo).

SMTP answers decide what a failure means: 5xx for a recipient is a bad address (stop),
4xx is "try later", a refused or dropped connection before the message is written means
the server is down for the whole batch; no answer once the message was written is
"uncertain" (it may have been accepted), and the next message goes on a new connection.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from notifications.transports.base import Message, Transport, TransportError


def _smtp_code(exc: smtplib.SMTPException) -> int:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else 0
    return getattr(exc, "smtp_code", 0) or 0


class EmailTransport(Transport):
    channel = "email"
    label = _("Email")
    renders_html = True

    def __init__(self):
        self.connection = None
        self.data_started = False

    def recipients(self, members: QuerySet) -> QuerySet:
        # The account's address first (the member keeps it up to date), else the record's.
        return members.annotate(
            email_address=Coalesce(NullIf(F("user__email"), Value("")), NullIf(F("email"), Value("")))
        ).filter(Q(email_address__isnull=False))

    def address(self, member) -> str:
        account = member.user.email if member.user_id else ""
        return (account or member.email or "").strip().lower()

    def _open(self) -> None:
        self.connection = get_connection()
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            self.connection = None
            raise TransportError(f"mail server unreachable: {exc}", permanent=False, unavailable=True) from exc
        smtp = getattr(self.connection, "connection", None)  # None for the console and test backends
        if smtp is None:
            return
        write_data = smtp.data

        def data(msg):
            self.data_started = True  # from here on, a lost answer leaves the outcome unknown
            return write_data(msg)

        smtp.data = data

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (OSError, smtplib.SMTPException):
                pass  # a broken connection is being dropped anyway
            finally:
                self.connection = None

    def send(self, message: Message) -> None:
        if self.connection is None:
            self._open()
        self.data_started = False
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address], connection=self.connection,
            headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code = _smtp_code(exc)
            raise TransportError(f"recipient refused ({code}): {exc.recipients}", permanent=code >= 500) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            code = _smtp_code(exc)
            # The message or our sender was refused, not the member's address.
            raise TransportError(f"message refused ({code}): {exc}", permanent=code >= 500,
                                 bad_address=False) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # the connection is in an unknown state; the next message opens another
            if self.data_started:
                raise TransportError(f"no answer after the message was written: {exc!r}", permanent=False,
                                     uncertain=True) from exc
            raise TransportError(f"mail server error: {exc!r}", permanent=False, unavailable=True) from exc

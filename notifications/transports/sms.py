"""Text messages through the SMS gateway (`HANDBOOK_SMS_BACKEND`: eSMS.vn, or the console).

Off until the member turns it on in their settings (a text costs money and reaches a phone
in a pocket). The number is the member record's, read as E.164 (`members.phone`); a record
whose number cannot be read has no SMS address. The text is short: the kind's
`<template>-sms.txt` (a reminder: what, when, where, in one or two segments), or its subject.

The gateway's answers decide what a failure means (`sms_gateway.SmsError`): an invalid
number is a bad address, remembered like a refused mailbox; a rejected text or account is
permanent without blaming the number; rate limited or busy is tried again later. Each
request names the ledger row and the site (eSMS's RequestId), so a retry after an
unanswered request is a duplicate the gateway recognises, not a second text.
"""

import hashlib

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from members.phone import display, to_e164_or_none
from notifications.transports.base import Message, Transport


class SmsTransport(Transport):
    channel = "sms"
    label = _("Text message (SMS)")
    default_on = False
    short_text = True

    def __init__(self):
        self.gateway = None

    def recipients(self, members: QuerySet) -> QuerySet:
        # The number is read in Python (address()): one that cannot be read is skipped there.
        return members.exclude(phone="")

    def address(self, member) -> str:
        return to_e164_or_none(member.phone) or ""

    def shown(self, address: str) -> str:
        return display(address) if address else ""

    def send(self, message: Message) -> None:
        if self.gateway is None:
            self.gateway = import_string(settings.HANDBOOK_SMS_BACKEND).from_settings()
        # Stable per ledger row and site (message_id names both): the gateway's RequestId.
        request_id = hashlib.sha256(message.message_id.encode()).hexdigest()[:32]
        self.gateway.send(phone=message.address, text=message.text, request_id=request_id)

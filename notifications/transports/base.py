"""What every channel implements: SMS, Zalo OA or web push is one more subclass.

A transport finds who it can reach (`recipients`), where (`address`), and sends one
rendered message, raising `TransportError` with `permanent=True` when trying again cannot
help (the address does not exist) and `permanent=False` when it may (a server is busy).
"""

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Message:
    delivery_id: int
    kind: str
    channel: str
    address: str
    language: str
    user_id: int | None
    subject: str
    text: str
    html: str
    link: str
    # Stable per ledger row: a copy re-sent after a crash carries the same id, so mail
    # clients and providers show the member one message.
    message_id: str
    # For channels that fill a provider's template with named parameters (Zalo).
    recipient_name: str = ""


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool, bad_address: bool | None = None,
                 unavailable: bool = False, uncertain: bool = False, retry_after: int = 0):
        super().__init__(message)
        self.permanent = permanent
        # A permanent failure usually means the address is bad; content refused for good
        # (a 554 on the message body) is permanent without blaming the address.
        self.bad_address = permanent if bad_address is None else bad_address
        # The channel itself is down (no connection): the rest of the batch waits too.
        self.unavailable = unavailable
        # No answer after the whole message was written: it may have been accepted. Not a
        # sign that the server is down (the next message goes on), and a retry may make a
        # second copy, which the ledger counts.
        self.uncertain = uncertain
        # Seconds the server asked us to wait (HTTP Retry-After): the next attempt waits at
        # least that long, however short the ledger's own backoff.
        self.retry_after = retry_after


class Transport:
    channel: str = ""
    label: str = ""
    # May a member turn this channel off in their settings?
    optional: bool = True
    # Does send() write to our own database? Then the send and the ledger's "sent" are
    # committed together, and the message exists exactly once whatever happens.
    transactional: bool = False
    # Does the channel carry the HTML body (email) or only subject and text (in-app, SMS)?
    renders_html: bool = False
    # Is it on for a member who never chose (email), or only for those who turned it on (SMS)?
    default_on: bool = True
    # Does it carry a short text (`<template>-sms.txt`, else the subject) instead of the body?
    short_text: bool = False

    @classmethod
    def configured(cls) -> bool:
        """Can this channel send on this site (its credentials are set)? If not, it is left
        out: no ledger rows, no choice in the settings."""
        return True

    def carries(self, kind: str) -> bool:
        """Does this channel carry messages of `kind` (a provider may need a template per kind)?"""
        return True

    def recipients(self, members: QuerySet) -> QuerySet:
        """The members of `members` this channel can reach."""
        raise NotImplementedError

    def address(self, member) -> str:
        """Where this member is reached on this channel, or "" if nowhere."""
        raise NotImplementedError

    def shown(self, address: str) -> str:
        """The address as the member reads it on their settings page."""
        return address

    def close(self) -> None:
        """Called after a batch, whatever happened (a transport may keep a connection open
        from its first send)."""

    def send(self, message: Message) -> None:
        raise NotImplementedError

    def send_many(self, messages: list[Message]) -> None:
        for message in messages:
            self.send(message)

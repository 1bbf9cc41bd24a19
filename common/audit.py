"""Attach the acting user to the audit events (django-pghistory) written by a service."""

import contextlib

import pghistory


def audit_context(actor, **extra):
    """Context manager for a service body: every tracked row it writes names `actor`."""
    if actor is None and not extra:
        return contextlib.nullcontext()
    return pghistory.context(user=getattr(actor, "pk", actor), **extra)

"""The channels messages travel on, as configured (settings.NOTIFICATIONS_TRANSPORTS)."""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from notifications.transports.base import Message, Transport, TransportError

DEFAULT_TRANSPORTS = [
    "notifications.transports.inapp.InAppTransport",
    "notifications.transports.email.EmailTransport",
    "notifications.transports.sms.SmsTransport",
    "notifications.transports.zalo.ZaloTransport",
    "notifications.transports.push.PushTransport",
]

__all__ = ["Message", "Transport", "TransportError", "transport", "transports"]


@cache
def _classes() -> dict[str, type[Transport]]:
    paths = getattr(settings, "NOTIFICATIONS_TRANSPORTS", DEFAULT_TRANSPORTS)
    classes = [cls for cls in (import_string(path) for path in paths) if cls.configured()]
    return {cls.channel: cls for cls in classes}


def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting == "NOTIFICATIONS_TRANSPORTS" or setting.startswith(("HANDBOOK_ZALO_", "HANDBOOK_VAPID_")):
        _classes.cache_clear()  # tests that configure a channel


setting_changed.connect(_settings_changed)


def transports() -> list[Transport]:
    """A fresh instance of every configured transport (instances hold a connection)."""
    return [cls() for cls in _classes().values()]


def transport(channel: str) -> Transport:
    return _classes()[channel]()


def optional_channels() -> list[type[Transport]]:
    """Channels a member may turn off in their settings (in-app is always on)."""
    return [cls for cls in _classes().values() if cls.optional]

"""The inbox, notification settings and the language switch. Thin: selectors, services, templates."""

import json
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from common.text import positive_int
from notifications import selectors
from notifications.forms import NotificationSettingsForm
from notifications.services import inbox as inbox_services
from notifications.services import preferences as preference_services
from notifications.services import push as push_services
from notifications.services.dispatch import deliveries_send_again
from notifications.transports import optional_channels
from notifications.transports.push import PushTransport

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(selectors.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": list(page.object_list)})


def _back_to_inbox(request):
    page = positive_int(request.POST.get("page"), default=0, below=1_000_000)
    url = reverse("inbox")
    return redirect(f"{url}?page={page}" if page else url)


def _same_site_path(request, link: str) -> str | None:
    """The link as a path on this site ("/meetings/…"), or None when it leads elsewhere.

    Messages carry absolute links built from SITE_URL (an email needs them); the inbox
    follows only the path, so opening the site under another name (its IP address, a
    second domain) stays on that name and the CSP does not block the redirect.
    """
    hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts=hosts):
        return None
    parts = urlsplit(link)
    # "//host/…" or "/\\host" would leave the site once the scheme and host are dropped.
    if not parts.path.startswith("/") or parts.path.startswith(("//", "/\\")):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = selectors.get_notification_for_owner(request.user, notification_id)
    inbox_services.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("open"):
        target = _same_site_path(request, notification.link)
        if target:
            return redirect(target)
    return _back_to_inbox(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = inbox_services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All messages are marked as read."))
    return _back_to_inbox(request)


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def notification_settings(request):
    user = request.user
    member = selectors.member_of(user)
    addresses = selectors.member_addresses(member) if member else {"email": (user.email or "").lower()}
    channels = [(cls.channel, cls.label, cls().shown(addresses.get(cls.channel, ""))) for cls in optional_channels()]
    choices = selectors.channel_choices(user)
    initial = {"language": user.language, **{f"channel_{c}": on for c, (on, _only) in choices.items()},
               **{f"reminders_only_{c}": only for c, (_on, only) in choices.items()}}
    form = NotificationSettingsForm(request.POST or None, channels=channels, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preference_services.preferences_update(
                user=user, channels=form.channel_values(), language=form.cleaned_data["language"],
                reminders_only=form.reminders_only_values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            language = form.cleaned_data["language"]
            translation.activate(language)
            messages.success(request, _("Your notification settings are saved."))
            response = redirect("notification_settings")
            _set_language_cookie(response, language)
            return response
    push_on = PushTransport.configured()
    return render(request, "notifications/settings.html", {
        "form": form,
        "bad_addresses": selectors.bad_addresses_for_member(member) if member else [],
        "push_public_key": settings.HANDBOOK_VAPID_PUBLIC_KEY if push_on else "",
        "push_subscriptions": list(selectors.push_subscriptions_for(user)) if push_on else [],
    })


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


@login_required
@require_POST
def push_subscribe(request):
    """The browser's `PushSubscription.toJSON()` (static/js/pwa.js): push on in this browser."""
    if not PushTransport.configured():
        raise Http404
    body = _json_body(request)
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    try:
        subscription = push_services.push_subscription_save(
            user=request.user, endpoint=body.get("endpoint", ""), p256dh=keys.get("p256dh", ""),
            auth=keys.get("auth", ""), user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"device": subscription.device}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """Push off in one of the user's browsers: this one (JSON from static/js/pwa.js) or one
    from their list on the settings page (a form)."""
    as_json = request.content_type == "application/json"
    endpoint = _json_body(request).get("endpoint", "") if as_json else request.POST.get("endpoint", "")
    subscription = selectors.get_push_subscription_for_owner(request.user, endpoint)
    push_services.push_subscription_delete(user=request.user, subscription=subscription)
    if as_json:
        return JsonResponse({})
    messages.success(request, _("Push notifications are off on that device."))
    return redirect("notification_settings")


@login_required
@require_POST
def notification_address_retry(request):
    """The member fixed their mailbox: clear the bad mark on their own address only."""
    member = selectors.member_of(request.user)
    own = selectors.member_addresses(member) if member else {}
    channel = request.POST.get("channel", "")
    if own.get(channel):
        preference_services.bad_address_clear(user=request.user, channel=channel, address=own[channel])
        messages.success(request, _("We will send to this address again."))
    return redirect("notification_settings")


@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice on a signed-in user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        preference_services.user_language_set(user=request.user, language=language)
    return response


# --- The operator's page: is every message getting out? ---------------------------------------

def _staff_only(view):
    """Staff see the ledger; anyone else gets the 404 of a page that does not exist."""
    @login_required
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)
    wrapped.__name__ = view.__name__
    return wrapped


@_staff_only
def delivery_operator(request):
    now = timezone.now()
    return render(request, "notifications/operator.html", {
        "figures": selectors.ledger_figures(now=now),
        "deliveries": list(selectors.deliveries_needing_attention()),
        "zalo_token": selectors.zalo_token_state(now=now),
    })


@require_POST
@_staff_only
def delivery_operator_send_again(request):
    ids = [pk for pk in (positive_int(value, default=0, below=2**62) for value in request.POST.getlist("delivery"))
           if pk]
    count = deliveries_send_again(delivery_ids=ids, actor=request.user)
    messages.success(request, ngettext("%(count)d message will be sent again.",
                                       "%(count)d messages will be sent again.", count) % {"count": count})
    return redirect("delivery_operator")

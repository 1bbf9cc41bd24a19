"""django-allauth adapter: no open sign-up (accounts come from officers or invitations); rate
limits by the client's address as handbook.security reads it."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site

from common.text import normalize_text
from handbook.security import client_ip
from members.selectors import user_id_for_login


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # The one reading of the client's address behind proxies (HANDBOOK_TRUSTED_PROXIES),
        # so allauth's per-address limits count clients, not the proxy.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # One limit of failed sign-ins per account, whatever spelling names it (the username
        # in any case, the email), as the API's sign-in limit counts; an unknown login by its
        # spelling in one case and one Unicode form.
        login = credentials.get("email", credentials.get("username", "")) or ""
        user_id = user_id_for_login(login) if login else None
        key = f"user-{user_id}" if user_id else normalize_text(login).casefold()
        return f"{get_current_site(request).domain}:{key}"

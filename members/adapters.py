"""django-allauth adapter: no open sign-up (accounts come from officers or invitations); rate
limits by the client's address as handbook.security reads it."""

from allauth.account.adapter import DefaultAccountAdapter

from handbook.security import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # The one reading of the client's address behind proxies (HANDBOOK_TRUSTED_PROXIES),
        # so allauth's per-address limits count clients, not the proxy.
        return client_ip(request)

"""django-allauth adapter: no open sign-up (accounts come from officers or invitations)."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

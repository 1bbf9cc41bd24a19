"""The member's page of API tokens: see where they are signed in and revoke a token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.selectors import get_token_of, tokens_of
from api.services import token_revoke

SHOWN = 100


@login_required
def api_tokens(request):
    return render(request, "api/tokens.html", {"tokens": list(tokens_of(request.user)[:SHOWN])})


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = get_token_of(request.user, token_id)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token for “%(name)s” was revoked; that device is signed out.") % {"name": token.name})
    return redirect("api_tokens")

"""Printed sign-in codes: the secretary issues and prints one for a member of their cell
(members.access_codes); the member types it with a password of their own and is signed in.

Issuing answers the POST with the card itself: the code exists in clear only in that answer
(never stored, never in a URL). Printing again means issuing a new code, which voids the old.
"""

from io import BytesIO

import qrcode
from allauth.account.utils import perform_login
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from qrcode.image.svg import SvgPathImage

from members.access import scope_for
from members.access_codes import (
    IssuedCode,
    access_code_issue,
    access_code_refusal,
    access_code_use,
    access_codes_latest,
)
from members.forms_sign_in import AccessCodeForm
from members.phone import display
from members.selectors import get_member_for_viewer, member_access, member_record


def _member_with_account(request, member_id):
    """A member the user may give codes to: the record's officers (404 for anyone else), and
    a record with an account."""
    scope = scope_for(request.user)
    member = get_member_for_viewer(scope, member_id)
    access = member_access(scope, member, member_record(member).memberships)
    if not access.can_edit or not member.user_id:
        raise Http404
    return member, access


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def render_card(request, member, issued: IssuedCode):
    """The printable card (A6): who, where to go, the code, until when."""
    sign_in_url = settings.SITE_URL + reverse("access_code_sign_in")
    return render(request, "members/access_code_card.html", {
        "member": member, "account": member.user, "issued": issued, "sign_in_url": sign_in_url,
        "phone": display(member.user.phone) if member.user.phone else "",
        "qr_svg": _qr_svg(sign_in_url),
    })


@login_required
def member_access_code(request, member_id):
    """The member's sign-in: how they sign in, the last code issued, a button for a new one."""
    member, access = _member_with_account(request, member_id)
    return render(request, "members/access_code.html", {
        "member": member, "access": access, "account": member.user,
        "phone": display(member.user.phone) if member.user.phone else "",
        "latest": access_codes_latest(member.user), "refusal": access_code_refusal(member.user), "now": timezone.now(),
    })


@login_required
@require_POST
def member_access_code_issue(request, member_id):
    member, access = _member_with_account(request, member_id)
    try:
        issued = access_code_issue(user=member.user, actor=request.user)
    except ValidationError:
        raise Http404 from None  # an administrator's account: the page offers no button
    return render_card(request, member, issued)


@never_cache
def access_code_sign_in(request):
    """The page the card points to: the code, a new password, and the member is signed in
    (through allauth, so an account with TOTP still asks for its code)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST" and not ratelimit.consume(request, action="access_code"):
        form = AccessCodeForm(initial={"code": request.POST.get("code", "")[:24]})
        return render(request, "account/access_code_sign_in.html", {"form": form, "limited": True}, status=429)
    form = AccessCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = access_code_use(code=form.cleaned_data["code"], password=form.cleaned_data["password1"],
                                   request=request)
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            return perform_login(request, user, redirect_url=reverse(settings.LOGIN_REDIRECT_URL))
    return render(request, "account/access_code_sign_in.html", {"form": form})

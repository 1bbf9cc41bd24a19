"""Small site-wide views."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


@cache_control(max_age=86400, public=True)
def favicon(request):
    # Browsers ask for /favicon.ico before they read the page's <link rel="icon">.
    return redirect(static("img/star.svg"), permanent=True)


@login_required
def settings_index(request):
    """One place for the member's own settings, so the header stays short on a phone."""
    return render(request, "settings_index.html")

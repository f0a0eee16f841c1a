"""Sign in, sign out and change one's password (ROLE-3)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from shopops.core.access import LOGIN, PUBLIC, access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .. import actions, throttle
from ..forms import LoginForm, PasswordChangeForm
from ..passwords import help_texts, password_expired


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@access(PUBLIC)
@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = LoginForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            throttle.attempt_login(request, username=form.cleaned_data["username"],
                                   password=form.cleaned_data["password"])
        except UserError as exc:
            error = user_message(exc)
        else:
            return redirect(_next_url(request))
    elif request.method == "POST":
        error = _("请输入账号和密码 (Enter your user name and password.)")
    return render(request, "accounts/login.html", {
        "form": form, "error": error, "next": request.POST.get("next") or request.GET.get("next", ""),
    })


@access(PUBLIC)
@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@access(LOGIN)
@sensitive_post_parameters("old_password", "new_password", "new_password2")
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(actor=request.user,
                                    old_password=form.cleaned_data["old_password"],
                                    new_password=form.cleaned_data["new_password"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            update_session_auth_hash(request, request.user)  # stay signed in
            messages.success(request, _("密码已修改 (Password changed.)"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {
        "form": form, "rules": help_texts(), "expired": password_expired(request.user),
        "page_title": _("修改密码"),
    })

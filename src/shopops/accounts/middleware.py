"""Password expiry (ROLE-3): a signed-in person whose password is too old (or was set by
an administrator, or never set) can open only the password change page until they
change it."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import password_expired

MESSAGE = "您的密码已过期，请修改后继续使用"
MESSAGE_EN = "Your password has expired; change it to continue."


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request.path):
            if password_expired(user):
                return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        open_paths = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("accounts:login"),
            reverse("api:accounts_me"),  # so a client can learn why it is refused
        )
        return path in open_paths or path.startswith(settings.STATIC_URL)

    @staticmethod
    def _refuse(request):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "password_expired", "message": MESSAGE, "message_en": MESSAGE_EN},
                status=403,
            )
        messages.warning(request, f"{MESSAGE} ({MESSAGE_EN})")
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(target)
        return redirect(target)

"""The reveal button's target (ROLE-6) and the log of reveals."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.registry import setting

from . import privacy
from .actions.privacy import find, reveal_pii
from .models import PiiReveal


def _back(request):
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@require_POST
@access("service.reveal_pii")
def reveal(request):
    try:
        obj = find(request.POST.get("object_type", ""), request.POST.get("object_id", ""))
        reveal_pii(actor=request.user, obj=obj, reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        privacy.remember_reveal(request, obj, setting("service.pii_reveal_minutes"))
    return _back(request)


@access("service.view_pii_reveals")
def reveal_log(request):
    rows = PiiReveal.objects.select_related("viewer")
    viewer = request.GET.get("viewer", "")
    if viewer.isdigit():
        rows = rows.filter(viewer_id=int(viewer))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "service/pii_reveals.html", {
        "page": page, "page_title": _("个人信息查看记录")})


urlpatterns = [
    path("privacy/reveal/", reveal, name="reveal_pii"),
    path("privacy/reveals/", reveal_log, name="pii_reveals"),
]

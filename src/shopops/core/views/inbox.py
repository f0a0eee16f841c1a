"""The inbox (通知): one person's messages, unread first."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import LOGIN, access
from ..actions import notifications
from ..errors import UserError
from ..i18n import user_message
from ..notify import unread_count

PAGE_SIZE = 50


@access(LOGIN)
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications.inbox_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "core/inbox/list.html", {
        "page": page, "unread_only": unread_only, "page_title": _("通知"),
    })


@access(LOGIN)
def open_notification(request, pk):
    """Mark it read (a GET is fine: it is the reader's own state) and follow its link."""
    try:
        note = notifications.get_own(actor=request.user, pk=pk)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("core:inbox")
    notifications.mark_read(actor=request.user, notification=note)
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(note.link if note.link and safe else "core:inbox")


@access(LOGIN)
@require_POST
def mark_all_read(request):
    count = notifications.mark_all_read(actor=request.user)
    messages.success(request, _("已将 {count} 条通知标为已读。").format(count=count) if count
                     else _("没有未读通知。"))
    return redirect("core:inbox")


@access(LOGIN)
@require_GET
def unread_badge(request):
    """The header's inbox link with its unread badge, for htmx polling. Rendered without
    the context processors: the page shell (navigation…) is not needed here."""
    html = render_to_string("core/inbox/_badge.html", {"inbox_unread": unread_count(request.user)})
    return HttpResponse(html)

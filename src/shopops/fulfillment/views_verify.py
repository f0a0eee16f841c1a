"""The verification station (FUL-4): one page for a keyboard-wedge scanner. Each scan is
posted by station.js to verify_scan, which answers JSON with the feedback and the order's
progress panel re-rendered; a reload shows the verifier's open order again."""


from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.days import day_bounds
from shopops.core.errors import UserError
from shopops.core.i18n import english_active, user_message

from .actions.station import StationResult
from .actions.verify import abandon_verify, progress, station_scan, today_verified_count
from .models import Slip, VerifySession

CAP = "fulfillment.verify"


def open_session(user):
    return (VerifySession.objects.select_related("order")
            .filter(verifier=user, state=VerifySession.State.OPEN)
            .order_by("-started_at", "-pk").first())


def panel_context(session, order=None):
    """What the progress panel shows: the order's header and per-item counts."""
    order = session.order if session is not None else order
    if order is None:
        return {"session": None, "order": None, "progress": [], "waybill": ""}
    lines = order.lines.select_related("sku").order_by("pk")
    scanned = session.scanned if session is not None else {}
    rows = progress(lines, scanned) if session is not None else []
    slip = Slip.objects.filter(order=order, state=Slip.State.ACTIVE).only("waybill_no").first()
    return {"session": session, "order": order, "progress": rows,
            "waybill": slip.waybill_no if slip else "",
            "total": {"needed": sum(r["needed"] for r in rows),
                      "scanned": sum(r["scanned"] for r in rows)}}


def result_payload(request, result: StationResult, html: str, **extra) -> dict:
    data = result.as_dict()
    data["message"] = (result.message_en or result.message) if english_active() \
        else result.message
    data.update(html=html, **extra)
    return data


@access(CAP)
def verify_station(request):
    session = open_session(request.user)
    start = day_bounds()[0]
    recent = (VerifySession.objects.select_related("order")
              .filter(verifier=request.user, finished_at__gte=start)
              .order_by("-finished_at", "-pk")[:10])
    return render(request, "fulfillment/station/verify.html", {
        **panel_context(session), "today": today_verified_count(request.user),
        "recent": recent, "page_title": _("验货台")})


@access(CAP)
@require_POST
def verify_scan(request):
    session_id = request.POST.get("session", "")
    session = (VerifySession.objects.filter(pk=int(session_id), verifier=request.user).first()
               if session_id.isdigit() else None)
    try:
        result = station_scan(actor=request.user, session=session,
                              code=request.POST.get("code", ""))
    except UserError as exc:
        result = StationResult(ok=False, code=exc.code, message=exc.message,
                               message_en=exc.message_en, session=session)
    shown = result.session if result.session is not None else session
    if shown is not None:
        shown.refresh_from_db()
    context = panel_context(shown, result.order)
    html = render_to_string("fulfillment/station/_verify_panel.html", context, request)
    open_id = shown.pk if shown is not None and shown.state == VerifySession.State.OPEN else None
    return JsonResponse(result_payload(request, result, html, session_id=open_id,
                                      today=today_verified_count(request.user)))


@access(CAP)
@require_POST
def verify_abandon(request, pk):
    session = get_object_or_404(VerifySession, pk=pk)
    try:
        abandon_verify(actor=request.user, session=session, reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已重置验货，请重新扫描快递单，从头逐件扫描。"))
    return redirect("fulfillment:verify_station")


urlpatterns = [
    path("verify-station/", verify_station, name="verify_station"),
    path("verify-station/scan/", verify_scan, name="verify_scan"),
    path("verify-station/<int:pk>/abandon/", verify_abandon, name="verify_abandon"),
]

"""The returns desk (售后员, AS-2): the registration page (scan the waybill, see the match
and the rule's suggestion, sign or refuse, photos), the day's parcels, a parcel's page
with pass-on, and the supervisor's findings (差错) that the AS-2 scorecard counts."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.accounts.queries import users_with_roles
from shopops.core.access import access, user_can
from shopops.core.days import day_bounds
from shopops.core.errors import UserError
from shopops.core.events import history
from shopops.core.i18n import user_message
from shopops.core.money import parse_yuan
from shopops.fulfillment.models import Courier

from .actions import receiving
from .models import ReceivingFault, ReturnParcel
from .rules import RULES, evaluate, match_parcel

PAGE_SIZE = 50


def _day(text):
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()


def parcel_rows(params):
    day = _day(params.get("day"))
    start, end = day_bounds(day)
    rows = (ReturnParcel.objects.filter(received_at__gte=start, received_at__lt=end)
            .select_related("courier", "request", "order", "received_by", "passed_to")
            .annotate(photo_count=Count("photos")))
    decision = params.get("decision", "")
    if decision in ReturnParcel.Decision.values:
        rows = rows.filter(decision=decision)
    if params.get("problem"):
        rows = rows.filter(problem=True)
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(waybill_no__icontains=q.upper()) | Q(number__icontains=q)
                           | Q(order__number__icontains=q) | Q(request__number__icontains=q))
    return day, rows.order_by("-received_at", "-pk")


def _form_values(post):
    courier = Courier.objects.filter(pk=_int(post.get("courier"))).first()
    freight = (post.get("freight") or "").strip()
    return {"waybill_no": post.get("waybill_no", ""), "courier": courier,
            "sender_name": post.get("sender_name", ""),
            "sender_phone": post.get("sender_phone", ""), "order_ref": post.get("order_ref", ""),
            "freight_collect": bool(post.get("freight_collect")),
            "freight_fen": parse_yuan(freight) if freight else 0,
            "packaging": post.get("packaging", "intact"),
            "packaging_note": post.get("packaging_note", ""),
            "decision": post.get("decision", ""), "note": post.get("note", "")}


def _int(value):
    return int(value) if str(value or "").isdigit() else None


@access("aftersales.receive")
def parcel_list(request):
    """Register a parcel (POST) and the day's parcels (GET ?day=…)."""
    if request.method == "POST":
        try:
            values = _form_values(request.POST)
            parcel = receiving.register_parcel(actor=request.user,
                                               photos=request.FILES.getlist("photos"), **values)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已登记 %(number)s：%(decision)s，已转交 %(person)s。") % {
                "number": parcel.number, "decision": parcel.get_decision_display(),
                "person": parcel.passed_to or "—"})
            return redirect("aftersales:parcel_list")
    day, rows = parcel_rows(request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(rows.order_by().values_list("decision").annotate(n=Count("pk")))
    return render(request, "aftersales/parcel_list.html", {
        "page": page, "day": day, "f": request.GET, "post": request.POST,
        "rules": RULES, "couriers": Courier.objects.filter(active=True),
        "counts": counts, "problems": rows.filter(problem=True).count(),
        "decisions": ReturnParcel.Decision.choices,
        "packagings": ReturnParcel.Packaging.choices,
        "may_review": user_can(request.user, "aftersales.review_receiving"),
        "page_title": _("售后来件登记")})


@access("aftersales.receive")
def parcel_match(request):
    """htmx: what the parcel being typed matches and what the rules suggest."""
    found = match_parcel(waybill_no=request.GET.get("waybill_no", ""),
                         order_ref=request.GET.get("order_ref", ""),
                         sender_phone=request.GET.get("sender_phone", ""))
    typed = any((request.GET.get(k) or "").strip() for k in ("waybill_no", "order_ref",
                                                              "sender_phone"))
    rule = evaluate(found, freight_collect=bool(request.GET.get("freight_collect")))
    return render(request, "aftersales/_parcel_match.html", {
        "found": found, "rule": rule, "typed": typed})


@access("aftersales.receive")
def parcel_detail(request, pk):
    parcel = get_object_or_404(ReturnParcel.objects.select_related(
        "courier", "request__handler", "order", "received_by", "passed_to"), pk=pk)
    may_review = user_can(request.user, "aftersales.review_receiving")
    return render(request, "aftersales/parcel_detail.html", {
        "parcel": parcel, "photos": list(parcel.photos.all()),
        "faults": list(parcel.faults.select_related("marked_by", "receiver")),
        "events": list(history(parcel)), "rule": _rule(parcel.rule),
        "people": users_with_roles(["aftersale_cs", "cs_supervisor"]),
        "fault_kinds": ReceivingFault.Kind.choices, "may_review": may_review,
        "page_title": _("来件 %(number)s") % {"number": parcel.number}})


def _rule(code):
    return next((r for r in RULES if r.code == code), None)


@access("aftersales.receive")
@require_POST
def parcel_pass_on(request, pk):
    parcel = get_object_or_404(ReturnParcel, pk=pk)
    person = User.objects.filter(pk=_int(request.POST.get("to")), is_active=True).first()
    try:
        receiving.pass_on(actor=request.user, parcel=parcel, to=person,
                          note=request.POST.get("note", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已转交 %(person)s。") % {"person": person})
    return redirect("aftersales:parcel_detail", pk=pk)


@access("aftersales.review_receiving")
@require_POST
def parcel_fault(request, pk):
    parcel = get_object_or_404(ReturnParcel.objects.select_related("received_by"), pk=pk)
    try:
        receiving.mark_receiving_fault(actor=request.user, parcel=parcel,
                                       kind=request.POST.get("kind", ""),
                                       note=request.POST.get("note", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已记录差错。"))
    return redirect("aftersales:parcel_detail", pk=pk)


@access("aftersales.review_receiving")
def fault_list(request):
    """The findings against the returns desk; a parcel never registered is marked here."""
    if request.method == "POST":
        receiver = User.objects.filter(pk=_int(request.POST.get("receiver"))).first()
        try:
            receiving.mark_receiving_fault(actor=request.user, receiver=receiver,
                                           kind=request.POST.get("kind", ""),
                                           note=request.POST.get("note", ""))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已记录差错。"))
            return redirect("aftersales:fault_list")
    faults = ReceivingFault.objects.select_related("receiver", "parcel", "marked_by")
    page = Paginator(faults, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "aftersales/fault_list.html", {
        "page": page, "receivers": users_with_roles(["returns_receiver"]),
        "fault_kinds": ReceivingFault.Kind.choices, "page_title": _("售后员差错")})


urlpatterns = [
    path("parcels/", parcel_list, name="parcel_list"),
    path("parcels/match/", parcel_match, name="parcel_match"),
    path("parcels/<int:pk>/", parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/pass-on/", parcel_pass_on, name="parcel_pass_on"),
    path("parcels/<int:pk>/fault/", parcel_fault, name="parcel_fault"),
    path("parcels/faults/", fault_list, name="fault_list"),
]

"""After-sales pages for customer service (AS-1): the queue with filters and counts, a
request with its order, lines, photos, deadlines and history, and the buttons of its
state (take, approve, reject, refund, dispute, inspect, exchange check, repair, liability).
Thin: each POST calls one action and says what happened."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.models import Deadline
from shopops.core.money import parse_yuan
from shopops.fulfillment.models import Courier
from shopops.inventory.models import Location, Warehouse
from shopops.orders.models import Order
from shopops.purchasing.models import Supplier

from . import queries
from .actions import handling, inspection, liability, refunds, requests
from .models import AfterSale, AfterSaleLine, AfterSalePhoto, Liability, ReturnParcelPhoto
from .states import OPEN, options

PAGE_SIZE = 50
S = AfterSale.State


def may(user):
    return {code.split(".")[1]: user_can(user, code) for code in (
        "aftersales.handle", "aftersales.receive", "aftersales.inspect", "aftersales.liability",
        "aftersales.supervise", "service.reveal_pii")}


def queue(params, user):
    """The requests as filtered on the queue page, newest first; overdue ones first when
    asked. Filters: state (or "open"), kind, dispute, overdue, mine, q."""
    rows = AfterSale.objects.select_related("order__channel", "handler", "customer")
    state = params.get("state", "open")
    if state == "open":
        rows = rows.filter(state__in=OPEN)
    elif state in S.values:
        rows = rows.filter(state=state)
    kind = params.get("kind", "")
    if kind in AfterSale.Kind.values:
        rows = rows.filter(kind=kind)
    if params.get("dispute"):
        rows = rows.filter(dispute=True)
    if params.get("overdue"):
        rows = rows.filter(due_at__lte=timezone.now())
    if params.get("mine"):
        rows = rows.filter(handler=user)
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(order__number__icontains=q)
                           | Q(order__platform_order_no=q) | Q(return_waybill=q.upper())
                           | Q(order__customer_phone=q))
    return rows.prefetch_related(Prefetch(
        "lines", queryset=AfterSaleLine.objects.select_related("order_line"))).order_by(
        "-created_at", "-pk")


def _list_context(request):
    page = Paginator(queue(request.GET, request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    counts = queries.state_counts(AfterSale.objects.all())
    now = timezone.now()
    summary = {
        "open": sum(n for s, n in counts.items() if s in OPEN),
        "overdue": AfterSale.objects.filter(state__in=OPEN, due_at__lte=now).count(),
        "dispute": AfterSale.objects.filter(dispute=True).count(),
        "mine": AfterSale.objects.filter(state__in=OPEN, handler=request.user).count(),
    }
    return {"page": page, "f": request.GET, "state": request.GET.get("state", "open"),
            "states": [(v, label, counts.get(v, 0)) for v, label in S.choices],
            "summary": summary, "now": now}


@access("aftersales.view")
def request_list(request):
    return render(request, "aftersales/request_list.html", {
        **_list_context(request), "kinds": AfterSale.Kind.choices, "may": may(request.user),
        "page_title": _("售后单")})


@access("aftersales.view")
def request_list_table(request):
    """Just the queue's counts and table, for the live refresh (same query string)."""
    return render(request, "aftersales/_request_live.html", _list_context(request))


def _detail(pk):
    return get_object_or_404(AfterSale.objects.select_related(
        "order__channel", "order__warehouse", "customer", "handler", "created_by",
        "dispute_by", "inspected_by", "replacement_order"), pk=pk)


@access("aftersales.view")
def request_detail(request, pk):
    req = _detail(pk)
    order = req.order
    lines = list(req.lines.select_related(
        "order_line__sku__product", "exchange_sku", "restock_warehouse", "restock_location",
        "merchant", "restock_move"))
    user = request.user
    rights = may(user)
    context = {
        "req": req, "order": order, "lines": lines, "may": rights,
        "photos": list(req.photos.all()),
        "parcels": list(req.parcels.select_related("courier", "received_by", "passed_to")),
        "refund_rows": list(req.refunds.select_related("refunded_by")),
        "liabilities": list(req.liabilities.filter(voided_at__isnull=True)
                            .select_related("supplier", "courier", "decided_by")),
        "checks": list(req.exchange_checks.select_related("checked_by")),
        "deadlines": list(Deadline.objects.filter(subject_type="aftersales.aftersale",
                                                  subject_id=str(req.pk))
                          .select_related("owner").order_by("due_at", "pk")),
        "page_title": req.number,
    }
    if req.state in (S.REQUESTED, S.APPROVED, S.INSPECTED) and req.kind in (
            AfterSale.Kind.REFUND_ONLY, AfterSale.Kind.RETURN_REFUND):
        context["cap"] = queries.refund_cap_fen(
            order, [(x.order_line, x.quantity) for x in lines], exclude=req)
        context["methods"] = [(m, refunds.M(m).label) for m in refunds.methods_for(order)]
    if rights["inspect"] and req.state == S.RECEIVED:
        context["warehouses"] = list(Warehouse.objects.filter(active=True))
        context["locations"] = list(Location.objects.filter(active=True).select_related(
            "warehouse").order_by("warehouse__code", "walk_order", "code"))
        context["suppliers"] = list(Supplier.objects.filter(active=True))
        context["conditions"] = AfterSaleLine.Condition.choices
        context["plans"] = [(v, label) for v, label in AfterSaleLine.Plan.choices
                            if (v == "repair") == (req.kind == AfterSale.Kind.REPAIR)]
        for line in lines:
            line.default_merchant = inspection.default_merchant(line.order_line)
    if rights["liability"] and req.state not in liability.NOT_ASSESSABLE:
        context["suggestion"] = liability.suggestion(req)
        context["suppliers"] = context.get("suppliers") or list(Supplier.objects.filter(
            active=True))
        context["couriers"] = list(Courier.objects.filter(active=True))
        context["parties"] = Liability.Party.choices
    return render(request, "aftersales/request_detail.html", context)


def _back(req_pk):
    return redirect("aftersales:request_detail", pk=req_pk)


def _post(handler, success):
    """A POST on a request: run one action, say what happened, back to the request."""

    @require_POST
    def view(request, pk):
        req = get_object_or_404(AfterSale, pk=pk)
        try:
            result = handler(request, req)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, success(result) if callable(success) else success)
        return _back(pk)

    return view


def _yuan_or_none(text):
    text = (text or "").strip()
    return parse_yuan(text) if text else None


def _approve(request, req):
    return handling.approve_request(
        actor=request.user, request=req, refund_fen=_yuan_or_none(request.POST.get("refund")),
        note=request.POST.get("note", ""), freight_collect=bool(request.POST.get("freight")),
        method=request.POST.get("method", ""), reference=request.POST.get("reference", ""))


def _refund(request, req):
    return refunds.pay_refund(
        actor=request.user, request=req, amount_fen=_yuan_or_none(request.POST.get("amount")),
        method=request.POST.get("method", ""), reference=request.POST.get("reference", ""),
        note=request.POST.get("note", ""))


def _inspect(request, req):
    lines = []
    for line in req.lines.all():
        p = f"l{line.pk}_"
        lines.append({"line": line.pk, **{k: request.POST.get(p + k, "") for k in (
            "condition", "plan", "warehouse", "location", "merchant", "note")}})
    return inspection.inspect_request(actor=request.user, request=req, lines=lines,
                                      note=request.POST.get("note", ""))


def _liability(request, req):
    shares = []
    for i in range(3):
        p = f"s{i}_"
        party = request.POST.get(p + "party", "")
        amount = (request.POST.get(p + "amount") or "").strip()
        if not party or not amount:
            continue
        shares.append({"party": party, "amount_fen": parse_yuan(amount),
                       "supplier": Supplier.objects.filter(
                           pk=_int(request.POST.get(p + "supplier"))).first(),
                       "courier": Courier.objects.filter(
                           pk=_int(request.POST.get(p + "courier"))).first()})
    return liability.assess_liability(actor=request.user, request=req, shares=shares,
                                      basis=request.POST.get("basis", ""))


def _int(value):
    return int(value) if str(value or "").isdigit() else None


request_take = access("aftersales.handle")(_post(
    lambda r, q: handling.take_request(actor=r.user, request=q), _("已接手。")))
request_approve = access("aftersales.handle")(_post(
    _approve, lambda q: _("已同意并退款。") if q.state == S.REFUNDED
    else _("已同意，等待客户寄回。")))
request_reject = access("aftersales.handle")(_post(
    lambda r, q: handling.reject_request(actor=r.user, request=q,
                                         reason=r.POST.get("reason", "")), _("已拒绝。")))
request_refund = access("aftersales.handle")(_post(_refund, _("已退款。")))
request_dispute = access("aftersales.handle")(_post(
    lambda r, q: handling.set_dispute(actor=r.user, request=q, note=r.POST.get("note", "")),
    _("已登记维权。")))
request_dispute_close = access("aftersales.handle")(_post(
    lambda r, q: handling.clear_dispute(actor=r.user, request=q, note=r.POST.get("note", "")),
    _("维权已结束。")))
request_cancel = access("aftersales.handle")(_post(
    lambda r, q: requests.cancel_request(actor=r.user, request=q,
                                         reason=r.POST.get("reason", "")), _("已撤销。")))
request_inspect = access("aftersales.inspect")(_post(_inspect, _("已检验。")))
request_exchange_check = access("aftersales.inspect")(_post(
    lambda r, q: inspection.check_exchange(actor=r.user, request=q,
                                           passed=r.POST.get("result") == "pass",
                                           note=r.POST.get("note", "")),
    lambda q: _("质检合格，已生成换货订单 %(number)s。") % {"number": q.replacement_order.number}
    if q.replacement_order_id else _("已记录质检不合格。")))
request_repaired = access("aftersales.inspect")(_post(
    lambda r, q: inspection.finish_repair(actor=r.user, request=q, note=r.POST.get("note", "")),
    lambda q: _("维修完成，已生成寄回订单 %(number)s。") % {"number": q.replacement_order.number}))
request_liability = access("aftersales.liability")(_post(_liability, _("已记录责任判定。")))


@access("aftersales.handle")
def request_new(request, order_pk):
    """Customer service registers a request for a platform or phone customer."""
    order = get_object_or_404(Order.objects.select_related("channel"), pk=order_pk)
    allowed = options(order)
    lines = list(order.lines.select_related("sku__product"))
    remaining = queries.remaining_quantities(order, lines)
    for line in lines:
        line.remaining = remaining[line.pk]
        line.variants = list(line.sku.product.skus.filter(active=True))
    if request.method == "POST":
        try:
            created = requests.open_request(
                actor=request.user, order=order, kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                description=request.POST.get("description", ""),
                lines=_posted_lines(request.POST, lines),
                refund_fen=_yuan_or_none(request.POST.get("refund")) or 0,
                photos=request.FILES.getlist("photos"))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已登记售后单 %(number)s。") % {"number": created.number})
            return _back(created.pk)
    return render(request, "aftersales/request_new.html", {
        "order": order, "lines": lines, "allowed": allowed, "f": request.POST,
        "kinds": [(k, AfterSale.Kind(k).label, [(r, AfterSale.Reason(r).label) for r in rs])
                  for k, rs in allowed["kinds"].items()],
        "page_title": _("登记售后 %(number)s") % {"number": order.number}})


def _posted_lines(post, lines):
    out = []
    for line in lines:
        qty = (post.get(f"qty_{line.pk}") or "").strip() or "0"
        sku = _int(post.get(f"sku_{line.pk}"))
        variant = next((v for v in line.variants if v.pk == sku), None)
        out.append({"line": line.pk, "quantity": qty, "exchange_sku": variant})
    return out


def _serve(model, pk):
    photo = model.objects.filter(pk=pk).first()
    if photo is None or not photo.file or not photo.file.storage.exists(photo.file.name):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@access("aftersales.view")
def photo_file(request, pk):
    return _serve(AfterSalePhoto, pk)


@access("aftersales.view")
def parcel_photo_file(request, pk):
    return _serve(ReturnParcelPhoto, pk)


urlpatterns = [
    path("", request_list, name="request_list"),
    path("table/", request_list_table, name="request_list_table"),
    path("<int:pk>/", request_detail, name="request_detail"),
    path("new/<int:order_pk>/", request_new, name="request_new"),
    path("<int:pk>/take/", request_take, name="request_take"),
    path("<int:pk>/approve/", request_approve, name="request_approve"),
    path("<int:pk>/reject/", request_reject, name="request_reject"),
    path("<int:pk>/refund/", request_refund, name="request_refund"),
    path("<int:pk>/dispute/", request_dispute, name="request_dispute"),
    path("<int:pk>/dispute/close/", request_dispute_close, name="request_dispute_close"),
    path("<int:pk>/cancel/", request_cancel, name="request_cancel"),
    path("<int:pk>/inspect/", request_inspect, name="request_inspect"),
    path("<int:pk>/exchange-check/", request_exchange_check, name="request_exchange_check"),
    path("<int:pk>/repaired/", request_repaired, name="request_repaired"),
    path("<int:pk>/liability/", request_liability, name="request_liability"),
    path("photos/<int:pk>/", photo_file, name="photo"),
    path("parcel-photos/<int:pk>/", parcel_photo_file, name="parcel_photo"),
]

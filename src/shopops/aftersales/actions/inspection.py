"""AS-3: inspecting what came back (condition per line and a handling plan), repairs, and
the exchange's quality check that lets the replacement order go.

Plans per line:
    入库再售   only goods in good condition: back into stock through the ledger
               (inventory.ledger.receive(kind="return"), reference aftersales.aftersale:<id>)
               into the chosen warehouse and location
    维修后寄回 repair requests: the item goes to repair; when it is repaired it is received
               back into stock and shipped to the customer as a new order (warehouse line)
    退回品牌商 returned to the brand merchant for repackaging (recorded with the supplier)
    报废       scrapped, with the reason

Exchanges and repaired items ship as a new, paid order at ¥0 per line to the original
order's address (seller remark 换货/返修 SH…), through review → print → pick → verify →
pack → handover like any order; the request completes when that order has shipped.
"""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import user_can
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.states import transition
from shopops.inventory import ledger
from shopops.inventory.models import Location, Warehouse
from shopops.orders.actions import create_order
from shopops.orders.states import SHIPPED_OR_LATER
from shopops.purchasing.models import Supplier

from ..models import AfterSale, AfterSaleLine, ExchangeCheck
from ..states import ALLOWED, MACHINE
from . import deadlines
from .handling import check_staff

S, K = AfterSale.State, AfterSale.Kind
P, C = AfterSaleLine.Plan, AfterSaleLine.Condition


def _locked(request):
    return (AfterSale.objects.select_for_update(of=("self",))
            .select_related("order__channel", "order__warehouse", "handler").get(pk=request.pk))


def _pk(value):
    value = getattr(value, "pk", value)
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def default_merchant(order_line):
    product = order_line.sku.product
    if product.supplier_id:
        return product.supplier
    return product.brand.supplier if product.brand_id and product.brand.supplier_id else None


def _plan_line(request, line, entry):
    """Check one line's inspection entry; returns the fields to save on it."""
    title = line.order_line.title
    condition, plan = entry.get("condition", ""), entry.get("plan", "")
    note = (entry.get("note") or "").strip()[:300]
    if condition not in C.values:
        raise UserError("condition_required", "请选择「{title}」的检验结果。",
                        "Choose the condition of '{title}'.", title=title)
    if plan not in P.values:
        raise UserError("plan_required", "请选择「{title}」的处理方案。",
                        "Choose the plan for '{title}'.", title=title)
    if (plan == P.REPAIR) != (request.kind == K.REPAIR):
        raise UserError("bad_plan", "维修单的商品处理方案为「维修后寄回」，其他售后单不能选维修。",
                        "Repair requests are planned for repair; other requests cannot be.")
    fields = {"condition": condition, "plan": plan, "plan_note": note, "restock_warehouse": None,
              "restock_location": None, "merchant": None}
    if plan == P.RESTOCK:
        if condition != C.GOOD:
            raise UserError("restock_not_good", "「{title}」检验结果为「{condition}」，不能入库再售。",
                            "'{title}' is not in good condition and cannot be restocked.",
                            title=title, condition=zh(C(condition).label))
        warehouse = (Warehouse.objects.filter(pk=_pk(entry.get("warehouse")), active=True).first()
                     if _pk(entry.get("warehouse")) else request.order.warehouse)
        if warehouse is None:
            raise UserError("bad_warehouse", "请选择入库仓库。", "Choose the warehouse.")
        location = None
        if _pk(entry.get("location")):
            location = Location.objects.filter(pk=_pk(entry.get("location")),
                                               warehouse=warehouse, active=True).first()
            if location is None:
                raise UserError("bad_location", "库位不属于 {warehouse}。",
                                "That location is not in {warehouse}.", warehouse=warehouse.name)
        fields.update(restock_warehouse=warehouse, restock_location=location)
    elif plan == P.MERCHANT:
        merchant = (Supplier.objects.filter(pk=_pk(entry.get("merchant"))).first()
                    if _pk(entry.get("merchant")) else default_merchant(line.order_line))
        if merchant is None:
            raise UserError("merchant_required", "请选择退回的品牌商/供应商。",
                            "Choose the brand merchant it goes back to.")
        fields["merchant"] = merchant
    elif plan == P.SCRAP and not note:
        raise UserError("scrap_reason", "「{title}」报废：请填写报废原因。",
                        "Scrapping '{title}' needs a reason.", title=title)
    return fields


@transaction.atomic
def inspect_request(*, actor, request, lines, note="") -> AfterSale:
    """lines: [{"line": AfterSaleLine or id, "condition", "plan", "warehouse", "location",
    "merchant", "note"}] — one per line of the request."""
    check_staff(actor, "aftersales.inspect")
    request = _locked(request)
    if request.state != S.RECEIVED:
        raise UserError("not_received", "售后单 {number} 当前「{state}」，签收退货后才能检验。",
                        "Request {number} is inspected after its return is signed for.",
                        number=request.number, state=zh(request.get_state_display()))
    entries = {_pk(e.get("line")): e for e in lines or []}
    rows = list(request.lines.select_related("order_line__sku__product__brand__supplier",
                                             "order_line__sku__product__supplier"))
    plans = []
    for line in rows:
        if line.pk not in entries:
            raise UserError("line_missing", "请检验每一件商品：「{title}」还没有结果。",
                            "Inspect every line: '{title}' has no result.",
                            title=line.order_line.title)
        plans.append((line, _plan_line(request, line, entries[line.pk])))
    for line, fields in plans:
        for key, value in fields.items():
            setattr(line, key, value)
        if line.plan == P.RESTOCK:
            line.restock_move = ledger.receive(
                actor=actor, sku=line.order_line.sku, warehouse=line.restock_warehouse,
                quantity=line.quantity, location=line.restock_location,
                reference=request.reference, kind="return",
                note=f"售后单 {request.number} 退货入库")
    AfterSaleLine.objects.bulk_update(
        [line for line, _ in plans], ["condition", "plan", "plan_note", "restock_warehouse",
                                      "restock_location", "merchant", "restock_move"])
    now, note = timezone.now(), (note or "").strip()[:2000]
    before = transition(request, S.INSPECTED, ALLOWED, machine=MACHINE, inspected_by=actor,
                        inspected_at=now, inspection_note=note)
    record(actor=actor, verb="aftersales.inspected", obj=request,
           summary=f"{request.number} 退货已检验：" + "；".join(_line_text(x) for x, _ in plans)
                   + (f"。{note}" if note else ""),
           changes={"state": [before, request.state]},
           data={"lines": [{"line": x.pk, "condition": x.condition, "plan": x.plan,
                            "move": x.restock_move_id, "merchant": x.merchant_id}
                           for x, _ in plans], "note": note})
    if request.kind == K.REPAIR:
        transition(request, S.REPAIRING, ALLOWED, machine=MACHINE)
        record(actor=actor, verb="aftersales.repair_started", obj=request,
               summary=f"{request.number} 商品已送修，修好后寄回")
        deadlines.finish(actor=actor, request=request)
    elif request.kind == K.EXCHANGE:
        deadlines.start(actor=actor, request=request, step="exchange", person=actor)
    else:
        deadlines.start(actor=actor, request=request, step="refund")
    return request


def _line_text(line):
    text = f"{line.order_line.title} × {line.quantity} {zh(line.get_condition_display())}，" \
           f"{zh(line.get_plan_display())}"
    if line.plan == P.RESTOCK:
        where = line.restock_warehouse.name + (f" {line.restock_location.code}"
                                               if line.restock_location else "")
        text += f"（{where}）"
    elif line.plan == P.MERCHANT:
        text += f"（{line.merchant}）"
    if line.plan_note:
        text += f"：{line.plan_note}"
    return text


def _replacement(actor, request, items, remark):
    """Create the order that ships the goods out: paid, ¥0 per line, to the original
    order's recipient, through the warehouse line. `items`: [(sku, quantity, title)]."""
    order = request.order
    creator = actor if actor is not None and user_can(actor, "orders.create") else None
    try:
        return create_order(
            actor=creator, channel=order.channel, warehouse=order.warehouse, paid=True,
            lines=[{"sku": sku, "quantity": quantity, "unit_price_fen": 0, "title": title}
                   for sku, quantity, title in items],
            customer_name=order.customer_name, customer_phone=order.customer_phone,
            province=order.province, city=order.city, district=order.district,
            address_detail=order.address_detail, buyer_nick=order.buyer_nick,
            courier=order.courier, seller_remark=remark, customer=order.customer)
    except UserError as exc:
        if exc.code == "insufficient_stock":
            raise UserError("exchange_out_of_stock", "换货商品库存不足，暂不能发出：{detail}",
                            "The exchange goods are out of stock: {detail}",
                            detail=exc.message) from None
        raise


@transaction.atomic
def check_exchange(*, actor, request, passed, note="") -> AfterSale:
    """The quality check of the goods an exchange sends out (who, when, result). Passed:
    the replacement order is created (stock reserved; out of stock is refused and nothing
    is recorded). Failed: recorded, the request waits for another unit to check."""
    check_staff(actor, "aftersales.inspect")
    request = _locked(request)
    note = (note or "").strip()[:300]
    if request.kind != K.EXCHANGE or request.state != S.INSPECTED:
        raise UserError("not_exchange_ready", "售后单 {number} 不是待发出的换货单。",
                        "Request {number} is not an exchange ready to ship.",
                        number=request.number)
    if not passed and not note:
        raise UserError("note_required", "质检不合格：请写明问题。", "Describe what failed.")
    check = ExchangeCheck.objects.create(request=request, passed=bool(passed), note=note,
                                         checked_by=actor)
    record(actor=actor, verb="aftersales.exchange_checked", obj=request,
           summary=f"{request.number} 换货商品质检{'合格' if passed else '不合格'}"
                   + (f"：{note}" if note else ""),
           data={"check": check.pk, "passed": bool(passed), "note": note})
    if not passed:
        return request
    lines = list(request.lines.select_related("order_line", "exchange_sku__product"))
    items = [(x.exchange_sku or x.order_line.sku, x.quantity,
              f"【换货】{x.order_line.title}"[:200]) for x in lines]
    replacement = _replacement(actor, request, items, f"换货 {request.number}")
    before = transition(request, S.EXCHANGE_SHIPPING, ALLOWED, machine=MACHINE,
                        replacement_order=replacement)
    record(actor=actor, verb="aftersales.replacement_created", obj=request,
           summary=f"{request.number} 换货商品质检合格，已生成发货订单 {replacement.number}",
           changes={"state": [before, request.state]}, data={"order": replacement.pk})
    deadlines.finish(actor=actor, request=request)
    return request


@transaction.atomic
def finish_repair(*, actor, request, note) -> AfterSale:
    """The item is repaired: it is received back into stock (ledger, kind return) and
    shipped to the customer as a new order through the warehouse line."""
    check_staff(actor, "aftersales.inspect")
    request = _locked(request)
    note = (note or "").strip()[:1000]
    if request.state != S.REPAIRING:
        raise UserError("not_repairing", "售后单 {number} 不在维修中。",
                        "Request {number} is not being repaired.", number=request.number)
    if not note:
        raise UserError("note_required", "请填写维修结果。", "Describe the repair.")
    lines = list(request.lines.select_related("order_line__sku"))
    warehouse = request.order.warehouse
    for line in lines:
        ledger.receive(actor=actor, sku=line.order_line.sku, warehouse=warehouse,
                       quantity=line.quantity, reference=request.reference, kind="return",
                       note=f"售后单 {request.number} 维修完成待寄回")
    items = [(x.order_line.sku, x.quantity, f"【返修】{x.order_line.title}"[:200]) for x in lines]
    replacement = _replacement(actor, request, items, f"返修 {request.number}")
    now = timezone.now()
    before = transition(request, S.EXCHANGE_SHIPPING, ALLOWED, machine=MACHINE,
                        replacement_order=replacement, repaired_at=now, repair_note=note)
    record(actor=actor, verb="aftersales.repaired", obj=request,
           summary=f"{request.number} 维修完成（{note}），已生成寄回订单 {replacement.number}",
           changes={"state": [before, request.state]}, data={"order": replacement.pk})
    return request


def complete_shipped(*, now=None) -> int:
    """Requests whose replacement order has left the warehouse are complete (the
    scheduler runs this every aftersales.complete_seconds)."""
    ids = list(AfterSale.objects.filter(state=S.EXCHANGE_SHIPPING,
                                        replacement_order__state__in=list(SHIPPED_OR_LATER))
               .values_list("pk", flat=True)[:500])
    return sum(_complete_one(pk, now or timezone.now()) for pk in ids)


@transaction.atomic
def _complete_one(pk, now) -> int:
    request = (AfterSale.objects.select_for_update(of=("self",))
               .select_related("replacement_order").get(pk=pk))
    replacement = request.replacement_order
    if request.state != S.EXCHANGE_SHIPPING or replacement.state not in SHIPPED_OR_LATER:
        return 0
    before = transition(request, S.COMPLETED, ALLOWED, machine=MACHINE, closed_at=now)
    what = "换货" if request.kind == K.EXCHANGE else "维修后"
    record(actor=None, verb="aftersales.completed", obj=request,
           summary=f"{request.number} {what}商品已发出（{replacement.courier} "
                   f"{replacement.tracking_no or replacement.number}），售后完成",
           changes={"state": [before, request.state]}, data={"order": replacement.pk})
    return 1

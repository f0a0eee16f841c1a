"""AS-4: who bears an after-sales loss, in fen, for supplier and courier settlement
(FIN-2). The seed contract (第五条：售后问题): with the packaging intact a complaint is the
supplier's; with the packaging damaged, courier and supplier share it by where the
product was damaged. The customer (e.g. 人为损坏) or we ourselves (发错货、漏发) may also bear
it. A new assessment voids the earlier one; finance reads the rows that are not void."""

from django.db import transaction
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.money import format_fen
from shopops.core.registry import setting
from shopops.fulfillment.models import Courier
from shopops.purchasing.models import Supplier

from ..models import AfterSale, Liability, ReturnParcel
from ..queries import goods_share_fen
from .handling import check_staff
from .inspection import default_merchant

P = Liability.Party
NOT_ASSESSABLE = {AfterSale.State.REQUESTED, AfterSale.State.REJECTED,
                  AfterSale.State.CANCELLED, AfterSale.State.CLOSED}


def loss_fen(request) -> int:
    """The loss to share: the refund, else what the goods were paid."""
    if request.refund_fen:
        return request.refund_fen
    return sum(goods_share_fen(request.order, x.order_line, x.quantity)
               for x in request.lines.select_related("order_line"))


def suggestion(request) -> dict:
    """What the contract suggests: {"damaged", "basis", "shares": [...]} — the person
    deciding adjusts it to where the product was actually damaged."""
    parcel = (ReturnParcel.objects.filter(request=request, decision=ReturnParcel.Decision.SIGNED)
              .select_related("courier").order_by("pk").first())
    lines = list(request.lines.select_related("order_line__sku__product__brand__supplier",
                                              "order_line__sku__product__supplier"))
    supplier = next((s for s in (default_merchant(x.order_line) for x in lines) if s), None)
    loss = loss_fen(request)
    returned_damaged = parcel is not None and parcel.packaging == ReturnParcel.Packaging.DAMAGED
    damaged = returned_damaged or request.reason == AfterSale.Reason.DAMAGED
    if not damaged:
        return {"damaged": False, "basis": "外包装完好：由供应商承担（合同第五条）",
                "shares": [{"party": P.SUPPLIER, "supplier": supplier, "courier": None,
                            "amount_fen": loss}]}
    courier = parcel.courier if returned_damaged else Courier.objects.filter(
        name=request.order.courier).first()
    pct = setting("aftersales.courier_damage_share_pct")
    courier_part = loss * pct // 100
    return {"damaged": True,
            "basis": f"外包装破损：快递承担 {pct}%，其余由供应商承担，按受损部位调整（合同第五条）",
            "shares": [{"party": P.COURIER, "supplier": None, "courier": courier,
                        "amount_fen": courier_part},
                       {"party": P.SUPPLIER, "supplier": supplier, "courier": None,
                        "amount_fen": loss - courier_part}]}


def _clean_share(share):
    party = share.get("party", "")
    if party not in P.values:
        raise UserError("bad_party", "请选择责任方。", "Choose who bears it.")
    try:
        amount = int(share.get("amount_fen"))
    except (TypeError, ValueError):
        amount = -1
    if amount < 0:
        raise UserError("bad_amount", "承担金额不正确。", "The amount is not valid.")
    supplier, courier = share.get("supplier"), share.get("courier")
    if party == P.SUPPLIER and not isinstance(supplier, Supplier):
        raise UserError("supplier_required", "供应商承担：请选择供应商/品牌商。",
                        "Choose the supplier.")
    if party == P.COURIER and not isinstance(courier, Courier):
        raise UserError("courier_required", "快递承担：请选择快递公司。", "Choose the courier.")
    return {"party": party, "amount_fen": amount,
            "supplier": supplier if party == P.SUPPLIER else None,
            "courier": courier if party == P.COURIER else None}


@transaction.atomic
def assess_liability(*, actor, request, shares, basis="") -> list[Liability]:
    """shares: [{"party", "supplier": Supplier|None, "courier": Courier|None,
    "amount_fen"}]; rows with amount 0 are dropped. Replaces the earlier assessment."""
    check_staff(actor, "aftersales.liability")
    request = AfterSale.objects.select_for_update().get(pk=request.pk)
    if request.state in NOT_ASSESSABLE:
        raise UserError("not_assessable", "售后单 {number} 当前「{state}」，无需判定责任。",
                        "Request {number} needs no liability now.", number=request.number,
                        state=zh(request.get_state_display()))
    clean = [s for s in (_clean_share(s) for s in shares or []) if s["amount_fen"] > 0]
    if not clean:
        raise UserError("shares_required", "请至少填写一个责任方和金额。",
                        "Enter at least one party and amount.")
    basis = (basis or "").strip()[:300]
    now = timezone.now()
    voided = Liability.objects.filter(request=request, voided_at__isnull=True).update(
        voided_at=now)
    rows = Liability.objects.bulk_create([
        Liability(request=request, basis=basis, decided_by=actor, decided_at=now, **s)
        for s in clean])
    text = "；".join(f"{zh(r.party_name)} {format_fen(r.amount_fen)}" for r in rows)
    record(actor=actor, verb="aftersales.liability_assessed", obj=request,
           summary=f"{request.number} 责任判定：{text}" + (f"（{basis}）" if basis else "")
                   + ("，原判定作废" if voided else ""),
           data={"shares": [{"party": r.party, "supplier": r.supplier_id,
                             "courier": r.courier_id, "amount_fen": r.amount_fen}
                            for r in rows], "basis": basis, "voided": voided})
    return rows


def record_liability_export(*, actor, filters: dict, count: int):
    """An xlsx export of liabilities leaves the system: audited (ROLE-4)."""
    check_staff(actor, "aftersales.liability")
    shown = "，".join(f"{k}={v}" for k, v in filters.items() if v) or "全部"
    record(actor=actor, verb="aftersales.liabilities_exported",
           object_type="aftersales.liability", object_id="export",
           object_repr="售后责任导出", summary=f"导出售后责任 {count} 条（{shown}）",
           data={"filters": filters, "count": count})

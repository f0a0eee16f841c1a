"""Steps of the after-sales path through the actions, for tests that need a request in a
later state."""

from shopops.aftersales.actions.handling import approve_request
from shopops.aftersales.actions.receiving import register_parcel
from shopops.aftersales.actions.requests import enter_return_waybill, open_request
from shopops.aftersales.models import AfterSale
from shopops.fulfillment.models import Courier

K, R = AfterSale.Kind, AfterSale.Reason


def opened(actor, order, *, kind=K.RETURN_REFUND, reason=R.SIZE, quantity=1, refund_fen=None,
           exchange_sku=None, **kw):
    if refund_fen is None:
        refund_fen = 18900 * quantity if kind in (K.RETURN_REFUND, K.REFUND_ONLY) else 0
    line = order.lines.first()
    return open_request(actor=actor, order=order, kind=kind, reason=reason,
                        lines=[{"line": line, "quantity": quantity,
                                "exchange_sku": exchange_sku}],
                        refund_fen=refund_fen, **kw)


def shipped_back(request, customer_actor, agent, waybill="YT8801234567", **approve):
    approve_request(actor=agent, request=request, **approve)
    enter_return_waybill(actor=customer_actor, request=request, courier="圆通速递",
                         waybill_no=waybill)
    request.refresh_from_db()
    return request


def signed(request, receiver, waybill="YT8801234567", **kw):
    kw.setdefault("decision", "signed")
    parcel = register_parcel(actor=receiver, waybill_no=waybill,
                             courier=Courier.objects.get(code="yto"), sender_name="陈静",
                             sender_phone="13800138000", **kw)
    request.refresh_from_db()
    return parcel

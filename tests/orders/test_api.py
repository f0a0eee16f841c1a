"""ORD-1 through the API: intake from integrations (duplicates and shortages refused as 4xx
JSON, nothing created), the list and an order with its amendments; permissions."""

import json

from shopops.orders import actions
from shopops.orders.models import Order

from .conftest import CUSTOMER


def _post(client, data):
    return client.post("/api/v1/orders/", json.dumps(data), content_type="application/json")


def test_ord1_api_create_list_detail(hz, dress, shirt, tmall, cs, client_for):
    client = client_for(cs)
    payload = {"channel": "tmall", "platform_order_no": "3120000000100", "paid": True,
               "shipping_fen": 800, "lines": [{"sku": dress.code, "quantity": 2},
                                              {"sku": shirt.barcode, "quantity": 1,
                                               "unit_price_fen": 9900}], **CUSTOMER}
    response = _post(client, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("DD") and body["state"] == "paid"
    assert body["paid_fen"] == 2 * 19900 + 9900 + 800
    assert [(x["sku_code"], x["quantity"]) for x in body["lines"]] == [
        (dress.code, 2), (shirt.code, 1)]
    again = _post(client, payload)
    assert again.status_code == 400 and again.json()["code"] == "duplicate_order"
    order = Order.objects.get()
    actions.amend_order(actor=cs, order=order, field="courier", value="顺丰", reason="客户要求")
    listed = client.get("/api/v1/orders/?state=paid&q=3120000000100").json()
    assert [o["id"] for o in listed] == [order.pk]
    detail = client.get(f"/api/v1/orders/{order.pk}").json()
    assert detail["courier"] == "顺丰" and detail["amendments"][0]["reason"] == "客户要求"
    assert detail["amendments"][0]["author"] == "刘洋"
    assert client.get("/api/v1/orders/987654").status_code == 404


def test_ord1_api_shortage_and_unknown_sku_create_nothing(hz, dress, tmall, cs, client_for):
    client = client_for(cs)
    short = _post(client, {"channel": "tmall", "lines": [{"sku": dress.code, "quantity": 11}],
                           **CUSTOMER})
    assert short.status_code == 400 and short.json()["code"] == "insufficient_stock"
    unknown = _post(client, {"channel": "tmall", "lines": [{"sku": "NOPE", "quantity": 1}],
                             **CUSTOMER})
    assert unknown.json()["code"] == "unknown_sku"
    bad_channel = _post(client, {"channel": "nope", "lines": [{"sku": dress.code,
                                                               "quantity": 1}], **CUSTOMER})
    assert bad_channel.json()["code"] == "not_found"
    assert Order.objects.count() == 0


def test_ord1_api_permissions(hz, dress, tmall, client_for, make_user):
    picker = client_for(make_user(roles=["picker"]))
    assert picker.get("/api/v1/orders/").status_code == 200
    assert _post(picker, {"channel": "tmall", "lines": [{"sku": dress.code, "quantity": 1}],
                          **CUSTOMER}).status_code == 403
    designer = client_for(make_user(roles=["designer"]))
    assert designer.get("/api/v1/orders/").status_code == 403
    assert Order.objects.count() == 0

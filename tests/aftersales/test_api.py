"""/api/v1/aftersales: the requests for integrations, and the returns desk's scanner asking
what a parcel matches and registering it (AS-2) — the same rules and events as the page."""

from shopops.aftersales.models import ReturnParcel
from shopops.core.models import Event

from .helpers import opened, shipped_back


def test_as2_scanner_asks_the_match_then_registers(make_order, deliver, customer, as_customer,
                                                   people, client_for):
    request = shipped_back(opened(as_customer(customer), deliver(make_order())),
                           as_customer(customer), people.agent)
    client = client_for(people.receiver)
    match = client.get("/api/v1/aftersales/parcels/match", {"waybill_no": "YT8801234567"}).json()
    assert match == {"request": request.number, "order": request.order.number, "how": "waybill",
                     "rule": "approved", "rule_label": "已同意售后", "suggested": "signed"}
    response = client.post("/api/v1/aftersales/parcels", {
        "waybill_no": "YT8801234567", "courier": "yto", "decision": "signed"},
        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["request"], body["rule"], body["decision"], body["passed_to"]) == (
        request.number, "approved", "signed", "郑丽")
    assert Event.objects.filter(verb="aftersales.parcel_signed",
                                data__receiver=people.receiver.pk).count() == 1


def test_as2_api_refusal_and_errors_answer_in_chinese(people, client_for, db):
    client = client_for(people.receiver)
    response = client.post("/api/v1/aftersales/parcels", {"waybill_no": "ZT0001112223",
                                                          "decision": "signed"},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "规则「无法匹配」建议拒收，您选择了签收：请填写原因。"
    assert not ReturnParcel.objects.exists()
    denied = client_for(people.agent).post("/api/v1/aftersales/parcels", {},
                                           content_type="application/json")
    assert denied.status_code == 403


def test_as1_api_lists_requests_without_personal_data(make_order, deliver, customer,
                                                      as_customer, people, client_for):
    request = opened(as_customer(customer), deliver(make_order()))
    rows = client_for(people.agent).get("/api/v1/aftersales/requests", {"state": "open"}).json()
    assert [r["number"] for r in rows] == [request.number]
    assert "13800138000" not in str(rows) and "陈静" not in str(rows)
    detail = client_for(people.agent).get(f"/api/v1/aftersales/requests/{request.pk}").json()
    assert detail["lines"][0]["quantity"] == 1 and detail["refunds"] == []


def test_as1_api_list_has_flat_queries(make_order, deliver, customer, as_customer, people,
                                       client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.agent)

    def count():
        client.get("/api/v1/aftersales/requests")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/aftersales/requests").status_code == 200
        return len(ctx.captured_queries)

    opened(as_customer(customer), deliver(make_order()))
    few = count()
    for _ in range(4):
        opened(as_customer(customer), deliver(make_order()))
    assert count() == few

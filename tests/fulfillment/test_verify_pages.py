"""FUL-4 station page: scans posted as the scanner types them, JSON feedback with the
progress panel, a reload resuming the open order; FUL-5 pack and handover pages with
bounded queries; the station API."""

import json

import pytest

from shopops.fulfillment.actions.handover import open_handover
from shopops.fulfillment.actions.packing import pack_order
from shopops.fulfillment.models import Courier, Handover, Parcel, VerifySession
from shopops.orders.models import Order

from .test_verify import printed, waybill  # noqa: F401  (the fixture)


def scan(client, code, session=""):
    return client.post("/fulfillment/verify-station/scan/",
                       {"code": code, "session": session}).json()


def test_ful4_station_page_scans_and_resumes(printed, people, client_for, dress):  # noqa: F811
    order = printed(lines=[{"sku": dress, "quantity": 2}])
    client = client_for(people.verifier)
    page = client.get("/fulfillment/verify-station/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="station-input"' in html and "shopops/station.js" in html
    started = scan(client, waybill(order))
    assert started["ok"] and started["kind"] == "ok" and started["session_id"]
    assert 'data-testid="station-progress"' in started["html"] and order.number in started["html"]
    one = scan(client, dress.barcode, started["session_id"])
    assert one["message"] == "正确：真丝印花连衣裙 颜色:藏青（1/2）"
    reloaded = client.get("/fulfillment/verify-station/").content.decode()
    assert f"继续验货：{order.number}" in reloaded and "<b>1</b> / 2" in reloaded
    wrong = scan(client, "6900000099999", started["session_id"])
    assert wrong["kind"] == "error" and wrong["message"].startswith("条码不属于此订单")
    done = scan(client, dress.code, started["session_id"])
    assert done["done"] and done["session_id"] is None and done["today"] == 1
    assert Order.objects.get().state == Order.State.VERIFIED


def test_ful4_station_intercept_is_amber(printed, people, client_for):  # noqa: F811
    from shopops.orders import actions

    order = printed()
    actions.request_refund(actor=people.cs, order=order, reason="买家申请退款")
    result = scan(client_for(people.verifier), waybill(order))
    assert result["kind"] == "intercept" and result["message"].startswith("该订单有退款")


def test_ful4_station_is_for_verifiers(people, client_for):
    assert client_for(people.packer).get("/fulfillment/verify-station/").status_code == 403
    assert client_for(people.verifier).get("/fulfillment/verify-station/scan/").status_code == 405


def test_ful4_abandon_from_page(printed, people, client_for, dress):  # noqa: F811
    order = printed(lines=[{"sku": dress, "quantity": 2}])
    client = client_for(people.verifier)
    session_id = scan(client, waybill(order))["session_id"]
    response = client.post(f"/fulfillment/verify-station/{session_id}/abandon/",
                           {"reason": "扫错放回"}, follow=True)
    assert "已重置验货" in response.content.decode()
    assert VerifySession.objects.get().state == VerifySession.State.STOPPED


def test_ful5_pack_page_packs_with_checklist(printed, people, client_for):  # noqa: F811
    order = printed(state="verified", gift_card_text="生日快乐")
    client = client_for(people.packer)
    found = client.get(f"/fulfillment/pack-station/?code={waybill(order)}").content.decode()
    assert 'data-testid="pack-form"' in found and "生日快乐" in found
    refused = client.post(f"/fulfillment/pack-station/{order.pk}/pack/", {"slip": "on"},
                          follow=True).content.decode()
    assert "打包清单未完成：请放入贺卡并勾选。" in refused
    packed = client.post(f"/fulfillment/pack-station/{order.pk}/pack/",
                         {"slip": "on", "gift_card": "on", "weight_g": "900"},
                         follow=True).content.decode()
    assert "称重异常" in packed
    parcel = Parcel.objects.get()
    assert parcel.state == Parcel.State.CHECK
    clear = client_for(people.supervisor).post(
        f"/fulfillment/parcels/{parcel.pk}/clear-weight/", {"note": "含赠品", "weight_g": ""},
        follow=True)
    assert "核重通过" in clear.content.decode()
    assert Parcel.objects.get().state == Parcel.State.PACKED


def test_ful5_pack_page_queries_are_bounded(printed, people, client_for,  # noqa: F811
                                            django_assert_max_num_queries):
    for _ in range(12):
        pack_order(actor=people.packer, order=printed(state="verified"),
                   checklist={"slip": True}, weight_g=2000)
    client = client_for(people.supervisor)
    with django_assert_max_num_queries(14):
        page = client.get("/fulfillment/pack-station/")
    assert page.content.decode().count("称重待核") >= 1
    assert len(page.context["checks"]) == 12


def test_ful5_handover_pages_scan_close_and_pdf(printed, people, client_for,  # noqa: F811
                                                django_assert_max_num_queries):
    parcels = [pack_order(actor=people.packer, order=printed(state="verified"),
                          checklist={"slip": True}) for _ in range(3)]
    client = client_for(people.packer)
    zto = Courier.objects.get(code="zto")
    opened = client.post("/fulfillment/handovers/open/",
                         {"courier": zto.pk, "driver_name": "老王"}, follow=True)
    assert "应交 3 件" in opened.content.decode()
    handover = Handover.objects.get()
    for parcel in parcels[:2]:
        answer = client.post(f"/fulfillment/handovers/{handover.pk}/scan/",
                             {"code": parcel.waybill_no}).json()
        assert answer["ok"] and 'data-testid="handover-scanned">' in answer["html"]
    blocked = client.post(f"/fulfillment/handovers/{handover.pk}/close/", follow=True)
    assert "交接件数不符：应交 3 件，已扫 2 件" in blocked.content.decode()
    removed = client.post(f"/fulfillment/handovers/{handover.pk}/remove/",
                          {"parcel": parcels[2].pk, "reason": "找不到"}, follow=True)
    assert "已移出交接单" in removed.content.decode()
    closed = client.post(f"/fulfillment/handovers/{handover.pk}/close/", follow=True)
    assert "交接完成：2 件已发货" in closed.content.decode()
    finance = client_for(people.finance)
    with django_assert_max_num_queries(12):
        listing = finance.get("/fulfillment/handover-list/")
    assert handover.number in listing.content.decode()
    pdf = finance.get(f"/fulfillment/handovers/{handover.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert finance.post(f"/fulfillment/handovers/{handover.pk}/close/").status_code == 403


def test_ful5_handover_list_queries_do_not_grow(printed, people, client_for,  # noqa: F811
                                               django_assert_max_num_queries, hz):
    for code in ("zto", "yto", "sto", "yunda"):
        courier = Courier.objects.get(code=code)
        for _ in range(3):
            parcel = pack_order(actor=people.packer, order=printed(state="verified"),
                                checklist={"slip": True})
            Parcel.objects.filter(pk=parcel.pk).update(courier=courier)
        open_handover(actor=people.packer, courier=courier, warehouse=hz)
    finance = client_for(people.finance)
    with django_assert_max_num_queries(12):
        page = finance.get("/fulfillment/handover-list/")
    assert page.status_code == 200 and len(page.context["page"]) == 4
    detail = Handover.objects.first()
    with django_assert_max_num_queries(16):
        assert finance.get(f"/fulfillment/handovers/{detail.pk}/").status_code == 200


def test_ful4_ful5_station_api(printed, people, client_for, dress, hz):  # noqa: F811
    order = printed()
    verifier = client_for(people.verifier)

    def post(client, url, data):
        return client.post(f"/api/v1/fulfillment{url}", json.dumps(data),
                           content_type="application/json")

    started = post(verifier, "/verify/start", {"code": waybill(order)}).json()
    assert started["ok"] and started["progress"][0]["needed"] == 1
    session = started["session_id"]
    scanned = post(verifier, "/verify/scan", {"session": session, "barcode": dress.barcode})
    assert scanned.json()["done"] is True
    assert verifier.get(f"/api/v1/fulfillment/verify/sessions/{session}").json()["state"] == "done"
    packer = client_for(people.packer)
    assert post(packer, "/pack", {"order": order.number, "checklist": {}}).status_code == 400
    packed = post(packer, "/pack", {"order": order.number, "checklist": {"slip": True}})
    assert packed.status_code == 201
    opened = post(packer, "/handovers", {"courier": "zto", "warehouse": hz.pk})
    assert opened.status_code == 201 and opened.json()["expected_count"] == 1
    handover = opened.json()["id"]
    mismatch = post(packer, f"/handovers/{handover}/close", {})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "count_mismatch"
    assert post(packer, f"/handovers/{handover}/scan",
                {"code": packed.json()["waybill_no"]}).json()["ok"]
    closed = post(packer, f"/handovers/{handover}/close", {}).json()
    assert closed["state"] == "done" and closed["pdf"].endswith(".pdf")
    assert Order.objects.get().state == Order.State.SHIPPED
    assert post(verifier, "/pack", {"order": order.number}).status_code == 403


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

"""FUL-6: a courier's tracking file (CSV UTF-8/GB18030 or xlsx) is previewed with every bad
row and then recorded all or nothing; the API takes pushed steps the same way."""

import io
import json
from datetime import datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shopops.core.models import Event
from shopops.fulfillment.actions.tracking import import_tracking_file
from shopops.fulfillment.models import Courier, Parcel, TrackingEvent
from shopops.orders.models import Order

HEADER = "运单号,时间,状态,描述,地点\n"


@pytest.fixture
def parcels(paid_order, put_in_state, hz):
    """Two shipped parcels ZT1000000001 and ZT1000000002, and one packed ZT1000000003."""
    zto = Courier.objects.get(code="zto")
    out = {}
    for i, state in ((1, "shipped"), (2, "shipped"), (3, "packed")):
        order = paid_order()
        waybill = f"ZT100000000{i}"
        put_in_state(order, "shipped" if state == "shipped" else "packed",
                     shipped_at=timezone.now() if state == "shipped" else None,
                     tracking_no=waybill)
        parcel = Parcel.objects.create(number=f"PK-I{i}", courier=zto, waybill_no=waybill,
                                       warehouse=hz, state=state,
                                       shipped_at=order.shipped_at)
        parcel.orders.add(order)
        out[waybill] = parcel
    return out


def upload(text, name="轨迹.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding))


def local(text):
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def test_ful6_import_with_bad_rows_records_nothing_and_lists_each_row(parcels, people):
    text = HEADER + (
        "ZT1000000001,2026-11-20 09:10,已揽收,快递员已揽收,杭州\n"
        "ZT9999999999,2026-11-20 09:20,运输中,,\n"
        "ZT1000000002,20/11/2026,派件,,\n"
        "ZT1000000002,2026-11-20 12:00,被外星人带走,,\n"
        "ZT1000000003,2026-11-20 12:00,揽收,,\n"
        "ZT1000000001,2026-11-21 15:00,已签收,本人签收,上海\n")
    result = import_tracking_file(actor=people.packer, uploaded_file=upload(text))
    assert result["recorded"] == 0
    assert [(e["row"], e["message"]) for e in result["errors"]] == [
        (3, "运单号不存在：ZT9999999999"),
        (4, "时间格式不正确：20/11/2026（应为 2026-11-20 14:30）"),
        (5, "无法识别的物流状态：被外星人带走"),
        (6, "包裹尚未发货：ZT1000000003"),
    ]
    assert TrackingEvent.objects.count() == 0
    assert Order.objects.filter(state="delivered").count() == 0
    assert not Event.objects.filter(verb="tracking.imported").exists()


def test_ful6_import_gb18030_csv_records_every_row(parcels, people):
    text = HEADER + (
        "ZT1000000001,2026-11-20 09:10,揽收,快递员已揽收,杭州\n"
        "ZT1000000001,2026-11-20 15:00,在途,快件已发往上海,杭州转运中心\n"
        "ZT1000000001,2026-11-21 09:00,派件,快递员正在派送,上海\n"
        "ZT1000000001,2026-11-21 15:00,签收,本人签收,上海\n"
        "ZT1000000002,2026/11/21 08:00,延迟,天气原因延误,南京\n")
    result = import_tracking_file(actor=people.packer,
                                  uploaded_file=upload(text, encoding="gb18030"))
    assert (result["recorded"], result["duplicates"], result["errors"]) == (5, 0, [])
    first = parcels["ZT1000000001"]
    assert list(first.tracking.values_list("status", "location")) == [
        ("collected", "杭州"), ("in_transit", "杭州转运中心"), ("delivering", "上海"),
        ("delivered", "上海")]
    order = first.orders.get()
    assert (order.state, order.delivered_at) == ("delivered", local("2026-11-21 15:00"))
    assert parcels["ZT1000000002"].tracking.get().status == "delayed"
    event = Event.objects.get(verb="tracking.imported")
    assert event.summary == "导入物流轨迹 轨迹.csv：新增 5 条，重复 0 条"
    # The same file again records nothing new.
    again = import_tracking_file(actor=people.packer,
                                 uploaded_file=upload(text, encoding="gb18030"))
    assert (again["recorded"], again["duplicates"]) == (0, 5)


def test_ful6_import_xlsx_file(parcels, people):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["运单号", "时间", "状态", "描述", "地点"])
    sheet.append(["ZT1000000002", datetime(2026, 11, 20, 10, 30), "已揽收", "已揽件", "杭州"])
    sheet.append(["ZT1000000002", "2026-11-22 11:00", "退回", "收件人拒收，退回", "北京"])
    out = io.BytesIO()
    book.save(out)
    result = import_tracking_file(
        actor=people.packer, uploaded_file=SimpleUploadedFile("track.xlsx", out.getvalue()))
    assert (result["recorded"], result["errors"]) == (2, [])
    parcel = parcels["ZT1000000002"]
    assert list(parcel.tracking.values_list("status", "at")) == [
        ("collected", local("2026-11-20 10:30")), ("returned", local("2026-11-22 11:00"))]
    assert Event.objects.filter(verb="tracking.exception").count() == 1


def test_ful6_import_page_previews_then_confirms(parcels, people, client_for):
    client = client_for(people.packer)
    text = HEADER + "ZT1000000001,2026-11-20 09:10,已揽收,快递员已揽收,杭州\n"
    response = client.post("/fulfillment/tracking/import/", {"file": upload(text)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'data-testid="tracking-ok-count">1<' in html
    assert "快递员已揽收" in html
    assert TrackingEvent.objects.count() == 0  # preview only
    token = page.context["preview"]["token"]
    done = client.post("/fulfillment/tracking/import/confirm/", {"token": token}, follow=True)
    assert "已导入 1 条物流记录（重复 0 条未再记录）。" in done.content.decode()
    assert TrackingEvent.objects.get().status == "collected"
    # The preview is used up: confirming again changes nothing and says so.
    again = client.post("/fulfillment/tracking/import/confirm/", {"token": token}, follow=True)
    assert "导入预览不存在或已导入，请重新上传文件。" in again.content.decode()
    assert TrackingEvent.objects.count() == 1


def test_ful6_import_page_lists_bad_rows_and_offers_no_confirm(parcels, people, client_for):
    client = client_for(people.packer)
    text = HEADER + ("ZT1000000001,2026-11-20 09:10,已揽收,,\n"
                     "ZT0000000000,2026-11-20 09:10,已揽收,,\n")
    response = client.post("/fulfillment/tracking/import/", {"file": upload(text)}, follow=True)
    html = response.content.decode()
    assert 'data-testid="tracking-error-count">1<' in html
    assert "运单号不存在：ZT0000000000" in html
    assert 'data-testid="tracking-import-confirm"' not in html
    token = response.context["preview"]["token"]
    refused = client.post("/fulfillment/tracking/import/confirm/", {"token": token},
                          follow=True)
    assert "文件有 1 行错误，未导入任何记录" in refused.content.decode()
    assert TrackingEvent.objects.count() == 0


def test_ful6_import_file_without_the_columns_is_refused(parcels, people, client_for):
    client = client_for(people.packer)
    response = client.post("/fulfillment/tracking/import/",
                           {"file": upload("单号,日期\nZT1000000001,2026-11-20\n")}, follow=True)
    assert "文件缺少列：运单号、时间、状态" in response.content.decode()


def test_ful6_api_push_is_all_or_nothing(parcels, people, client_for):
    client = client_for(people.packer)
    body = [{"waybill_no": "ZT1000000001", "at": "2026-11-20T09:10:00+08:00",
             "status": "collected", "location": "杭州"},
            {"waybill_no": "ZT404", "at": "2026-11-20T10:00:00+08:00", "status": "已签收"}]
    bad = client.post("/api/v1/fulfillment/tracking/events", json.dumps({"events": body}),
                      content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["message"] == "运单号不存在：ZT404"
    assert TrackingEvent.objects.count() == 0
    body[1]["waybill_no"] = "ZT1000000001"
    good = client.post("/api/v1/fulfillment/tracking/events", json.dumps({"events": body}),
                       content_type="application/json")
    assert good.status_code == 200
    assert good.json() == {"recorded": 2, "duplicates": 0}
    assert parcels["ZT1000000001"].orders.get().state == "delivered"
    shown = client.get("/api/v1/fulfillment/tracking/ZT1000000001").json()
    assert [(e["status"], e["status_label"]) for e in shown["events"]] == [
        ("collected", "已揽收"), ("delivered", "已签收")]
    assert client.get("/api/v1/fulfillment/tracking/ZT404").status_code == 404


def test_ful6_api_push_needs_the_ship_capability(parcels, people, client_for):
    body = [{"waybill_no": "ZT1000000001", "at": "2026-11-20T09:10:00+08:00",
             "status": "collected"}]
    response = client_for(people.picker).post(
        "/api/v1/fulfillment/tracking/events", json.dumps({"events": body}),
        content_type="application/json")
    assert response.status_code == 403
    assert TrackingEvent.objects.count() == 0

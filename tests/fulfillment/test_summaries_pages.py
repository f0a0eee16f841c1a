"""FUL-7 pages: the summaries list (day/week/month tabs, bounded queries), a summary's
tables, the xlsx export with Chinese headers, and generating one for a chosen date."""

import io
from datetime import date, timedelta

import openpyxl
import pytest

from shopops.core.errors import UserError
from shopops.fulfillment.actions.summaries import generate_summary
from shopops.fulfillment.models import ShippingSummary

DATA = {"created": 3, "paid": 2, "shipped": 2, "delivered": 1, "cancelled": 0,
        "sales_fen": 52800, "average_order_fen": 26400, "parcels": 2,
        "by_courier": [{"courier": "中通快递", "orders": 2}],
        "by_channel": [{"channel": "天猫旗舰店", "orders": 2, "sales_fen": 52800}],
        "top_provinces": [{"province": "浙江省", "orders": 2, "sales_fen": 52800}],
        "avg_paid_to_ship_hours": 5.5, "same_day_due": 2, "same_day_shipped": 1,
        "same_day_rate": 50.0, "exceptions": 1, "exceptions_by_status": {"lost": 1},
        "top_skus": [{"sku": "P-DRESS-1", "title": "真丝印花连衣裙", "quantity": 2}]}


@pytest.fixture
def summaries(db):
    start = date(2026, 9, 1)
    rows = [ShippingSummary(period="day", start=start + timedelta(days=i),
                            end=start + timedelta(days=i), data=DATA) for i in range(61)]
    rows.append(ShippingSummary(period="week", start=date(2026, 11, 16),
                                end=date(2026, 11, 22), data=DATA))
    return ShippingSummary.objects.bulk_create(rows)


def test_ful7_summary_list_tabs_and_bounded_queries(
        summaries, people, client_for, django_assert_max_num_queries):
    client = client_for(people.finance)
    with django_assert_max_num_queries(8):
        response = client.get("/fulfillment/summaries/")
    page = response.context["page"]
    assert (page.paginator.count, len(page)) == (61, 50)
    assert page[0].start == date(2026, 10, 31)
    html = response.content.decode()
    assert "¥528.00" in html and "50.0%" in html
    assert 'data-testid="summary-generate-form"' not in html  # finance only reads
    weekly = client.get("/fulfillment/summaries/?period=week").context["page"]
    assert [(s.start, s.end) for s in weekly] == [(date(2026, 11, 16), date(2026, 11, 22))]
    assert client.get("/fulfillment/summaries/?period=bogus").context["period"] == "day"


def test_ful7_summary_detail_and_xlsx_export_with_chinese_headers(summaries, people,
                                                                  client_for):
    client = client_for(people.boss)
    summary = summaries[0]
    html = client.get(f"/fulfillment/summaries/{summary.pk}/").content.decode()
    assert 'data-testid="summary-couriers"' in html and "中通快递" in html
    assert "真丝印花连衣裙" in html
    response = client.get(f"/fulfillment/summaries/{summary.pk}/export/")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["总览", "按快递公司发货", "按渠道", "前十省份", "发货数量前十 SKU",
                               "物流异常"]
    overview = [list(r) for r in book["总览"].iter_rows(values_only=True)]
    assert overview[0] == ["指标", "数值"]
    assert ["销售额（元）", 528] in overview
    assert ["当日发货率（%）", 50] in overview
    assert [list(r) for r in book["按渠道"].iter_rows(values_only=True)] == [
        ["渠道", "付款订单数", "销售额（元）"], ["天猫旗舰店", 2, 528]]
    assert [list(r) for r in book["物流异常"].iter_rows(values_only=True)] == [
        ["异常类型", "次数"], ["丢失", 1]]


def test_ful7_generate_button_for_a_chosen_date(people, client_for):
    client = client_for(people.packer)
    response = client.post("/fulfillment/summaries/generate/",
                           {"period": "week", "date": "2026-11-20"}, follow=True)
    summary = ShippingSummary.objects.get()
    assert (summary.period, summary.start, summary.end) == (
        "week", date(2026, 11, 16), date(2026, 11, 22))
    assert "已生成汇总。" in response.content.decode()
    bad = client.post("/fulfillment/summaries/generate/", {"period": "week", "date": ""},
                      follow=True)
    assert "请选择日期。" in bad.content.decode()
    denied = client_for(people.finance).post("/fulfillment/summaries/generate/",
                                             {"period": "day", "date": "2026-11-20"})
    assert denied.status_code == 403
    assert ShippingSummary.objects.count() == 1


def test_ful7_generate_refuses_an_unknown_period(people):
    with pytest.raises(UserError) as exc:
        generate_summary(period="year", start=date(2026, 11, 20), actor=people.packer)
    assert exc.value.code == "summary_bad_period"

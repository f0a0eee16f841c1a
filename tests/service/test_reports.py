"""CS-7: the day's consultation log (客户咨询表) and deal log (成交记录表) are produced from the
conversations and orders, and the conversion rate per agent per day is exact. A day built
by hand: 吴倩 and 郑丽 on the pre-sale desk yesterday."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shopops.core.models import Event
from shopops.orders.models import Order
from shopops.service.reports import agent_month_stats, build

from .conftest import today_at

YESTERDAY = 1


@pytest.fixture
def consult(talk):
    def make(agent, customer, hour, minute=0, *, days_ago=YESTERDAY, stage="presale",
             wrote=True, subject="咨询真丝连衣裙尺码", **fields):
        lines = ([("客户", 0, "在吗？这款连衣裙有M码吗？")] if wrote else []) + [
            ("客服", 10, "您好，欢迎来到五步商城！M码有现货的，您放心拍。"),
            ("客服", 290, "好的，非常感谢您对五步商城的关注与支持，再见！")]
        return talk(agent, lines, customer=customer, stage=stage, subject=subject,
                    start=today_at(hour, minute, days_ago=days_ago), **fields)
    return make


@pytest.fixture
def order_at(make_order):
    def make(customer, hour, minute=0, *, days_ago=0, paid=True):
        order = make_order(customer, paid=paid)
        at = today_at(hour, minute, days_ago=days_ago)
        Order.objects.filter(pk=order.pk).update(created_at=at,
                                                 paid_at=at if paid else None)
        order.refresh_from_db()
        return order
    return make


@pytest.fixture
def day(make_customer, consult, order_at, wuqian, zhengli):
    """Yesterday: seven consultations (吴倩 5, 郑丽 2), three deals."""
    chen = make_customer(name="陈静", phone="13800138001")
    li = make_customer(name="李婷", phone="13912345678")
    wang = make_customer(name="王芳", phone="13711112222")
    zhao = make_customer(name="赵敏", phone="13344445555")
    sun = make_customer(name="孙悦", phone="13255556666")
    c = {
        "chen_am": consult(wuqian, chen, 10),  # → 11:00 order: deal (吴倩)
        "li": consult(wuqian, li, 11),  # → today 09:00 order, but 郑丽 talked to her at 08:30
        "wang": consult(wuqian, wang, 14),  # → order two days later: outside 24 h
        "visitor": consult(wuqian, None, 15, visitor_name="游客8821"),  # anonymous: no match
        "zhao": consult(zhengli, zhao, 15, 30),  # → unpaid order: no deal
        "chen_after": consult(zhengli, chen, 16, stage="aftersale", subject="物流查询"),
        "chen_pm": consult(zhengli, chen, 20),  # → 20:30 order: deal (郑丽), last touch
        "outreach": consult(wuqian, li, 18, wrote=False, subject="新品通知"),  # not a consultation
        "sun": consult(wuqian, sun, 17),  # → today 10:00 order: deal within 24 h
        "li_today": consult(zhengli, li, 8, 30, days_ago=0),  # today: takes 李婷's order
    }
    o = {
        "chen_am": order_at(chen, 11, days_ago=1),
        "chen_pm": order_at(chen, 20, 30, days_ago=1),
        "li": order_at(li, 9, days_ago=0),
        "wang": order_at(wang, 15, days_ago=-1),  # tomorrow 15:00, 49 h after
        "zhao": order_at(zhao, 16, days_ago=1, paid=False),
        "sun": order_at(sun, 10, days_ago=0),
    }
    return {"conversations": c, "orders": o, "date": timezone.localdate() - timedelta(days=1)}


def test_cs7_conversion_per_agent_for_a_built_day(day, wuqian, zhengli):
    log = build(day["date"])
    agents = {row.agent: row for row in log.agents}
    w, z = agents[wuqian], agents[zhengli]
    assert (w.conversations, w.consultations, w.converted, w.rate) == (6, 5, 2, Decimal("0.4"))
    assert (z.conversations, z.consultations, z.converted, z.rate) == (3, 2, 1, Decimal("0.5"))
    assert (w.orders, w.amount_fen, z.orders, z.amount_fen) == (2, 39800, 1, 19900)
    assert log.totals.rate == Decimal("0.4286")  # 3 of 7


def test_cs7_deal_log_credits_the_last_consultation_within_the_window(day):
    log = build(day["date"])
    c, o = day["conversations"], day["orders"]
    assert [(order.pk, entry.conversation.pk) for order, entry in log.deals] == [
        (o["chen_am"].pk, c["chen_am"].pk), (o["chen_pm"].pk, c["chen_pm"].pk),
        (o["sun"].pk, c["sun"].pk)]
    # 李婷's order belongs to this morning's consultation, in today's log.
    today = build(timezone.localdate())
    assert [(order.pk, entry.conversation.pk) for order, entry in today.deals] == [
        (o["li"].pk, c["li_today"].pk)]


def test_cs7_consultation_log_lists_every_conversation_of_the_day(day):
    log = build(day["date"])
    c = day["conversations"]
    assert [e.conversation.pk for e in log.entries] == [c[k].pk for k in (
        "chen_am", "li", "wang", "visitor", "zhao", "chen_after", "sun", "outreach", "chen_pm")]
    counted = {k for k in c if any(e.conversation.pk == c[k].pk and e.counts for e in log.entries)}
    assert counted == {"chen_am", "li", "wang", "visitor", "zhao", "sun", "chen_pm"}


def test_cs7_the_window_is_a_setting(day, set_setting, wuqian):
    set_setting("service.conversion_window_hours", 72)
    log = build(day["date"])
    row = next(r for r in log.agents if r.agent == wuqian)
    assert row.converted == 3  # 王芳's order two days later now counts


def test_cs7_day_page_shows_the_logs_masked(day, zhoumin, client_for,
                                            django_assert_max_num_queries):
    client = client_for(zhoumin)
    url = f"/service/reports/consultations/?day={day['date']:%Y-%m-%d}"
    client.get(url)
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert html.count("data-conversation=") == 9 and html.count("data-order=") == 3
    assert "陈*" in html and "陈静" not in html and "游*" in html
    assert 'data-testid="total-rate">42.9%<' in html
    assert "40.0%" in html and "50.0%" in html
    assert "不计入转化" in html and "未成交" in html and "已成交" in html


def test_cs7_xlsx_exports_are_recorded(day, zhoumin, client_for):
    client = client_for(zhoumin)
    for kind, title, count in (("consultations", "客户咨询表", 9), ("deals", "成交记录表", 3)):
        response = client.post("/service/reports/consultations/export/",
                               {"day": f"{day['date']:%Y-%m-%d}", "kind": kind})
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert len(rows) == count + 1, kind
        event = Event.objects.filter(verb="service.report_exported").latest("pk")
        assert event.summary == f"导出 {day['date']:%Y-%m-%d} {title}（{count} 行）"
    deal = rows[1]
    assert deal[1] == day["orders"]["chen_am"].number and deal[3].startswith("陈*")
    assert deal[4] == 199 and deal[7] == "吴倩"


def test_cs7_agent_month_stats_for_the_scorecards(day, wuqian):
    from shopops.service.jobs_quality import sweep

    sweep()
    stats = agent_month_stats(wuqian, day["date"].year, day["date"].month)
    # Yesterday's five consultations, plus none of today's (吴倩 had none today).
    assert stats["consultations"] == 5 and stats["converted"] == 2
    assert stats["conversion_rate"] == Decimal("0.4")
    assert stats["deal_orders"] == 2 and stats["deal_amount_fen"] == 39800
    # Six conversations scored; the outreach one had no customer message to answer.
    assert stats["qi_count"] == 6 and stats["first_response_avg_seconds"] == 10
    assert stats["first_response_slow"] == 0
    assert stats["qi_average"] == 100.0

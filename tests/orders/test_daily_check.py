"""ORD-8: each morning, yesterday's orders with anomalies are listed for the people
responsible — refunds asked for, still unpaid, paid but not shipped, bad reviews."""

from datetime import datetime, timedelta

from django.utils import timezone

from shopops.core.models import Notification
from shopops.orders import actions
from shopops.orders.daily_check import anomalies, send_daily_check
from shopops.orders.models import Order


def _yesterday_at(hour):
    day = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour)


def test_ord8_yesterdays_anomalies_are_grouped_and_sent(new_order, cs, boss, make_user,
                                                        client_for):
    supervisor = make_user(roles=["cs_supervisor"], display_name="周敏")
    at = _yesterday_at(10)
    unpaid = new_order(paid=False, created_at=at)
    refund = new_order(created_at=at, paid_at=at)
    actions.request_refund(actor=cs, order=refund, reason="拍错了")
    waiting = new_order(created_at=at, paid_at=at)
    shipped = new_order(created_at=at, paid_at=at)
    Order.objects.filter(pk=shipped.pk).update(state="shipped")
    today = new_order(paid=False)  # today's: not in yesterday's list
    groups = anomalies(timezone.localdate() - timedelta(days=1))
    assert [o.pk for o in groups["unpaid"]] == [unpaid.pk]
    assert [o.pk for o in groups["refund"]] == [refund.pk]
    assert [o.pk for o in groups["unshipped"]] == [waiting.pk]
    assert today.pk not in {o.pk for g in groups.values() for o in g}

    counts = send_daily_check()
    assert counts == {"refund": 1, "unpaid": 1, "unshipped": 1, "bad_review": 0}
    note = Notification.objects.get(recipient=supervisor)
    assert "申请退款 1 单" in note.title and "未付款 1 单" in note.title
    assert Notification.objects.filter(recipient=boss).count() == 1
    html = client_for(boss).get(note.link).content.decode()
    assert unpaid.number in html and refund.number in html and waiting.number in html
    assert shipped.number not in html


def test_ord8_a_clean_day_sends_nothing(new_order, boss):
    new_order(created_at=_yesterday_at(9), paid_at=_yesterday_at(9))
    Order.objects.update(state="shipped")
    assert send_daily_check() == {"refund": 0, "unpaid": 0, "unshipped": 0, "bad_review": 0}
    assert not Notification.objects.filter(recipient=boss).exists()


def test_ord8_page_queries_are_bounded(new_order, boss, client_for,
                                       django_assert_max_num_queries):
    for _ in range(8):
        new_order(paid=False, created_at=_yesterday_at(11))
    client = client_for(boss)
    client.get("/orders/daily-check/")
    with django_assert_max_num_queries(10):
        response = client.get("/orders/daily-check/")
    assert response.content.decode().count("DD") >= 8


def _review(order, rating, body, at):
    from shopops.service.models import Review

    line = order.lines.select_related("sku").first()
    return Review.objects.create(order=order, line=line, product=line.sku.product, sku=line.sku,
                                 rating=rating, body=body, is_bad=rating <= 2, created_at=at)


def test_ord8_yesterdays_bad_reviews_join_the_list(new_order, boss, client_for):
    old = new_order(created_at=_yesterday_at(8) - timedelta(days=5))
    Order.objects.filter(pk=old.pk).update(state="delivered")
    bad = _review(old, 1, "面料起球严重，和描述完全不符", _yesterday_at(20))
    _review(new_order(created_at=_yesterday_at(8) - timedelta(days=4)), 5, "很满意",
            _yesterday_at(21))
    _review(new_order(created_at=_yesterday_at(8) - timedelta(days=4)), 2, "发货太慢",
            _yesterday_at(8) - timedelta(days=1))  # the day before: not yesterday's
    groups = anomalies(timezone.localdate() - timedelta(days=1))
    assert [o.pk for o in groups["bad_review"]] == [old.pk]
    assert groups["bad_review"][0].day_bad_reviews == [bad]
    assert send_daily_check()["bad_review"] == 1
    note = Notification.objects.get(recipient=boss)
    assert "差评 1 单" in note.title
    html = client_for(boss).get(note.link).content.decode()
    assert "1★" in html and "面料起球严重，和描述完全不符" in html
    assert "陈*" in html and "陈静" not in html  # the buyer masked (ROLE-6)

"""CS-6, staff side: customer service replies to reviews (the reply is shown with the
review), replying to a bad review meets its "CS-6" deadline to contact the customer, a
review is hidden only with a reason; the list filters bad, unreplied, product and dates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.actions.deadlines import open_deadline
from shopops.core.errors import UserError
from shopops.core.models import Deadline, Event
from shopops.service.actions.review_replies import hide_review, reply_to_review, show_review


@pytest.fixture
def bad_review(make_customer, make_order, make_review, zhengli):
    order = make_order(make_customer())
    review = make_review(order, 1, "洗了一次就缩水，客服也不理人")
    open_deadline(actor=None, subject=review, owner=zhengli, rule="CS-6", action="escalate",
                  due_at=timezone.now() + timedelta(hours=24),
                  title=f"差评联系客户：{order.number}")
    return review


def cs6(review):
    return Deadline.objects.get(subject_type="service.review", subject_id=str(review.pk),
                                rule="CS-6")


def test_cs6_replying_to_a_bad_review_meets_its_deadline(bad_review, zhengli):
    reply_to_review(actor=zhengli, review=bad_review,
                    text="非常抱歉给您带来不便，已为您申请换货，请留意短信。")
    bad_review.refresh_from_db()
    assert bad_review.reply == "非常抱歉给您带来不便，已为您申请换货，请留意短信。"
    assert (bad_review.replied_by, bad_review.replied_at is not None) == (zhengli, True)
    assert cs6(bad_review).state == "met"
    event = Event.objects.get(verb="review.replied")
    assert event.summary.startswith(f"回复订单 {bad_review.order.number} 的评价（1 星）")
    assert event.data["deadline_met"] == 1


def test_cs6_a_late_reply_closes_the_overdue_deadline(bad_review, zhengli):
    Deadline.objects.filter(pk=cs6(bad_review).pk).update(
        due_at=timezone.now() - timedelta(minutes=5))
    reply_to_review(actor=zhengli, review=bad_review, text="抱歉，已联系您处理。")
    deadline = cs6(bad_review)
    assert deadline.state == "fired" and deadline.closed_at is not None


def test_cs6_an_empty_reply_changes_nothing(bad_review, zhengli):
    with pytest.raises(UserError, match="请填写回复内容"):
        reply_to_review(actor=zhengli, review=bad_review, text="  ")
    bad_review.refresh_from_db()
    assert bad_review.reply == "" and cs6(bad_review).state == "pending"


def test_cs6_hiding_needs_a_reason_and_is_recorded(bad_review, zhoumin):
    with pytest.raises(UserError, match="请填写隐藏原因"):
        hide_review(actor=zhoumin, review=bad_review, reason="")
    hide_review(actor=zhoumin, review=bad_review, reason="含有客户手机号，保护隐私")
    bad_review.refresh_from_db()
    assert (bad_review.state, bad_review.hidden_by) == ("hidden", zhoumin)
    assert Event.objects.get(verb="review.hidden").summary.endswith("：含有客户手机号，保护隐私")
    show_review(actor=zhoumin, review=bad_review)
    bad_review.refresh_from_db()
    assert bad_review.state == "published" and bad_review.hidden_reason == ""


def test_cs6_list_filters_and_shows_the_deadline(bad_review, make_order, make_review,
                                                 make_customer, zhengli, client_for):
    good = make_review(make_order(make_customer(name="李婷", phone="13912345678")), 5,
                       "面料很舒服，尺码标准")
    old = make_review(make_order(make_customer(name="王芳", phone="13711112222")), 2, "一般")
    old.created_at = timezone.now() - timedelta(days=40)
    old.save(update_fields=["created_at"])
    reply_to_review(actor=zhengli, review=good, text="感谢您的好评，期待再次光临！")
    client = client_for(zhengli)
    every = client.get("/service/reviews/").content.decode()
    assert f'data-review="{bad_review.pk}"' in every and f'data-review="{good.pk}"' in every
    assert f'data-review="{old.pk}"' not in every  # older than the default 30 days
    assert "前联系客户" in every and "感谢您的好评，期待再次光临！" in every
    bad = client.get("/service/reviews/?bad=1").content.decode()
    assert f'data-review="{good.pk}"' not in bad and f'data-review="{bad_review.pk}"' in bad
    unreplied = client.get("/service/reviews/?unreplied=1").content.decode()
    assert f'data-review="{good.pk}"' not in unreplied
    since = (timezone.localdate() - timedelta(days=60)).isoformat()
    dated = client.get(f"/service/reviews/?from={since}").content.decode()
    assert f'data-review="{old.pk}"' in dated
    by_product = client.get("/service/reviews/?product=真丝").content.decode()
    assert by_product.count("data-review=") == 2
    assert client.get("/service/reviews/?product=羊毛衫").content.decode().count(
        "data-review=") == 0


def test_cs6_reply_through_the_page_and_an_overdue_deadline_shows(bad_review, zhengli,
                                                                  client_for):
    Deadline.objects.filter(pk=cs6(bad_review).pk).update(
        due_at=timezone.now() - timedelta(minutes=5))
    client = client_for(zhengli)
    assert "联系客户已超时" in client.get("/service/reviews/?bad=1").content.decode()
    response = client.post(f"/service/reviews/{bad_review.pk}/reply/",
                           {"reply": "非常抱歉，已为您安排换货。"}, follow=True)
    assert "已回复差评，联系客户的时限已完成。" in response.content.decode()


def test_cs6_review_list_queries_are_bounded(make_customer, make_order, make_review, zhengli,
                                             client_for, django_assert_max_num_queries):
    for n in range(20):
        review = make_review(make_order(make_customer(phone=f"1360000{n:04d}")), 1 + n % 5,
                             "评价内容")
        if review.is_bad:
            open_deadline(actor=None, subject=review, owner=zhengli, rule="CS-6",
                          action="notify", due_at=timezone.now() + timedelta(hours=24),
                          title="差评联系客户")
    client = client_for(zhengli)
    client.get("/service/reviews/")
    with django_assert_max_num_queries(10):
        html = client.get("/service/reviews/").content.decode()
    assert html.count("data-review=") == 20


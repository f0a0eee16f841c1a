"""CS-6 from the customer's side: after delivery the customer rates each line 1–5 with
text, once per line, only their own; a bad review (≤ service.bad_review_max_rating) opens
a task to contact the customer for the order's owner and tells them; product pages show
published reviews with the average."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.actors import customer_actor
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.orders.models import Order
from shopops.service.actions.reviews import submit_review
from shopops.service.models import Review
from shopops.storefront.actions.cart import add_item, cart_for
from shopops.storefront.actions.checkout import place_order
from tests.storefront.conftest import ADDRESS


@pytest.fixture
def bought(alice, dress, listed, shop):
    """Alice's order of a dress and a shirt, put straight into 已签收 (test setup)."""
    shirt = listed("真丝衬衫", skus=[{"颜色": "米白"}], price_fen=5900, category=shop.shirts)
    cart = cart_for(customer=alice.customer)
    add_item(cart=cart, sku_id=dress.skus.first().pk, quantity=1, channel=shop.channel)
    add_item(cart=cart, sku_id=shirt.skus.get().pk, quantity=1, channel=shop.channel)
    order = place_order(customer=alice.customer, cart=cart, channel=shop.channel,
                        address=ADDRESS)

    def deliver(state="delivered"):
        Order.objects.filter(pk=order.pk).update(state=state, delivered_at=timezone.now())
        order.refresh_from_db()
        return order

    order.deliver = deliver
    return order


def test_cs6_reviews_after_delivery_once_per_line(shop_client, alice, bought):
    dress_line, shirt_line = bought.lines.order_by("pk")
    actor = customer_actor(alice.customer)
    with pytest.raises(UserError, match=f"订单 {bought.number} 签收后才能评价。"):
        submit_review(actor=actor, line=dress_line, rating=5, body="很好")
    bought.deliver()
    client = shop_client(alice)
    page = client.get(f"/shop/orders/{bought.pk}/").content.decode()
    assert "提交评价" in page
    client.post(f"/shop/orders/{bought.pk}/review/", {"line": dress_line.pk, "rating": "5",
                                                      "body": "面料很舒服，尺码标准"})
    review = Review.objects.get()
    assert (review.rating, review.is_bad, review.customer, review.product_id, review.sku) == (
        5, False, alice.customer, dress_line.sku.product_id, dress_line.sku)
    again = client.post(f"/shop/orders/{bought.pk}/review/", {"line": dress_line.pk,
                                                              "rating": "4", "body": "再评"},
                        follow=True)
    assert "已经评价过了" in again.content.decode()
    with pytest.raises(ConflictError):
        submit_review(actor=actor, line=dress_line, rating=4, body="")
    assert Review.objects.count() == 1
    assert not Deadline.objects.filter(rule="CS-6").exists()
    assert Event.objects.filter(verb="review.submitted").count() == 1
    # The product page shows it, with the average.
    product = client.get(f"/shop/p/{dress_line.sku.product_id}/").content.decode()
    assert "面料很舒服，尺码标准" in product and "平均 5.0 星 · 共 1 条" in product
    assert "林**" in product  # the buyer's name masked on a public page


def test_cs6_only_the_buyer_reviews(alice, bought, make_customer, make_user):
    bought.deliver()
    line = bought.lines.first()
    bob = make_customer("张伟")
    with pytest.raises(PermissionDeniedError, match="只能评价自己购买的商品"):
        submit_review(actor=customer_actor(bob.customer), line=line, rating=5, body="")
    with pytest.raises(PermissionDeniedError, match="只有购买该商品的顾客可以评价"):
        submit_review(actor=make_user(roles=["presale_cs"]), line=line, rating=5, body="")
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", ["0", "6", "x"])
def test_cs6_rating_is_one_to_five(alice, bought, rating):
    bought.deliver("completed")
    with pytest.raises(UserError, match="请为商品打 1 到 5 星"):
        submit_review(actor=customer_actor(alice.customer), line=bought.lines.first(),
                      rating=rating, body="")


def test_cs6_bad_review_opens_the_contact_task(alice, bought, make_user, set_setting):
    set_setting("service.bad_review_contact_hours", 12)
    supervisor = make_user(roles=["cs_supervisor"], display_name="周敏")
    bought.deliver()
    line = bought.lines.order_by("pk")[1]
    with pytest.raises(UserError, match="请写下不满意的原因"):
        submit_review(actor=customer_actor(alice.customer), line=line, rating=2, body="")
    review = submit_review(actor=customer_actor(alice.customer), line=line, rating=2,
                           body="洗了一次就起球，和描述不符")
    assert review.is_bad
    task = Deadline.objects.get(rule="CS-6")
    assert (task.subject_type, task.subject_id, task.owner, task.action, task.state) == (
        "service.review", str(review.pk), supervisor, "escalate", "pending")
    assert task.title.startswith(f"{bought.number} 差评：联系客户")
    assert task.link == bought.get_absolute_url()
    assert abs((task.due_at - timezone.now()) - timedelta(hours=12)) < timedelta(minutes=1)
    note = Notification.objects.get(recipient=supervisor)
    assert note.title == f"差评：{bought.number} 2 星，请 12 小时内联系客户"
    assert "洗了一次就起球" in note.body
    assert Event.objects.filter(verb="review.bad_opened").exists()


def test_cs6_the_bad_review_threshold_is_a_setting(alice, bought, set_setting, make_user):
    make_user(roles=["cs_supervisor"])
    set_setting("service.bad_review_max_rating", 3)
    bought.deliver()
    review = submit_review(actor=customer_actor(alice.customer), line=bought.lines.first(),
                           rating=3, body="一般般")
    assert review.is_bad and Deadline.objects.filter(rule="CS-6").count() == 1


def test_cs6_bad_review_answered_by_service_shows_with_its_reply(alice, bought, make_user,
                                                                  shop_client):
    """The whole CS-6 loop: the customer's bad review opens the contact task; the agent's
    reply meets it and shows under the review on the product page; a hidden review does not."""
    from shopops.service.actions.review_replies import hide_review, reply_to_review

    agent = make_user(roles=["aftersale_cs"], display_name="郑丽")
    supervisor = make_user(roles=["cs_supervisor"], display_name="周敏")
    bought.deliver()
    dress_line, shirt_line = bought.lines.order_by("pk")
    actor = customer_actor(alice.customer)
    bad = submit_review(actor=actor, line=dress_line, rating=1, body="洗了一次就缩水")
    rude = submit_review(actor=actor, line=shirt_line, rating=1, body="垃圾垃圾垃圾")
    reply_to_review(actor=agent, review=bad, text="非常抱歉，已为您安排换货。")
    hide_review(actor=supervisor, review=rude, reason="辱骂用语")
    states = dict(Deadline.objects.filter(rule="CS-6").values_list("subject_id", "state"))
    assert states[str(bad.pk)] == "met"
    html = shop_client().get(f"/shop/p/{dress_line.sku.product_id}/").content.decode()
    assert "洗了一次就缩水" in html and "商家回复：非常抱歉，已为您安排换货。" in html
    assert "林**" in html and alice.customer.name not in html
    other = shop_client().get(f"/shop/p/{shirt_line.sku.product_id}/").content.decode()
    assert "垃圾" not in other and "还没有评价" in other

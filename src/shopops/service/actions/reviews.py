"""CS-6 from the customer's side: rating what they bought. A review is written per order
line, once, by the line's own customer, after delivery (已签收 or 交易完成). A bad one
(rating ≤ service.bad_review_max_rating) opens a task for customer service to contact the
customer within service.bad_review_contact_hours; replying to the review meets it (the
staff side of reviews)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.actions.deadlines import open_deadline
from shopops.core.actors import is_customer
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.orders.actions.deadlines import owner_for
from shopops.orders.models import Order, OrderLine

from ..models import Review

CS6 = "CS-6"
REVIEWABLE = {Order.State.DELIVERED, Order.State.COMPLETED}


def _rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise UserError("review_rating", "请为商品打 1 到 5 星。", "Rate from 1 to 5 stars.")
    return rating


@transaction.atomic
def submit_review(*, actor, line, rating, body) -> Review:
    """The customer (`actor`, a CustomerActor) reviews one line of their delivered order."""
    if not is_customer(actor):
        raise PermissionDeniedError("review_customer_only", "只有购买该商品的顾客可以评价。",
                                    "Only the buyer can review.")
    line = (OrderLine.objects.select_related("order", "sku__product")
            .select_for_update(of=("self",)).get(pk=line.pk))
    order = line.order
    if order.customer_id != actor.customer_id:
        raise PermissionDeniedError("review_not_own", "只能评价自己购买的商品。",
                                    "You can only review what you bought.")
    if order.state not in REVIEWABLE:
        raise UserError("review_not_delivered", "订单 {number} 签收后才能评价。",
                        "Order {number} can be reviewed after delivery.", number=order.number)
    rating = _rating(rating)
    body = (body or "").strip()
    if len(body) > 500:
        raise UserError("review_long", "评价内容最多 500 字。", "At most 500 characters.")
    is_bad = rating <= setting("service.bad_review_max_rating")
    if is_bad and not body:
        raise UserError("review_reason", "请写下不满意的原因，我们会尽快联系您处理。",
                        "Please tell us what went wrong.")
    already = ConflictError("review_once", "「{title}」已经评价过了。",
                            "'{title}' has already been reviewed.", title=line.title)
    if Review.objects.filter(line=line).exists():
        raise already
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order=order, line=line, product=line.sku.product, sku=line.sku,
                customer_id=actor.customer_id, rating=rating, body=body, is_bad=is_bad)
    except IntegrityError:  # the same line reviewed twice at once
        raise already from None
    record(actor=actor, verb="review.submitted", obj=order,
           summary=f"{order.number}「{line.title}」{rating} 星" + ("差评" if is_bad else "评价")
                   + (f"：{body[:60]}" if body else ""),
           data={"review": review.pk, "line": line.pk, "product": line.sku.product_id,
                 "rating": rating, "is_bad": is_bad})
    if is_bad:
        _contact_task(actor, review, order, line)
    return review


def _contact_task(actor, review, order, line):
    hours = setting("service.bad_review_contact_hours")
    owner = owner_for(order)
    deadline = open_deadline(
        actor=actor, subject=review, owner=owner, rule=CS6, action="escalate",
        due_at=timezone.now() + timedelta(hours=hours),
        title=f"{order.number} 差评：联系客户（{review.rating} 星「{line.title[:40]}」）",
        link=order.get_absolute_url())
    recipients = [owner] if owner is not None else users_with_roles(["cs_supervisor", "manager"])
    notify(recipients, title=f"差评：{order.number} {review.rating} 星，请 {hours} 小时内联系客户",
           body=f"顾客对「{line.title}」打了 {review.rating} 星：{review.body}",
           link=order.get_absolute_url(), category="review")
    record(actor=actor, verb="review.bad_opened", obj=order,
           summary=f"{order.number} 差评，{hours} 小时内联系客户"
                   + (f"（负责人 {owner.display_name}）" if owner is not None else ""),
           data={"review": review.pk, "deadline": deadline.pk,
                 "owner": owner.pk if owner is not None else None})

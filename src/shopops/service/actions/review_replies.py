"""Product reviews, the staff side (CS-6): customer service replies — the reply shows under
the review on the shop's product page — and replying to a bad review meets its "CS-6"
deadline (opened when the customer wrote it); a review can be hidden with a reason (and
shown again)."""

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.actions.deadlines import meet_deadline
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.states import transition

from ..models import Review

S = Review.State
ALLOWED = {S.PUBLISHED: {S.HIDDEN}, S.HIDDEN: {S.PUBLISHED}}
RULE = "CS-6"


def _label(review) -> str:
    return f"订单 {review.order.number} 的评价（{review.rating} 星）"


@transaction.atomic
def reply_to_review(*, actor, review, text) -> Review:
    require(actor, "service.manage_reviews")
    text = (text or "").strip()
    if not text:
        raise UserError("review_reply_empty", "请填写回复内容。", "Write the reply.")
    if len(text) > 500:
        raise UserError("review_reply_long", "回复不能超过 500 字。",
                        "The reply is longer than 500 characters.")
    review = Review.objects.select_for_update().select_related("order").get(pk=review.pk)
    before = review.reply
    review.reply, review.replied_by, review.replied_at = text, actor, timezone.now()
    review.save(update_fields=["reply", "replied_by", "replied_at"])
    met = meet_deadline(actor=actor, subject=review, rule=RULE) if review.is_bad else 0
    record(actor=actor, verb="review.replied", obj=review, object_repr=_label(review),
           summary=f"{'修改' if before else ''}回复{_label(review)}：{text[:60]}",
           changes={"reply": [before, text]} if before else {},
           data={"order": review.order_id, "bad": review.is_bad, "deadline_met": met})
    return review


@transaction.atomic
def hide_review(*, actor, review, reason) -> Review:
    require(actor, "service.manage_reviews")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("review_hide_reason", "请填写隐藏原因。", "Say why it is hidden.")
    transition(review, S.HIDDEN, ALLOWED, machine="商品评价", hidden_reason=reason[:200],
               hidden_by=actor, hidden_at=timezone.now())
    record(actor=actor, verb="review.hidden", obj=review, object_repr=_label(review),
           summary=f"隐藏{_label(review)}：{reason}", data={"reason": reason})
    return review


@transaction.atomic
def show_review(*, actor, review) -> Review:
    require(actor, "service.manage_reviews")
    transition(review, S.PUBLISHED, ALLOWED, machine="商品评价", hidden_reason="",
               hidden_by=None, hidden_at=None)
    record(actor=actor, verb="review.shown", obj=review, object_repr=_label(review),
           summary=f"恢复显示{_label(review)}")
    return review

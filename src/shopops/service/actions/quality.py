"""Quality inspection (CS-3): the system scores a closed conversation once; the supervisor
reviews the result and may override the score, with a comment (never their own)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.events import record
from shopops.core.notify import notify

from ..models import Conversation, QualityCheck
from ..quality import FULL_SCORE, evaluate


def _messages(conversation):
    cached = getattr(conversation, "_prefetched_objects_cache", {}).get("messages")
    return list(cached) if cached is not None else list(conversation.messages.order_by("at", "pk"))


def record_check(*, conversation, rescore=False, actor=None) -> QualityCheck:
    """Score a closed conversation (the sweep: the system, actor None; a supervisor asking
    for a rescore). One check per conversation: a second call returns the first check; two
    sweeps at once cannot both create one."""
    if conversation.state != Conversation.State.CLOSED:
        raise ConflictError("conversation_open", "会话尚未结束，结束后才会质检。",
                            "The conversation is still open; it is scored once closed.")
    existing = QualityCheck.objects.filter(conversation=conversation).first()
    if existing is not None and not (rescore and existing.state == QualityCheck.State.AUTO):
        return existing
    result = evaluate(conversation, _messages(conversation))
    values = {"agent_id": conversation.agent_id, "score": result.score,
              "findings": result.findings, "rule_codes": result.rule_codes,
              "first_response_seconds": result.first_response_seconds,
              "computed_at": timezone.now(),
              "closed_at": conversation.closed_at or conversation.last_message_at}
    try:
        with transaction.atomic():
            if existing is None:
                check = QualityCheck.objects.create(conversation=conversation, **values)
                verb, summary = "quality.scored", f"自动质检 {conversation.number}：{result.score} 分"
            else:
                # Only while still unreviewed: a review in between wins.
                if not QualityCheck.objects.filter(pk=existing.pk,
                                                   state=QualityCheck.State.AUTO).update(**values):
                    return QualityCheck.objects.get(pk=existing.pk)
                check = QualityCheck.objects.get(pk=existing.pk)
                verb, summary = ("quality.rescored",
                                 f"重新质检 {conversation.number}：{existing.score} → {result.score} 分")
            record(actor=actor, verb=verb, obj=check, summary=summary,
                   data={"conversation": conversation.pk, "score": result.score,
                         "rules": [f["rule"] for f in result.findings]})
    except IntegrityError:  # another sweep scored it a moment ago
        return QualityCheck.objects.get(conversation=conversation)
    return check


@transaction.atomic
def review_check(*, actor, check, comment="", final_score=None) -> QualityCheck:
    """The supervisor's review: confirm the automatic score, or override it (0–100) with a
    comment saying why. Nobody reviews their own conversations."""
    require(actor, "service.review_quality")
    check = QualityCheck.objects.select_for_update().select_related("conversation").get(pk=check.pk)
    if check.agent_id is not None and check.agent_id == actor.pk:
        raise PermissionDeniedError("own_quality_check", "不能复核自己接待的会话。",
                                    "You cannot review your own conversation.")
    comment = (comment or "").strip()
    if final_score in ("", None):
        final_score = None
    else:
        try:
            final_score = int(final_score)
        except (TypeError, ValueError):
            raise UserError("bad_score", "复核得分须为 0–100 的整数。",
                            "The score must be a whole number from 0 to 100.") from None
        if not 0 <= final_score <= FULL_SCORE:
            raise UserError("bad_score", "复核得分须为 0–100 的整数。",
                            "The score must be a whole number from 0 to 100.")
    overrides = final_score is not None and final_score != check.score
    if overrides and not comment:
        raise UserError("comment_required", "修改得分须填写复核意见。",
                        "Say why when you change the score.")
    before = check.effective_score
    check.state = QualityCheck.State.REVIEWED
    check.final_score = final_score if overrides else None
    check.review_comment = comment
    check.reviewed_by = actor
    check.reviewed_at = timezone.now()
    check.save(update_fields=["state", "final_score", "review_comment", "reviewed_by",
                              "reviewed_at"])
    after = check.effective_score
    summary = (f"复核质检 {check.conversation.number}：{before} → {after} 分" if before != after
               else f"复核质检 {check.conversation.number}：维持 {after} 分")
    record(actor=actor, verb="quality.reviewed", obj=check,
           summary=summary + (f"（{comment}）" if comment else ""),
           changes={"score": [before, after]} if before != after else {},
           data={"conversation": check.conversation_id, "comment": comment,
                 "auto_score": check.score, "final_score": after})
    if check.agent_id and before != after:
        notify([check.agent], title=f"质检复核：{check.conversation.number} 改为 {after} 分",
               body=comment, link=reverse("service:quality_detail", args=[check.pk]),
               category="quality")
    return check


def rescore(*, actor, check) -> QualityCheck:
    """Score an unreviewed check again (after the keyword settings changed)."""
    require(actor, "service.review_quality")
    if check.state != QualityCheck.State.AUTO:
        raise ConflictError("already_reviewed", "已复核的质检结果不再自动重评。",
                            "A reviewed result is not rescored.")
    return record_check(conversation=check.conversation, rescore=True, actor=actor)

"""Quality inspection (质检, CS-3): every closed conversation scored automatically against
the seeds' forbidden situations, then reviewed (and possibly overridden) by the supervisor."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QualityCheck(models.Model):
    class State(models.TextChoices):
        AUTO = "auto", _("自动评分")
        REVIEWED = "reviewed", _("主管已复核")

    conversation = models.OneToOneField("service.Conversation", verbose_name="会话",
                                        on_delete=models.CASCADE, related_name="quality")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="客服", null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    score = models.IntegerField("自动得分")
    # [{"rule": "no_greeting", "label": "没有开始语", "deduction": 10,
    #   "detail": "…", "message_ids": [12, 13]}]
    findings = models.JSONField("问题", default=list, blank=True)
    # The findings' rule codes, space-separated and space-framed (" no_greeting unanswered "),
    # so lists filter by rule with one portable LIKE on SQLite and PostgreSQL alike.
    rule_codes = models.CharField("问题类型", max_length=200, blank=True)
    first_response_seconds = models.PositiveIntegerField("首次响应（秒）", null=True,
                                                         blank=True)
    computed_at = models.DateTimeField("评分时间", default=timezone.now)
    # The conversation's end, copied here so per-agent days/weeks/months group on one
    # indexed table (qc_agent_closed_idx) without a join.
    closed_at = models.DateTimeField("会话结束时间", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.AUTO)
    final_score = models.IntegerField("复核得分", null=True, blank=True)
    review_comment = models.TextField("主管意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        verbose_name = "质检结果"
        verbose_name_plural = "质检结果"
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["agent", "computed_at"], name="qc_agent_at_idx"),
                   models.Index(fields=["agent", "closed_at"], name="qc_agent_closed_idx")]

    def __str__(self):
        return f"{self.conversation}: {self.effective_score}"

    @property
    def effective_score(self) -> int:
        return self.score if self.final_score is None else self.final_score

    def finding_for(self, message_id) -> list[dict]:
        """The findings that point at one message (the page marks it)."""
        return [f for f in self.findings if message_id in f.get("message_ids", [])]

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApprovalChain(models.Model):
    """Who proposes, approves (one or more steps) and executes one kind of proposal (APR-2).

    steps: [{"label": "部门经理审批", "roles": ["manager"]}, …] in order.
    executor_roles: empty → the proposal executes itself when the last step approves.
    """

    kind = models.CharField("申请类型", max_length=50, unique=True)
    proposer_roles = models.JSONField("可申请岗位", default=list, blank=True)
    steps = models.JSONField("审批步骤", default=list)
    executor_roles = models.JSONField("执行岗位", default=list, blank=True)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "审批流程"
        verbose_name_plural = "审批流程"

    def __str__(self):
        return self.kind

    def as_dict(self):
        return {
            "proposer_roles": list(self.proposer_roles),
            "steps": [dict(s) for s in self.steps],
            "executor_roles": list(self.executor_roles),
        }


class Proposal(models.Model):
    """A proposal (申请) going through its approval chain (APR-1)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准待执行")
        REJECTED = "rejected", _("已驳回")
        EXECUTED = "executed", _("已执行")
        WITHDRAWN = "withdrawn", _("已撤回")
    kind = models.CharField("申请类型", max_length=50)
    title = models.CharField("标题", max_length=200)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    payload = models.JSONField("内容", default=dict)
    reason = models.TextField("理由", blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    # Index into chain["steps"] of the step waiting for a decision.
    step_index = models.PositiveSmallIntegerField("当前步骤", default=0)
    # The chain as it was at submission: a later configuration change does not
    # re-route proposals already in flight.
    chain = models.JSONField("审批流程快照", default=dict)
    subject_type = models.CharField("对象类型", max_length=100, blank=True)
    subject_id = models.CharField("对象编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审批完成时间", null=True, blank=True)
    executed_at = models.DateTimeField("执行时间", null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.JSONField("执行结果", default=dict, blank=True)

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "kind"], name="proposal_queue_idx"),
            models.Index(fields=["proposer", "created_at"], name="proposal_mine_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="proposal_subject_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:proposal_detail", args=[self.pk])

    @property
    def current_step(self):
        steps = self.chain.get("steps", [])
        if self.state == self.State.PENDING and self.step_index < len(steps):
            return steps[self.step_index]
        return None


class ProposalAction(models.Model):
    """One thing done to a proposal: submitted, approved, rejected, commented, withdrawn, executed."""

    class Verb(models.TextChoices):
        SUBMIT = "submit", _("提交")
        APPROVE = "approve", _("批准")
        REJECT = "reject", _("驳回")
        COMMENT = "comment", _("评论")
        WITHDRAW = "withdraw", _("撤回")
        EXECUTE = "execute", _("执行")
    proposal = models.ForeignKey(
        Proposal, verbose_name="申请", on_delete=models.CASCADE, related_name="actions"
    )
    verb = models.CharField("动作", max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    step_index = models.PositiveSmallIntegerField("步骤", null=True, blank=True)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "审批记录"
        verbose_name_plural = "审批记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_verb_display()} #{self.proposal_id}"

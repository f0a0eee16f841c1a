"""Conversations with customers (CS-1, CS-2, CS-8): the shop's live chat and conversations
logged by hand or imported from platforms and the phone; quick replies, the script library
(话术) and shift handovers.

Messages are their own append-only record (like the stock ledger's moves): a message is
never edited or deleted, and its row says who wrote it and when. The conversation's
lifecycle (opened, taken, transferred, handed over, closed) is recorded in the event log.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    class Source(models.TextChoices):
        SHOP = "shop", _("官网在线客服")
        TAOBAO = "taobao", _("淘宝/天猫旺旺")
        JD = "jd", _("京东咚咚")
        PHONE = "phone", _("电话")
        OTHER = "other", _("其他")

    class Stage(models.TextChoices):
        PRESALE = "presale", _("售前")
        INSALE = "insale", _("售中")
        AFTERSALE = "aftersale", _("售后")

    class State(models.TextChoices):
        WAITING = "waiting", _("等待接入")
        ACTIVE = "active", _("接待中")
        CLOSED = "closed", _("已结束")

    number = models.CharField("会话号", max_length=30, unique=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices,
                              default=Source.SHOP)
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices,
                             default=Stage.PRESALE)
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.WAITING, db_index=True)
    customer = models.ForeignKey("service.Customer", verbose_name="客户", null=True,
                                 blank=True, on_delete=models.PROTECT,
                                 related_name="conversations")
    # An anonymous shop visitor is known by a random key kept in their session until they
    # sign in (then `customer` is set too).
    visitor_key = models.CharField("访客标识", max_length=64, blank=True, db_index=True)
    visitor_name = models.CharField("访客称呼", max_length=60, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name="相关订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="conversations")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接待客服", null=True,
                              blank=True, on_delete=models.PROTECT,
                              related_name="conversations")
    subject = models.CharField("主题", max_length=200, blank=True)
    started_at = models.DateTimeField("开始时间", default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField("首次回复时间", null=True, blank=True)
    last_message_at = models.DateTimeField("最后消息时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结束人", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.TextField("处理结果/客户反馈", blank=True)
    # chat: who spoke last (the queue shows conversations waiting for the agent's answer)
    # and an off-hours message (留言) with the contact the visitor left for a call back.
    last_sender = models.CharField("最后发言方", max_length=10, blank=True)
    left_message = models.BooleanField("离线留言", default=False)
    contact = models.CharField("联系方式", max_length=60, blank=True)
    # Logged by hand (phone, platform) or imported: who entered it, and the platform's own
    # id so that an import never doubles a conversation.
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    external_id = models.CharField(  # noqa: DJ001 (NULL: no platform id, no uniqueness)
        "平台会话号", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "会话"
        verbose_name_plural = "会话"
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"],
                                               name="conversation_external_unique")]
        indexes = [models.Index(fields=["state", "agent"], name="conv_state_agent_idx"),
                   models.Index(fields=["agent", "started_at"], name="conv_agent_started_idx"),
                   # chat: the waiting queue, oldest first
                   models.Index(fields=["state", "started_at"], name="conv_state_started_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("service:conversation_detail", args=[self.pk])


class Message(models.Model):
    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("客户")
        AGENT = "agent", _("客服")
        SYSTEM = "system", _("系统")

    conversation = models.ForeignKey(Conversation, verbose_name="会话",
                                     on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField("发送方", max_length=10, choices=Sender.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="客服", null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("内容")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["conversation", "at"], name="message_conv_at_idx")]

    def __str__(self):
        return f"{self.conversation_id} {self.get_sender_display()}: {self.body[:30]}"


class QuickReply(models.Model):
    """快捷回复: an agent's own (owner set) or shared by the team (owner empty)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="所属客服", null=True,
                              blank=True, on_delete=models.CASCADE, related_name="quick_replies")
    title = models.CharField("名称", max_length=40)
    body = models.TextField("内容")
    sort_order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "快捷回复"
        verbose_name_plural = "快捷回复"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title


class Script(models.Model):
    """话术库: the maintained wording for each step of the service flow (CS-2)."""

    class Step(models.TextChoices):
        GREETING = "greeting", _("开场问候")
        PROMOTION = "promotion", _("当前促销")
        PRODUCT = "product", _("商品介绍")
        CONFIRM = "confirm", _("订单确认")
        FAVOURITE = "favourite", _("邀请收藏")
        NOTICE = "notice", _("注意事项提醒")
        AFTERSALE = "aftersale", _("售后处理")
        CLOSING = "closing", _("结束语")

    step = models.CharField("环节", max_length=12, choices=Step.choices)
    title = models.CharField("标题", max_length=60)
    body = models.TextField("话术")
    sort_order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="维护人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "话术"
        verbose_name_plural = "话术库"
        ordering = ["step", "sort_order", "pk"]

    def __str__(self):
        return f"{self.get_step_display()}：{self.title}"


class ShiftHandover(models.Model):
    """交接班 (CS-8): the open conversations an agent passes to the next shift, each with
    the proposed solution."""

    from_agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交班人",
                                   on_delete=models.PROTECT, related_name="+")
    to_agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接班人",
                                 on_delete=models.PROTECT, related_name="+")
    note = models.TextField("交接说明", blank=True)
    created_at = models.DateTimeField("交班时间", default=timezone.now)
    accepted_at = models.DateTimeField("接班确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "交接班"
        verbose_name_plural = "交接班"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_agent} → {self.to_agent} {self.created_at:%Y-%m-%d %H:%M}"


class HandoverItem(models.Model):
    handover = models.ForeignKey(ShiftHandover, verbose_name="交接班", on_delete=models.CASCADE,
                                 related_name="items")
    conversation = models.ForeignKey(Conversation, verbose_name="会话",
                                     on_delete=models.PROTECT, related_name="handover_items")
    proposed_solution = models.TextField("建议处理方案")
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "交接事项"
        verbose_name_plural = "交接事项"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.conversation}: {self.proposed_solution[:30]}"


class ConversationImport(models.Model):
    """A platform chat export (旺旺, 京东咚咚) uploaded for import: the preview with every bad
    row, applied all or nothing (service.actions.chat_log)."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")

    source = models.CharField("来源", max_length=10, choices=Conversation.Source.choices)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.PREVIEW)
    # [{"external_id", "rows": [..], "customer": {...}, "messages": [...], ...}]
    plan = models.JSONField("导入计划", default=list, blank=True)
    # [{"row": 3, "external_id": "…", "message": "…", "message_en": "…"}]
    problems = models.JSONField("问题行", default=list, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "会话导入"
        verbose_name_plural = "会话导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_source_display()} {self.original_name}"

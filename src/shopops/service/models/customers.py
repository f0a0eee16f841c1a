"""Customer records (客户档案, CS-4), tags and segments, follow-up visits (回访), bad-customer
reports (劣质客户, CS-5) and the log of revealed personal data (ROLE-6)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..privacy import mask_name


class CustomerTag(models.Model):
    name = models.CharField("标签", max_length=30, unique=True)
    colour = models.CharField("颜色", max_length=20, blank=True, default="#4a6fa5")
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "客户标签"
        verbose_name_plural = "客户标签"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Customer(models.Model):
    """A buyer: a shop account holder, a platform buyer or a caller. Orders point here
    (orders.Order.customer) when the customer is known."""

    class Flag(models.TextChoices):
        NONE = "", _("正常")
        PROPOSED = "proposed", _("劣质客户待确认")
        CONFIRMED = "confirmed", _("劣质客户")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("未知")
        FEMALE = "f", _("女")
        MALE = "m", _("男")

    number = models.CharField("客户编号", max_length=30, unique=True)
    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机", max_length=30, blank=True, db_index=True)
    email = models.EmailField("邮箱", blank=True)
    nick = models.CharField("昵称/平台账号", max_length=60, blank=True, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birthday = models.DateField("生日", null=True, blank=True)
    source = models.ForeignKey("catalog.Channel", verbose_name="来源渠道", null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = models.ManyToManyField(CustomerTag, verbose_name="标签", blank=True,
                                  related_name="customers")
    note = models.TextField("备注", blank=True)
    flag = models.CharField("客户标记", max_length=10, choices=Flag.choices, blank=True,
                            db_index=True)
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "客户"
        verbose_name_plural = "客户档案"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        # Masked (ROLE-6): whatever prints a customer without the privacy tags — event
        # log entries, the reveal log, a select box — shows 陈*（KH…）, never the full name.
        return f"{mask_name(self.name)}（{self.number}）"

    def get_absolute_url(self):
        return reverse("service:customer_detail", args=[self.pk])


class CustomerAddress(models.Model):
    """The shop's address book (收货地址) and addresses learned from orders."""

    customer = models.ForeignKey(Customer, verbose_name="客户", on_delete=models.CASCADE,
                                 related_name="addresses")
    recipient = models.CharField("收货人", max_length=60)
    phone = models.CharField("联系电话", max_length=30)
    province = models.CharField("省", max_length=30)
    city = models.CharField("市", max_length=30)
    district = models.CharField("区/县", max_length=30, blank=True)
    detail = models.CharField("详细地址", max_length=200)
    is_default = models.BooleanField("默认地址", default=False)
    created_at = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "收货地址"
        verbose_name_plural = "收货地址"
        ordering = ["-is_default", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.recipient} {self.full_address}"

    @property
    def full_address(self):
        return " ".join(p for p in (self.province, self.city, self.district, self.detail) if p)


class Segment(models.Model):
    """A saved customer selection for targeted work (会员营销, MKT-4): rules evaluated
    against the customer records when the segment is opened or exported."""

    name = models.CharField("分群名称", max_length=60, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    # {"tags": [1, 2], "min_orders": 2, "min_spent_fen": 50000, "last_order_days": 90,
    #  "province": "浙江", "flag": ""}
    rules = models.JSONField("条件", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "客户分群"
        verbose_name_plural = "客户分群"
        ordering = ["name"]

    def __str__(self):
        return self.name


class FollowUp(models.Model):
    """A follow-up visit (回访): scheduled for an owner with a due time, then logged."""

    class State(models.TextChoices):
        PLANNED = "planned", _("待回访")
        DONE = "done", _("已回访")
        CANCELLED = "cancelled", _("已取消")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        SATISFIED = "satisfied", _("满意")
        NEUTRAL = "neutral", _("一般")
        UNSATISFIED = "unsatisfied", _("不满意")
        UNREACHABLE = "unreachable", _("未联系上")

    customer = models.ForeignKey(Customer, verbose_name="客户", on_delete=models.CASCADE,
                                 related_name="follow_ups")
    order = models.ForeignKey("orders.Order", verbose_name="订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField("回访事项", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", null=True,
                              on_delete=models.SET_NULL, related_name="follow_ups")
    due_at = models.DateTimeField("计划时间")
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.PLANNED, db_index=True)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True)
    result = models.TextField("回访记录", blank=True)
    done_at = models.DateTimeField("回访时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执行人", null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("安排时间", default=timezone.now)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.customer} {self.purpose}"


class BadCustomerReport(models.Model):
    """劣质客户 (CS-5): flagged by an agent with evidence, confirmed or rejected by the
    CS supervisor; the customer's flag follows the decision."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待主管确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    customer = models.ForeignKey(Customer, verbose_name="客户", on_delete=models.CASCADE,
                                 related_name="bad_reports")
    reason = models.CharField("原因", max_length=200)
    evidence = models.TextField("证据/经过", blank=True)
    conversation = models.ForeignKey("service.Conversation", verbose_name="相关会话",
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    order = models.ForeignKey("orders.Order", verbose_name="相关订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人",
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("上报时间", default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_comment = models.CharField("主管意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "劣质客户上报"
        verbose_name_plural = "劣质客户上报"
        ordering = ["-proposed_at", "-pk"]

    def __str__(self):
        return f"{self.customer}：{self.reason}"


class PiiReveal(models.Model):
    """Every time someone revealed a buyer's full name, phone or address (ROLE-6).
    Append-only; the event log says the same, this table answers "who saw whose data"."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人",
                               on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.viewer} → {self.object_repr}"

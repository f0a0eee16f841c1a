"""Product reviews (CS-6): written by the customer per order line after delivery, shown
on the product page, replied to by customer service; a bad one opens a task to contact
the customer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    class State(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        HIDDEN = "hidden", _("已隐藏")

    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.PROTECT,
                              related_name="reviews")
    line = models.OneToOneField("orders.OrderLine", verbose_name="订单行", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="review")
    product = models.ForeignKey("catalog.Product", verbose_name="商品",
                                on_delete=models.PROTECT, related_name="reviews")
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("service.Customer", verbose_name="客户", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="reviews")
    rating = models.PositiveSmallIntegerField("评分")
    body = models.TextField("评价内容", blank=True)
    is_bad = models.BooleanField("差评", default=False, db_index=True)
    state = models.CharField("状态", max_length=10, choices=State.choices,
                             default=State.PUBLISHED)
    created_at = models.DateTimeField("评价时间", default=timezone.now, db_index=True)
    reply = models.TextField("商家回复", blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    hidden_reason = models.CharField("隐藏原因", max_length=200, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="隐藏人", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden_at = models.DateTimeField("隐藏时间", null=True, blank=True)

    class Meta:
        verbose_name = "商品评价"
        verbose_name_plural = "商品评价"
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5),
                                              name="review_rating_1_5")]
        indexes = [models.Index(fields=["product", "state", "-created_at"],
                                name="review_product_idx")]

    def __str__(self):
        return f"{self.order_id} {self.rating}★"

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ATTRIBUTE_ORDER = ("颜色", "尺码", "规格")


def ordered_attributes(attributes) -> list[tuple[str, str]]:
    """Colour, size, spec first, then the rest by name. PostgreSQL's jsonb does not keep the
    order keys were written in, so every display puts them in this one order."""
    def rank(key):
        return (ATTRIBUTE_ORDER.index(key) if key in ATTRIBUTE_ORDER else len(ATTRIBUTE_ORDER), key)

    return [(k, (attributes or {})[k]) for k in sorted(attributes or {}, key=rank)]


class Category(models.Model):
    """A node of the category tree (类目)."""

    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey("self", verbose_name="上级类目", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort_order = models.PositiveIntegerField("排序", default=100)
    # "/1/4/9/": ancestors and itself, so a subtree is one indexed LIKE query.
    path = models.CharField("路径", max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = "类目"
        verbose_name_plural = "类目"
        ordering = ["path", "sort_order"]

    def __str__(self):
        return self.name


class Brand(models.Model):
    name = models.CharField("品牌", max_length=80, unique=True)
    name_en = models.CharField("英文名", max_length=80, blank=True)
    supplier = models.ForeignKey("purchasing.Supplier", verbose_name="品牌商", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="brands")

    class Meta:
        verbose_name = "品牌"
        verbose_name_plural = "品牌"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Channel(models.Model):
    """A selling channel: the B2C site, a platform store, or a physical branch (CAT-8)."""

    class Kind(models.TextChoices):
        B2C = "b2c", "官网商城"
        TAOBAO = "taobao", _("淘宝/天猫")
        JD = "jd", _("京东")
        OTHER = "other", _("其他平台")
        BRANCH = "branch", _("实体分店")
    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "销售渠道"
        verbose_name_plural = "销售渠道"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """A product (款, SPU) with its SKUs (CAT-1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("在售商品")
        DISCONTINUED = "discontinued", _("已停产")
    code = models.CharField("款号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)
    selling_points = models.TextField("卖点", blank=True)
    description = models.TextField("详情描述", blank=True)
    category = models.ForeignKey(Category, verbose_name="类目", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, verbose_name="品牌", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="products")
    supplier = models.ForeignKey("purchasing.Supplier", verbose_name="供应商/品牌商", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="products")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Text the search matches against: title, codes, barcodes, brand, category, segmented
    # Chinese words — rebuilt by the catalog actions whenever these change.
    search_text = models.TextField("检索文本", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "商品"
        verbose_name_plural = "商品"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "category"], name="product_status_cat_idx")]

    def __str__(self):
        return f"{self.title}（{self.code}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("catalog:product_detail", args=[self.pk])


class Sku(models.Model):
    """A sellable variant: its own code, barcode, attributes, weight, cost and base price."""

    product = models.ForeignKey(Product, verbose_name="商品", on_delete=models.CASCADE,
                                related_name="skus")
    code = models.CharField("商家编码", max_length=60, unique=True)
    barcode = models.CharField("条码", max_length=40, unique=True)
    # {"颜色": "藏青", "尺码": "L"}
    attributes = models.JSONField("规格", default=dict, blank=True)
    weight_g = models.PositiveIntegerField("重量（克）", default=0)
    cost_fen = models.PositiveBigIntegerField("成本（分）", default=0)
    price_fen = models.PositiveBigIntegerField("基准售价（分）", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "SKU"
        verbose_name_plural = "SKU"
        ordering = ["product_id", "code"]

    def __str__(self):
        spec = " ".join(str(v) for _, v in ordered_attributes(self.attributes))
        return f"{self.code} {spec}".strip()

    @property
    def spec_label(self):
        return " / ".join(f"{k}:{v}" for k, v in ordered_attributes(self.attributes))


class Listing(models.Model):
    """A product's presence in one channel (上架/下架, CAT-2, CAT-3)."""

    class State(models.TextChoices):
        UNLISTED = "unlisted", _("未上架")
        LISTED = "listed", _("已上架")
        DELISTED = "delisted", _("已下架")
    class DelistReason(models.TextChoices):
        STOCK_ZERO = "stock_zero", _("库存为零自动下架")
        APPROVED = "approved", _("审批下架")
    product = models.ForeignKey(Product, verbose_name="商品", on_delete=models.CASCADE,
                                related_name="listings")
    channel = models.ForeignKey(Channel, verbose_name="渠道", on_delete=models.PROTECT,
                                related_name="listings")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.UNLISTED)
    delist_reason = models.CharField("下架原因", max_length=20, choices=DelistReason.choices,
                                     blank=True)
    listed_at = models.DateTimeField("上架时间", null=True, blank=True)
    delisted_at = models.DateTimeField("下架时间", null=True, blank=True)

    class Meta:
        verbose_name = "渠道上架"
        verbose_name_plural = "渠道上架"
        constraints = [models.UniqueConstraint(fields=["product", "channel"],
                                               name="one_listing_per_channel")]

    def __str__(self):
        return f"{self.product} @ {self.channel}: {self.get_state_display()}"


class ChannelPrice(models.Model):
    """The current selling price of a SKU in a channel (CAT-4, CAT-8)."""

    sku = models.ForeignKey(Sku, verbose_name="SKU", on_delete=models.CASCADE,
                            related_name="channel_prices")
    channel = models.ForeignKey(Channel, verbose_name="渠道", on_delete=models.PROTECT,
                                related_name="prices")
    price_fen = models.PositiveBigIntegerField("售价（分）")
    updated_at = models.DateTimeField("生效时间", default=timezone.now)

    class Meta:
        verbose_name = "渠道价格"
        verbose_name_plural = "渠道价格"
        constraints = [models.UniqueConstraint(fields=["sku", "channel"],
                                               name="one_price_per_channel")]

    def __str__(self):
        return f"{self.sku} @ {self.channel}: {self.price_fen}"


class PriceChange(models.Model):
    """Price history: every change with who, when, why (CAT-4). Append-only."""

    sku = models.ForeignKey(Sku, verbose_name="SKU", on_delete=models.CASCADE,
                            related_name="price_changes")
    channel = models.ForeignKey(Channel, verbose_name="渠道", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    old_fen = models.PositiveBigIntegerField("原价（分）", null=True, blank=True)
    new_fen = models.PositiveBigIntegerField("新价（分）")
    reason = models.TextField("原因", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执行人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    proposal = models.ForeignKey("core.Proposal", verbose_name="申请", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "调价记录"
        verbose_name_plural = "调价记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["sku", "at"], name="pricechange_sku_idx")]

    def __str__(self):
        return f"{self.sku}: {self.old_fen} → {self.new_fen}"


class CompetitorPrice(models.Model):
    """A competitor's price observed for one of our products (CAT-4, ANA-6)."""

    product = models.ForeignKey(Product, verbose_name="商品", on_delete=models.CASCADE,
                                related_name="competitor_prices")
    competitor = models.CharField("竞争对手/店铺", max_length=100)
    url = models.CharField("链接", max_length=300, blank=True)
    price_fen = models.PositiveBigIntegerField("价格（分）")
    note = models.CharField("备注（活动等）", max_length=200, blank=True)
    observed_at = models.DateTimeField("记录时间", default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "竞品价格"
        verbose_name_plural = "竞品价格"
        ordering = ["-observed_at", "-id"]

    def __str__(self):
        return f"{self.competitor}: {self.price_fen}"


class Media(models.Model):
    """An image, video or document of a product (CAT-7 limits apply at upload)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        VIDEO = "video", _("视频")
        DOCUMENT = "document", _("文档")
    product = models.ForeignKey(Product, verbose_name="商品", on_delete=models.CASCADE,
                                related_name="media")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    file = models.FileField("文件", upload_to="products/%Y/%m/")
    thumbnail = models.FileField("缩略图", upload_to="products/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size_bytes = models.PositiveBigIntegerField("大小（字节）")
    sort_order = models.PositiveIntegerField("排序", default=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "商品素材"
        verbose_name_plural = "商品素材"
        ordering = ["product_id", "kind", "sort_order", "id"]

    def __str__(self):
        return self.original_name


class ShelfSlot(models.Model):
    """Shelf plan (货架展示规划, CAT-6): which product a shop page features, in what
    position, from when to when."""

    class Page(models.TextChoices):
        HOME = "home", _("首页")
        CATEGORY = "category", _("类目页")
    page = models.CharField("页面", max_length=20, choices=Page.choices, default=Page.HOME)
    category = models.ForeignKey(Category, verbose_name="类目", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="shelf_slots")
    section = models.CharField("栏目", max_length=40, default="主推")
    product = models.ForeignKey(Product, verbose_name="商品", on_delete=models.CASCADE,
                                related_name="shelf_slots")
    position = models.PositiveIntegerField("位置", default=1)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="规划人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "货架位"
        verbose_name_plural = "货架展示规划"
        ordering = ["page", "category_id", "section", "position", "starts_at"]
        indexes = [models.Index(fields=["page", "starts_at", "ends_at"], name="shelf_live_idx")]

    def __str__(self):
        return f"{self.get_page_display()} {self.section} #{self.position}: {self.product}"


class Submission(models.Model):
    """Product information sent in by a branch or brand merchant, held for review (CAT-5)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回（要求重新采集）")
    source = models.ForeignKey("purchasing.Supplier", verbose_name="来源商家", null=True,
                               blank=True, on_delete=models.PROTECT, related_name="submissions")
    source_channel = models.ForeignKey(Channel, verbose_name="来源分店", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # {"code","title","selling_points","description","category","brand",
    #  "skus":[{"code","barcode","attributes","price_fen","cost_fen","weight_g"}]}
    payload = models.JSONField("商品信息")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    reasons = models.TextField("退回原因", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey(Product, verbose_name="生成商品", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "商品信息报送"
        verbose_name_plural = "商品信息审核"
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.payload.get('title', '')}（{self.get_state_display()}）"


class ImportJob(models.Model):
    """A bulk import (CAT-9): parsed and previewed first, applied all-or-nothing."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("商品与SKU")
        PRICES = "prices", _("价格")
        STOCK = "stock", _("库存")
    class State(models.TextChoices):
        PARSING = "parsing", _("解析中")
        PREVIEW = "preview", _("待确认")
        INVALID = "invalid", _("有错误")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PARSING)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已处理", default=0)
    # [{"row": 7, "column": "条码", "message": "条码重复"}]
    errors = models.JSONField("错误", default=list, blank=True)
    summary = models.JSONField("结果", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

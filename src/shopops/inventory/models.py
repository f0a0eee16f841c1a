from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Warehouse(models.Model):
    """A warehouse or a branch store holding stock (INV-1, INV-4)."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("仓库")
        STORE = "store", _("门店")
    code = models.SlugField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.WAREHOUSE)
    address = models.CharField("地址", max_length=200, blank=True)
    # Whether its stock counts as sellable online (CAT-3 auto delisting reads this).
    sellable = models.BooleanField("计入可售库存", default=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "仓库"
        verbose_name_plural = "仓库"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Location(models.Model):
    """A storage location (库位), e.g. A-01-03. `walk_order` sorts a pick walk."""

    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT,
                                  related_name="locations")
    code = models.CharField("库位", max_length=30)
    walk_order = models.PositiveIntegerField("拣货顺序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "库位"
        verbose_name_plural = "库位"
        ordering = ["warehouse_id", "walk_order", "code"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"],
                                               name="location_code_per_warehouse")]

    def __str__(self):
        return f"{self.warehouse.code}:{self.code}"


class Stock(models.Model):
    """On hand and reserved of one SKU in one warehouse — the running totals of the ledger.

    Never written except by inventory.ledger in the same transaction as the ledger rows it
    sums; the CHECK constraints make overselling impossible even for a buggy caller."""

    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT,
                                  related_name="stocks")
    on_hand = models.IntegerField("实物库存", default=0)
    reserved = models.IntegerField("已占用", default=0)
    safety_stock = models.PositiveIntegerField("安全库存", default=0)
    # Who hears about low stock (INV-5); empty → the warehouse supervisors.
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="负责人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    low_alerted = models.BooleanField("已发低库存提醒", default=False)

    class Meta:
        verbose_name = "库存"
        verbose_name_plural = "库存"
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="one_stock_per_warehouse"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")),
                                   name="stock_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.sku} @ {self.warehouse}: {self.on_hand}/{self.reserved}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class BinStock(models.Model):
    """How many units of a SKU sit in one location (for pick walks and stocktakes)."""

    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="bins")
    location = models.ForeignKey(Location, verbose_name="库位", on_delete=models.PROTECT,
                                 related_name="bins")
    quantity = models.IntegerField("数量", default=0)

    class Meta:
        verbose_name = "库位库存"
        verbose_name_plural = "库位库存"
        constraints = [
            models.UniqueConstraint(fields=["sku", "location"], name="one_bin_per_location"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="bin_not_negative"),
        ]

    def __str__(self):
        return f"{self.sku} @ {self.location}: {self.quantity}"


class Move(models.Model):
    """One line of the append-only stock ledger (INV-1). on_hand and reserved of Stock are
    the sums of these deltas per (sku, warehouse)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("入库")
        SHIPMENT = "shipment", _("出库")
        RESERVE = "reserve", _("占用")
        RELEASE = "release", _("释放占用")
        TRANSFER_OUT = "transfer_out", _("调拨出库")
        TRANSFER_IN = "transfer_in", _("调拨入库")
        ADJUST = "adjust", _("盘点调整")
        RETURN = "return", _("退货入库")
    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="moves")
    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT,
                                  related_name="moves")
    location = models.ForeignKey(Location, verbose_name="库位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="moves")
    on_hand_delta = models.IntegerField("实物变动", default=0)
    reserved_delta = models.IntegerField("占用变动", default=0)
    # What caused it: "inventory.document:12", "orders.order:881", "inventory.reservation:5".
    reference = models.CharField("单据", max_length=80, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经手人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    # The other side of the handover (FUL-3 signed record), when there is one.
    counterpart = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交接人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "库存流水"
        verbose_name_plural = "库存流水"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["sku", "warehouse", "at"], name="move_sku_idx"),
            models.Index(fields=["reference"], name="move_reference_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sku} {self.on_hand_delta:+}/{self.reserved_delta:+}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("库存流水只能追加 / the stock ledger is append-only")
        super().save(*args, **kwargs)


class Reservation(models.Model):
    """Stock held for one order line (INV-2). Released when the order is cancelled or
    expires unpaid; consumed when the goods ship."""

    class State(models.TextChoices):
        ACTIVE = "active", _("占用中")
        RELEASED = "released", _("已释放")
        CONSUMED = "consumed", _("已出库")
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT,
                                  related_name="reservations")
    quantity = models.PositiveIntegerField("数量")
    reference = models.CharField("订单行", max_length=80)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "库存占用"
        verbose_name_plural = "库存占用"
        indexes = [models.Index(fields=["reference"], name="reservation_ref_idx"),
                   models.Index(fields=["state", "expires_at"], name="reservation_expiry_idx")]

    def __str__(self):
        return f"{self.reference}: {self.sku} × {self.quantity}"


class Document(models.Model):
    """A stock document: receipt, transfer, stocktake or adjustment (INV-3, INV-4). Goods
    move only when both people of the handover have signed (FUL-3)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("入库单")
        TRANSFER = "transfer", _("调拨单")
        STOCKTAKE = "stocktake", _("盘点单")
        ISSUE = "issue", _("出库单")
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNING = "signing", _("待交接签字")
        POSTED = "posted", _("已过账")
        COUNTING = "counting", _("盘点中")
        PROPOSED = "proposed", _("差异待审批")
        CANCELLED = "cancelled", _("已作废")
    number = models.CharField("单号", max_length=30, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT,
                                  related_name="documents")
    to_warehouse = models.ForeignKey(Warehouse, verbose_name="调入仓库", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="incoming_documents")
    supplier = models.ForeignKey("purchasing.Supplier", verbose_name="供应商", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制单人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("制单时间", default=timezone.now)
    # The two sides of the handover: who hands over, who receives (FUL-3).
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交出人", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    handed_signed_at = models.DateTimeField("交出签字时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    received_signed_at = models.DateTimeField("接收签字时间", null=True, blank=True)
    posted_at = models.DateTimeField("过账时间", null=True, blank=True)
    proposal = models.ForeignKey("core.Proposal", verbose_name="调整申请", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "库存单据"
        verbose_name_plural = "库存单据"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("inventory:document_detail", args=[self.pk])


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, verbose_name="单据", on_delete=models.CASCADE,
                                 related_name="lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="+")
    location = models.ForeignKey(Location, verbose_name="库位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, verbose_name="调入库位", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField("数量", default=0)
    # Stocktake: what the system said when counting started, and what was counted.
    expected = models.IntegerField("账面数量", null=True, blank=True)
    counted = models.IntegerField("实盘数量", null=True, blank=True)

    class Meta:
        verbose_name = "单据明细"
        verbose_name_plural = "单据明细"
        ordering = ["document_id", "id"]

    def __str__(self):
        return f"{self.sku} × {self.quantity}"

    @property
    def difference(self):
        if self.counted is None or self.expected is None:
            return None
        return self.counted - self.expected

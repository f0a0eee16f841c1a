from django.db import models
from django.utils.translation import gettext_lazy as _


class Supplier(models.Model):
    """A supplier, brand merchant (品牌商) or consignment merchant (联营商家) (CAT-1, PUR-1).

    Purchase orders, samples and contract terms (PUR-*) will hang off this."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("供应商")
        BRAND = "brand", _("品牌商")
        CONSIGNMENT = "consignment", _("联营商家")
    code = models.CharField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.SUPPLIER)
    contact = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    terms = models.TextField("合作条款", blank=True)
    active = models.BooleanField("合作中", default=True)

    class Meta:
        verbose_name = "供应商"
        verbose_name_plural = "供应商"
        ordering = ["code"]

    def __str__(self):
        return self.name

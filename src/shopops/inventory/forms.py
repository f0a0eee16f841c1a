"""Input forms of the inventory pages: shape only. The rules live in the actions."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.accounts.models import User
from shopops.catalog.models import Sku
from shopops.core.errors import UserError
from shopops.purchasing.models import Supplier

from .models import Document, Location, Warehouse

PICK = _("—— 请选择 ——")
SPLIT = re.compile(r"[\s,，;；]+")


def people():
    return User.objects.filter(is_active=True).order_by("username")


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=20, help_text=_("小写字母、数字、- 或 _，如 hz-main"))
    name = forms.CharField(label=_("名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=Warehouse.Kind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    sellable = forms.BooleanField(label=_("计入可售库存（线上可卖）"), required=False, initial=True)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class LocationForm(forms.Form):
    code = forms.CharField(label=_("库位编码"), max_length=30, required=False,
                           help_text=_("如 A-01-03"))
    walk_order = forms.IntegerField(label=_("拣货顺序"), required=False, min_value=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class LocationRangeForm(forms.Form):
    first = forms.CharField(label=_("起始库位"), max_length=30, help_text=_("如 A-01-01"))
    last = forms.CharField(label=_("结束库位"), max_length=30, help_text=_("如 A-03-10"))


class DocumentForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("仓库"), queryset=Warehouse.objects.filter(active=True),
                                       empty_label=PICK)
    to_warehouse = forms.ModelChoiceField(label=_("调入仓库/门店"), required=False, empty_label=PICK,
                                          queryset=Warehouse.objects.filter(active=True))
    supplier = forms.ModelChoiceField(label=_("供应商/品牌商"), required=False, empty_label=PICK,
                                      queryset=Supplier.objects.filter(active=True))
    handed_by = forms.ModelChoiceField(label=_("交出人"), queryset=people(), empty_label=PICK)
    received_by = forms.ModelChoiceField(label=_("接收人"), queryset=people(), empty_label=PICK)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lines = forms.CharField(
        label=_("明细"), widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("每行一个商品：商家编码或条码、数量、库位（有库位的仓库必填）、调入库位（调拨时），用空格或逗号分隔。"))

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != Document.Kind.TRANSFER:
            del self.fields["to_warehouse"]
        if kind != Document.Kind.RECEIPT:
            del self.fields["supplier"]
        if kind == Document.Kind.ISSUE:
            self.fields["note"].label = _("出库原因（样品、报损等）")


def parse_lines(text: str, *, warehouse, to_warehouse=None) -> list[dict]:
    """The lines box → [{"sku", "quantity", "location", "to_location"}] with two queries
    for SKUs and locations whatever the number of lines. Unknown codes name their line."""
    rows = [(n, SPLIT.split(raw.strip())) for n, raw in enumerate(text.splitlines(), start=1)
            if raw.strip()]
    codes = {parts[0] for _, parts in rows}
    skus = {}
    for sku in Sku.objects.filter(code__in=codes) | Sku.objects.filter(barcode__in=codes):
        skus[sku.code] = skus[sku.barcode] = sku
    wanted = {p.upper() for _, parts in rows for p in parts[2:4]}
    locs = {(loc.warehouse_id, loc.code): loc for loc in Location.objects.filter(code__in=wanted)}
    out = []
    for n, parts in rows:
        sku = skus.get(parts[0])
        if sku is None:
            raise UserError("unknown_sku", "第 {row} 行：找不到商品 {value}（商家编码或条码）。",
                            "Line {row}: no SKU with code or barcode {value}.", row=n,
                            value=parts[0])
        line = {"sku": sku, "quantity": parts[1] if len(parts) > 1 else None,
                "location": None, "to_location": None}
        for key, index, where in (("location", 2, warehouse), ("to_location", 3, to_warehouse)):
            if len(parts) > index and parts[index] != "-" and where is not None:
                loc = locs.get((where.pk, parts[index].upper()))
                if loc is None:
                    raise UserError("unknown_location", "第 {row} 行：{warehouse} 没有库位 {value}。",
                                    "Line {row}: {warehouse} has no location {value}.", row=n,
                                    warehouse=where.name, value=parts[index].upper())
                line[key] = loc
        out.append(line)
    return out


def lines_text(document) -> str:
    """A document's lines back in the box's format (to edit a draft)."""
    rows = []
    for line in document.lines.select_related("sku", "location", "to_location"):
        parts = [line.sku.code, str(line.quantity)]
        if line.location_id or line.to_location_id:
            parts.append(line.location.code if line.location_id else "-")
        if line.to_location_id:
            parts.append(line.to_location.code)
        rows.append(" ".join(parts))
    return "\n".join(rows)


class StocktakeForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("仓库"), queryset=Warehouse.objects.filter(active=True),
                                       empty_label=PICK)
    locations = forms.CharField(
        label=_("库位范围（可选）"), required=False,
        help_text=_("留空盘点全部库位；或填写库位编码，空格分隔，如 A-01-01 A-01-02。"))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SafetyStockForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("仓库"), queryset=Warehouse.objects.filter(active=True),
                                       empty_label=PICK)
    safety_stock = forms.IntegerField(label=_("安全库存"), min_value=0)
    responsible = forms.ModelChoiceField(label=_("负责人（留空则提醒仓库主管和商品经理）"),
                                         required=False, queryset=people(),
                                         empty_label=_("（不指定）"))

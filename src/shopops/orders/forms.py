"""Input forms of the order pages: shape only. The rules live in the actions."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Channel, Sku
from shopops.core.errors import UserError
from shopops.core.money import parse_yuan
from shopops.inventory.models import Warehouse

from .models import Amendment
from .states import HoldReason

SPLIT = re.compile(r"[\s,，;；]+")


class OrderForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("渠道"), queryset=Channel.objects.filter(active=True))
    platform_order_no = forms.CharField(label=_("平台订单号"), max_length=64, required=False)
    warehouse = forms.ModelChoiceField(
        label=_("发货仓库"), required=False, empty_label=_("默认仓库"),
        queryset=Warehouse.objects.filter(active=True, kind=Warehouse.Kind.WAREHOUSE))
    customer_name = forms.CharField(label=_("收货人"), max_length=60)
    customer_phone = forms.CharField(label=_("联系电话"), max_length=30)
    province = forms.CharField(label=_("省"), max_length=30)
    city = forms.CharField(label=_("市"), max_length=30)
    district = forms.CharField(label=_("区/县"), max_length=30, required=False)
    address_detail = forms.CharField(label=_("详细地址"), max_length=200)
    lines = forms.CharField(
        label=_("商品"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一件：商家编码或条码、数量，可选单价（元），如 “DRESS-01-M 2 199.00”"))
    shipping = forms.CharField(label=_("运费（元）"), required=False)
    discount = forms.CharField(label=_("优惠（元）"), required=False)
    paid = forms.BooleanField(label=_("已付款"), required=False)
    buyer_message = forms.CharField(label=_("买家留言"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    seller_remark = forms.CharField(label=_("商家备注"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


def parse_lines(text) -> list[dict]:
    """"code qty [price]" per line → the actions' line dicts; unknown codes are a UserError."""
    rows = []
    for raw in (text or "").splitlines():
        parts = [p for p in SPLIT.split(raw.strip()) if p]
        if not parts:
            continue
        code = parts[0]
        try:
            quantity = int(parts[1]) if len(parts) > 1 else 1
        except ValueError:
            raise UserError("bad_quantity", "{sku} 的数量必须是正整数。",
                            "The quantity of {sku} must be a positive whole number.",
                            sku=code) from None
        sku = (Sku.objects.select_related("product")
               .filter(Q(code__iexact=code) | Q(barcode=code)).first())
        if sku is None:
            raise UserError("unknown_sku", "找不到商家编码或条码为 {value} 的商品。",
                            "No SKU has the code or barcode {value}.", value=code)
        price = parse_yuan(parts[2]) if len(parts) > 2 else None
        rows.append({"sku": sku, "quantity": quantity, "unit_price_fen": price})
    return rows


class AmendForm(forms.Form):
    field = forms.ChoiceField(label=_("修改项"), choices=Amendment.Field.choices)
    customer_name = forms.CharField(label=_("收货人"), max_length=60, required=False)
    customer_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    province = forms.CharField(label=_("省"), max_length=30, required=False)
    city = forms.CharField(label=_("市"), max_length=30, required=False)
    district = forms.CharField(label=_("区/县"), max_length=30, required=False)
    address_detail = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    text = forms.CharField(label=_("新内容"), max_length=300, required=False,
                           help_text=_("快递公司、发票抬头、贺卡内容或送货时间的新值"))
    line = forms.IntegerField(label=_("订单行"), required=False)
    sku = forms.CharField(label=_("新商家编码或条码"), max_length=60, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=300)


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("挂起原因"), choices=HoldReason.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300)


def money_or_zero(text) -> int:
    return parse_yuan(text) if (text or "").strip() else 0

"""Forms of the product pages: the product's fields and its SKU rows (a formset).

They only shape input; every rule (unique codes, valid barcodes, money, status moves) is
checked by the actions, whose Chinese messages the page shows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shopops.purchasing.models import Supplier

from ..actions.products import format_attributes
from ..actions.reference import category_tree
from ..models import Brand, Product


def category_choices(blank=None):
    return [("", blank or _("（未分类）"))] + [(str(c.pk), "　" * depth + c.name) for c, depth in category_tree()]


class ProductForm(forms.Form):
    code = forms.CharField(label=_("款号"), max_length=40)
    title = forms.CharField(label=_("标题"), max_length=200)
    selling_points = forms.CharField(label=_("卖点"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("详情描述"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("类目"), required=False)
    brand = forms.ModelChoiceField(label=_("品牌"), required=False, queryset=Brand.objects.all(),
                                   empty_label=_("（无）"))
    supplier = forms.ModelChoiceField(label=_("供应商/品牌商"), required=False,
                                      queryset=Supplier.objects.filter(active=True),
                                      empty_label=_("（无）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        return {"code": product.code, "title": product.title,
                "selling_points": product.selling_points, "description": product.description,
                "category": str(product.category_id or ""), "brand": product.brand_id,
                "supplier": product.supplier_id}

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["category"] = int(data["category"]) if data.get("category") else None
        return data


class SkuRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attributes = forms.CharField(label=_("规格"), required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "颜色=藏青; 尺码=L"}))
    code = forms.CharField(label=_("商家编码"), max_length=60)
    barcode = forms.CharField(label=_("条码"), max_length=40)
    weight_g = forms.IntegerField(label=_("重量（克）"), min_value=0, required=False)
    cost = forms.CharField(label=_("成本（元）"), required=False)
    price = forms.CharField(label=_("基准售价（元）"), required=False)
    remove = forms.BooleanField(label=_("删除"), required=False)

    @staticmethod
    def initial_for(sku) -> dict:
        return {"id": sku.pk, "attributes": format_attributes(sku.attributes), "code": sku.code,
                "barcode": sku.barcode, "weight_g": sku.weight_g,
                "cost": _yuan(sku.cost_fen),
                "price": _yuan(sku.price_fen)}

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["weight_g"] = data.get("weight_g") or 0
        return data


def _yuan(fen: int) -> str:
    yuan, cents = divmod(int(fen), 100)
    return f"{yuan}.{cents:02d}"


SkuFormSet = forms.formset_factory(SkuRowForm, extra=0)
NewSkuFormSet = forms.formset_factory(SkuRowForm, extra=3)


def sku_formset(data=None, *, initial=None, add_row=False):
    """The SKU rows (three blank ones for a new product); `add_row` appends a blank row to
    posted data (the 添加一行 button, no script needed)."""
    if data is not None and add_row:
        data = data.copy()
        total = int(data.get("skus-TOTAL_FORMS", 0) or 0)
        data["skus-TOTAL_FORMS"] = str(total + 1)
    factory = SkuFormSet if initial else NewSkuFormSet
    return factory(data, initial=initial, prefix="skus")


def sku_rows(formset) -> list[dict]:
    """The rows to save: blank new rows are skipped, the rest go to the action."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("id") and not data.get("code") and not data.get("barcode")):
            continue
        rows.append(form.values())
    return rows

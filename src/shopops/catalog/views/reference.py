"""Reference data page (CAT-1, CAT-8): category tree, brands, suppliers and brand merchants,
selling channels — one page with a tab each; every change goes through
actions/reference.py and is recorded."""

from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.purchasing.models import Supplier

from ..actions import reference as actions
from ..models import Brand, Category, Channel

CAP = "catalog.manage_reference"
PAGE_SIZE = 50
TABS = [("categories", gettext_lazy("类目")), ("brands", gettext_lazy("品牌")),
        ("suppliers", gettext_lazy("供应商/品牌商")), ("channels", gettext_lazy("销售渠道"))]


class BrandForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("品牌名称"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("英文名"), max_length=80, required=False)
    supplier = forms.ModelChoiceField(label=gettext_lazy("品牌商"), required=False,
                                      queryset=Supplier.objects.all(),
                                      empty_label=gettext_lazy("（无）"))


class SupplierForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("编码"), max_length=30)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Supplier.Kind.choices)
    contact = forms.CharField(label=gettext_lazy("联系人"), max_length=60, required=False)
    phone = forms.CharField(label=gettext_lazy("电话"), max_length=30, required=False)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    terms = forms.CharField(label=gettext_lazy("合作条款"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=gettext_lazy("合作中"), required=False, initial=True)


class ChannelForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("编码"), max_length=30,
                           help_text=gettext_lazy("小写字母、数字、-，如 tmall、branch-sh"))
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Channel.Kind.choices)
    sort_order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, initial=100)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


class Kind(NamedTuple):
    model: type
    form: type
    create: object
    update: object
    arg: str  # the update action's keyword for the object
    label: str


KINDS = {
    "brands": Kind(Brand, BrandForm, actions.create_brand, actions.update_brand, "brand",
                   gettext_lazy("品牌")),
    "suppliers": Kind(Supplier, SupplierForm, actions.create_supplier, actions.update_supplier,
                      "supplier", gettext_lazy("供应商/品牌商")),
    "channels": Kind(Channel, ChannelForm, actions.create_channel, actions.update_channel,
                     "channel", gettext_lazy("销售渠道")),
}


def _tab_url(tab):
    return f"{reverse('catalog:reference')}?tab={tab}"


def _rows(tab):
    if tab == "brands":
        return (Brand.objects.select_related("supplier").annotate(n=Count("products"))
                .order_by("name"))
    if tab == "suppliers":
        return Supplier.objects.annotate(n=Count("products")).order_by("kind", "code")
    return Channel.objects.annotate(n=Count("listings")).order_by("sort_order", "code")


@access(CAP)
def reference(request):
    tab = request.GET.get("tab", "categories")
    tab = tab if tab in dict(TABS) else "categories"
    context = {"tab": tab, "tabs": TABS, "page_title": _("类目·品牌·渠道")}
    if tab == "categories":
        tree = actions.category_tree()
        counts = dict(Category.objects.annotate(n=Count("products")).values_list("pk", "n"))
        context.update(tree=[(c, depth, counts.get(c.pk, 0)) for c, depth in tree],
                       parents=[(c, "　" * depth) for c, depth in tree])
    else:
        context["page"] = Paginator(_rows(tab), PAGE_SIZE).get_page(request.GET.get("page"))
        context["form"] = KINDS[tab].form()
    return render(request, "catalog/reference/page.html", context)


def _category(value):
    if value and str(value).isdigit():
        return Category.objects.filter(pk=int(value)).first()
    return None


@access(CAP)
@require_POST
def category_add(request):
    try:
        category = actions.create_category(
            actor=request.user, name=request.POST.get("name", ""),
            parent=_category(request.POST.get("parent")),
            sort_order=request.POST.get("sort_order") or 100)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已新建类目「{name}」").format(name=category.name))
    return redirect(_tab_url("categories"))


@access(CAP)
@require_POST
def category_change(request, pk):
    category = get_object_or_404(Category, pk=pk)
    op = request.POST.get("op")
    try:
        if op == "rename":
            actions.rename_category(actor=request.user, category=category,
                                    name=request.POST.get("name", ""))
        elif op == "move":
            actions.move_category(actor=request.user, category=category,
                                  parent=_category(request.POST.get("parent")))
        elif op == "sort":
            actions.sort_category(actor=request.user, category=category,
                                  sort_order=request.POST.get("sort_order", ""))
        else:
            raise UserError("bad_op", "未知操作", "Unknown operation")
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("类目「{name}」已更新").format(name=category.name))
    return redirect(_tab_url("categories"))


@access(CAP)
@require_POST
def reference_add(request, kind):
    if kind not in KINDS:
        return redirect(_tab_url("categories"))
    spec = KINDS[kind]
    form = spec.form(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：{errors}").format(
            errors="；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()
                            if f in form.fields)))
        return redirect(_tab_url(kind))
    try:
        created = spec.create(actor=request.user, **form.cleaned_data)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已新建{label}「{name}」").format(label=spec.label,
                                                                  name=created))
    return redirect(_tab_url(kind))


@access(CAP)
def reference_edit(request, kind, pk):
    if kind not in KINDS:
        return redirect(_tab_url("categories"))
    spec = KINDS[kind]
    obj = get_object_or_404(spec.model, pk=pk)
    initial = {name: getattr(obj, name) for name in spec.form.base_fields}
    form = spec.form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            spec.update(actor=request.user, **{spec.arg: obj}, **form.cleaned_data)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("{label}「{name}」已保存").format(label=spec.label,
                                                                       name=obj))
            return redirect(_tab_url(kind))
    return render(request, "catalog/reference/edit.html", {
        "form": form, "obj": obj, "kind": kind, "label": spec.label,
        "page_title": _("修改{label}").format(label=spec.label)})


urlpatterns = [
    path("reference/", reference, name="reference"),
    path("reference/categories/add/", category_add, name="category_add"),
    path("reference/categories/<int:pk>/", category_change, name="category_change"),
    path("reference/<slug:kind>/add/", reference_add, name="reference_add"),
    path("reference/<slug:kind>/<int:pk>/", reference_edit, name="reference_edit"),
]

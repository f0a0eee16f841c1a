"""Shelf plan page (CAT-6): the home page and each category page, their sections with
ordered products and a time window; what is live now and what is scheduled."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from shopops.core.access import access
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import shelf as actions
from ..actions.reference import category_tree
from ..models import Category, Product, ShelfSlot
from ..queries import shelf_plan as plan_for
from ..search import exact_match

CAP = "catalog.plan_shelf"
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _when(text, label):
    value = parse_datetime(str(text or "").strip())
    if value is None:
        raise UserError("bad_datetime", "{label}格式不正确：{text}", "Invalid {label}: {text}",
                        label=label, text=text)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _category(value):
    if value and str(value).isdigit():
        return Category.objects.filter(pk=int(value)).first()
    return None


def _plan_url(page, category_id=None):
    url = f"{reverse('catalog:shelf_plan')}?page={page}"
    return f"{url}&category={category_id}" if category_id else url


@access(CAP)
def shelf_plan(request):
    page = request.GET.get("page", ShelfSlot.Page.HOME)
    page = page if page in ShelfSlot.Page.values else ShelfSlot.Page.HOME
    category = _category(request.GET.get("category")) if page == ShelfSlot.Page.CATEGORY else None
    include_ended = request.GET.get("ended") == "1"
    sections = [] if page == ShelfSlot.Page.CATEGORY and category is None else plan_for(
        page, category, include_ended=include_ended)
    now = timezone.localtime()
    return render(request, "catalog/shelf/plan.html", {
        "page": page, "category": category, "sections": sections,
        "include_ended": include_ended,
        "tree": [(c, "　" * depth) for c, depth in category_tree()],
        "section_names": sorted({s.name for s in sections} | {"主推", "新品", "热销"}),
        "default_start": now.strftime(LOCAL_FORMAT),
        "default_end": (now + timedelta(days=7)).strftime(LOCAL_FORMAT),
        "local_format": LOCAL_FORMAT, "page_title": _("货架规划"),
    })


@access(CAP)
@require_POST
def slot_add(request):
    post = request.POST
    page = post.get("page", ShelfSlot.Page.HOME)
    category = _category(post.get("category"))
    try:
        code = post.get("product", "").strip()
        product_id = exact_match(code) if code else None
        if product_id is None:
            raise UserError("shelf_product", "找不到商品「{ref}」，请填写款号、商家编码或条码",
                            "No product '{ref}': give a style number, SKU code or barcode",
                            ref=code)
        slot = actions.add_slot(
            actor=request.user, product=Product.objects.get(pk=product_id), page=page,
            category=category, section=post.get("section", ""),
            position=post.get("position") or None,
            starts_at=_when(post.get("starts_at"), pgettext("shelf slot", "开始时间")),
            ends_at=_when(post.get("ends_at"), _("结束时间")))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已安排「{product}」在「{section}」第 {position} 位").format(
            product=slot.product.title, section=slot.section, position=slot.position))
    return redirect(_plan_url(page, category.pk if category else None))


@access(CAP)
@require_POST
def slot_change(request, pk):
    slot = get_object_or_404(ShelfSlot.objects.select_related("product", "category"), pk=pk)
    op = request.POST.get("op")
    try:
        if op == "move":
            actions.move_slot(actor=request.user, slot=slot,
                              position=int(request.POST.get("position", slot.position)))
        elif op == "reschedule":
            actions.reschedule_slot(
                actor=request.user, slot=slot,
                starts_at=_when(request.POST.get("starts_at"), pgettext("shelf slot", "开始时间")),
                ends_at=_when(request.POST.get("ends_at"), _("结束时间")))
        elif op == "remove":
            actions.remove_slot(actor=request.user, slot=slot)
        else:
            raise UserError("bad_op", "未知操作", "Unknown operation")
    except ValueError:
        messages.error(request, _("位置必须是数字。"))
    except UserError as exc:
        messages.error(request, user_message(exc))
    return redirect(_plan_url(slot.page, slot.category_id))


urlpatterns = [
    path("shelf/", shelf_plan, name="shelf_plan"),
    path("shelf/add/", slot_add, name="shelf_slot_add"),
    path("shelf/<int:pk>/", slot_change, name="shelf_slot_change"),
]

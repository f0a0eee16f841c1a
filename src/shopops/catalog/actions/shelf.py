"""Shelf plan (货架展示规划, CAT-6): which products the shop's home page and each category
page feature, in which section, in what order, from when to when.

Positions are 1, 2, 3… within one section of one page (home, or one category's page);
adding at a position or moving a slot renumbers the section so there are no gaps.
"""

from django.db import transaction

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import UserError

from ..models import Product, ShelfSlot

CAP = "catalog.plan_shelf"


def _check(actor):
    if actor is not None:
        require(actor, CAP)


def _section_rows(page, category_id, section):
    return list(ShelfSlot.objects.filter(page=page, category_id=category_id, section=section)
                .order_by("position", "starts_at", "id"))


def _renumber(rows):
    changed = []
    for i, row in enumerate(rows, start=1):
        if row.position != i:
            row.position = i
            changed.append(row)
    ShelfSlot.objects.bulk_update(changed, ["position"])


def _window(starts_at, ends_at):
    if starts_at is None or ends_at is None:
        raise UserError("shelf_window_required", "请填写展示的开始和结束时间",
                        "Start and end time are required")
    if ends_at <= starts_at:
        raise UserError("shelf_window", "结束时间必须晚于开始时间", "The end must be after the start")


def page_label(page, category) -> str:
    if page == ShelfSlot.Page.HOME:
        return "首页"
    return f"类目页「{category.name}」" if category else "类目页"


@transaction.atomic
def add_slot(*, actor, product, starts_at, ends_at, page=ShelfSlot.Page.HOME, category=None,
             section="主推", position=None) -> ShelfSlot:
    """Feature `product` in `section` of a page; at the end unless a position is given."""
    _check(actor)
    if page not in ShelfSlot.Page.values:
        raise UserError("shelf_page", "页面无效：{page}", "Invalid page: {page}", page=page)
    if page == ShelfSlot.Page.CATEGORY and category is None:
        raise UserError("shelf_category_required", "类目页的货架位必须选择类目",
                        "A category page slot needs a category")
    if page == ShelfSlot.Page.HOME:
        category = None
    section = str(section or "").strip()
    if not section or len(section) > 40:
        raise UserError("shelf_section", "栏目名称不能为空，最多 40 个字", "The section name is "
                        "required, at most 40 characters")
    _window(starts_at, ends_at)
    if product.status == Product.Status.DISCONTINUED:
        raise UserError("shelf_discontinued", "商品「{product}」已停产，不能安排展示",
                        "A discontinued product cannot be featured", product=product.title)
    overlapping = ShelfSlot.objects.filter(page=page, category=category, section=section,
                                           product=product, starts_at__lt=ends_at,
                                           ends_at__gt=starts_at)
    if overlapping.exists():
        raise UserError("shelf_duplicate", "「{product}」在该栏目的这段时间里已有展示位",
                        "The product already has a slot in this section for this period",
                        product=product.title)
    rows = _section_rows(page, category.pk if category else None, section)
    count = len(rows)
    position = count + 1 if position in (None, "") else max(1, min(int(position), count + 1))
    slot = ShelfSlot.objects.create(page=page, category=category, section=section,
                                    product=product, position=position, starts_at=starts_at,
                                    ends_at=ends_at, created_by=actor if actor and actor.pk
                                    else None)
    rows.insert(position - 1, slot)
    _renumber(rows)
    events.record(actor=actor, verb="shelf.slot_added", obj=slot,
                  summary=f"{page_label(page, category)}「{section}」第 {slot.position} 位："
                          f"{product.title}", data={"product_id": product.pk})
    return slot


@transaction.atomic
def move_slot(*, actor, slot, position: int) -> bool:
    _check(actor)
    rows = _section_rows(slot.page, slot.category_id, slot.section)
    index = next(i for i, row in enumerate(rows) if row.pk == slot.pk)
    target = max(0, min(len(rows) - 1, int(position) - 1))
    if target == index:
        return False
    before = rows[index].position
    rows.insert(target, rows.pop(index))
    _renumber(rows)
    slot.position = target + 1
    events.record(actor=actor, verb="shelf.slot_moved", obj=slot,
                  changes={"position": [before, slot.position]})
    return True


@transaction.atomic
def reschedule_slot(*, actor, slot, starts_at, ends_at) -> dict:
    _check(actor)
    _window(starts_at, ends_at)
    before = {"starts_at": slot.starts_at, "ends_at": slot.ends_at}
    ShelfSlot.objects.filter(pk=slot.pk).update(starts_at=starts_at, ends_at=ends_at)
    slot.starts_at, slot.ends_at = starts_at, ends_at
    diff = events.diff(before, {"starts_at": starts_at, "ends_at": ends_at})
    if diff:
        events.record(actor=actor, verb="shelf.slot_rescheduled", obj=slot, changes=diff)
    return diff


@transaction.atomic
def remove_slot(*, actor, slot) -> None:
    _check(actor)
    summary = f"{page_label(slot.page, slot.category)}「{slot.section}」第 {slot.position} 位：" \
              f"{slot.product.title}"
    events.record(actor=actor, verb="shelf.slot_removed", obj=slot, summary=summary,
                  data={"product_id": slot.product_id})
    page, category_id, section = slot.page, slot.category_id, slot.section
    slot.delete()
    _renumber(_section_rows(page, category_id, section))

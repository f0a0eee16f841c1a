"""Reference data of the catalog (CAT-1, CAT-8): the category tree, brands, suppliers and
brand merchants (purchasing.Supplier), and the selling channels. Each change is an event.

Category.path lists the ids from the root ("/1/4/9/") so a subtree is one LIKE query;
moving a category rewrites the paths of its whole subtree in the same transaction.
Names that products are searched by (category, brand, supplier) refresh those products'
search text when they change.
"""

import re

from django.db import IntegrityError, transaction

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import ConflictError, UserError
from shopops.purchasing.models import Supplier

from ..models import Brand, Category, Channel, Product
from ..search import refresh_for_categories, refresh_search_text

CAP = "catalog.manage_reference"
CHANNEL_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


def _check(actor):
    if actor is not None:
        require(actor, CAP)


def _text(value, *, label, label_en, max_length, required=True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise UserError("required", "{label}不能为空", "{label_en} is required", label=label,
                        label_en=label_en)
    if len(text) > max_length:
        raise UserError("too_long", "{label}最多 {max} 个字符", "{label_en} is at most {max} "
                        "characters", label=label, label_en=label_en, max=max_length)
    return text


def _sort_order(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 1_000_000:
        raise UserError("bad_sort_order", "排序号「{value}」无效，请填写 0 以上的整数",
                        "Sort order '{value}' must be a whole number from 0", value=value)
    return number


def _save(obj, fields, message, message_en, **params):
    try:
        with transaction.atomic():
            obj.save(update_fields=fields) if fields else obj.save()
    except IntegrityError:
        raise ConflictError("duplicate", message, message_en, **params) from None


def _refresh_products(**filters):
    for product in Product.objects.filter(**filters).select_related(
            "brand", "supplier", "category"):
        refresh_search_text(product)


# --- categories ---------------------------------------------------------------------------


def _unique_sibling(name, parent, exclude=None):
    siblings = Category.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ConflictError("category_exists", "「{parent}」下已有类目「{name}」",
                            "'{parent}' already has a category '{name}'",
                            parent=parent.name if parent else "顶级", name=name)


def category_label(category) -> str:
    from ..search import category_names

    return " › ".join(category_names(category))


@transaction.atomic
def create_category(*, actor, name, parent=None, sort_order=100) -> Category:
    _check(actor)
    name = _text(name, label="类目名称", label_en="Category name", max_length=60)
    _unique_sibling(name, parent)
    category = Category.objects.create(name=name, parent=parent, sort_order=_sort_order(sort_order))
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    events.record(actor=actor, verb="category.created", obj=category,
                  summary=f"新建类目 {category_label(category)}")
    return category


@transaction.atomic
def rename_category(*, actor, category, name) -> bool:
    _check(actor)
    name = _text(name, label="类目名称", label_en="Category name", max_length=60)
    category = Category.objects.select_related("parent").get(pk=category.pk)
    if name == category.name:
        return False
    _unique_sibling(name, category.parent, exclude=category)
    before = category.name
    category.name = name
    category.save(update_fields=["name"])
    subtree = Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True)
    refresh_for_categories(list(subtree))
    events.record(actor=actor, verb="category.renamed", obj=category,
                  changes={"name": [before, name]}, summary=f"{before} → {name}")
    return True


@transaction.atomic
def move_category(*, actor, category, parent) -> bool:
    """Put `category` (with everything under it) under `parent` (None: the top level)."""
    _check(actor)
    category = Category.objects.select_related("parent").get(pk=category.pk)
    if parent is not None:
        parent = Category.objects.get(pk=parent.pk)
        if parent.path.startswith(category.path):
            raise UserError("category_cycle", "不能把类目「{name}」移到它自己或它的下级类目之下",
                            "A category cannot move under itself or its own subcategory",
                            name=category.name)
    if category.parent_id == (parent.pk if parent else None):
        return False
    _unique_sibling(category.name, parent, exclude=category)
    before = category_label(category)
    old_path = category.path
    new_path = f"{parent.path if parent else '/'}{category.pk}/"
    subtree = list(Category.objects.filter(path__startswith=old_path))
    for node in subtree:
        node.path = new_path + node.path[len(old_path):]
        if node.pk == category.pk:
            node.parent = parent
    Category.objects.bulk_update(subtree, ["path", "parent"])
    category.refresh_from_db()
    refresh_for_categories([n.pk for n in subtree])
    after = category_label(category)
    events.record(actor=actor, verb="category.moved", obj=category,
                  changes={"parent": [before, after]},
                  summary=f"{before} → {after}")
    return True


@transaction.atomic
def sort_category(*, actor, category, sort_order) -> bool:
    _check(actor)
    number = _sort_order(sort_order)
    before = Category.objects.values_list("sort_order", flat=True).get(pk=category.pk)
    if before == number:
        return False
    Category.objects.filter(pk=category.pk).update(sort_order=number)
    category.sort_order = number
    events.record(actor=actor, verb="category.sorted", obj=category,
                  changes={"sort_order": [before, number]})
    return True


def category_tree():
    """[(category, depth)] depth-first, siblings by sort order then name. One query."""
    nodes = list(Category.objects.all())
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out = []

    def walk(parent_id, depth):
        for node in sorted(children.get(parent_id, []), key=lambda c: (c.sort_order, c.name)):
            out.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


# --- brands -------------------------------------------------------------------------------


def _brand_values(data) -> dict:
    values = {}
    if "name" in data:
        values["name"] = _text(data["name"], label="品牌名称", label_en="Brand name", max_length=80)
    if "name_en" in data:
        values["name_en"] = _text(data["name_en"], label="英文名", label_en="English name",
                                  max_length=80, required=False)
    if "supplier" in data:
        values["supplier"] = data["supplier"]
    return values


@transaction.atomic
def create_brand(*, actor, name, name_en="", supplier=None) -> Brand:
    _check(actor)
    values = _brand_values({"name": name, "name_en": name_en, "supplier": supplier})
    brand = Brand(**values)
    _save(brand, None, "品牌「{name}」已存在", "Brand '{name}' already exists", name=brand.name)
    events.record(actor=actor, verb="brand.created", obj=brand, summary=f"新建品牌 {brand.name}")
    return brand


def _apply(obj, values) -> dict:
    before = {k: getattr(obj, k) for k in values}
    for name, value in values.items():
        setattr(obj, name, value)
    return events.diff({k: str(v) if hasattr(v, "pk") else v for k, v in before.items()},
                       {k: str(v) if hasattr(v, "pk") else v for k, v in values.items()})


@transaction.atomic
def update_brand(*, actor, brand, **changes) -> dict:
    _check(actor)
    brand = Brand.objects.select_related("supplier").get(pk=brand.pk)
    values = _brand_values(changes)
    diff = _apply(brand, values)
    if diff:
        _save(brand, list(values), "品牌「{name}」已存在", "Brand '{name}' already exists",
              name=brand.name)
        _refresh_products(brand=brand)
        events.record(actor=actor, verb="brand.updated", obj=brand, changes=diff)
    return diff


# --- suppliers and brand merchants --------------------------------------------------------


def _supplier_values(data) -> dict:
    values = {}
    if "code" in data:
        values["code"] = _text(data["code"], label="编码", label_en="Code", max_length=30)
    if "name" in data:
        values["name"] = _text(data["name"], label="名称", label_en="Name", max_length=120)
    if "kind" in data:
        if data["kind"] not in Supplier.Kind.values:
            raise UserError("bad_kind", "类型无效：{kind}", "Invalid kind: {kind}", kind=data["kind"])
        values["kind"] = data["kind"]
    for name, max_length in (("contact", 60), ("phone", 30), ("address", 200)):
        if name in data:
            values[name] = _text(data[name], label=Supplier._meta.get_field(name).verbose_name,
                                 label_en=name, max_length=max_length, required=False)
    if "terms" in data:
        values["terms"] = str(data["terms"] or "").strip()
    if "active" in data:
        values["active"] = bool(data["active"])
    return values


@transaction.atomic
def create_supplier(*, actor, code, name, kind=Supplier.Kind.SUPPLIER, contact="", phone="",
                    address="", terms="", active=True) -> Supplier:
    _check(actor)
    values = _supplier_values({"code": code, "name": name, "kind": kind, "contact": contact,
                               "phone": phone, "address": address, "terms": terms,
                               "active": active})
    supplier = Supplier(**values)
    _save(supplier, None, "编码 {ref} 已被使用", "Code {ref} is already used", ref=supplier.code)
    events.record(actor=actor, verb="supplier.created", obj=supplier,
                  summary=f"新建{supplier.get_kind_display()} {supplier.name}")
    return supplier


@transaction.atomic
def update_supplier(*, actor, supplier, **changes) -> dict:
    _check(actor)
    supplier = Supplier.objects.get(pk=supplier.pk)
    values = _supplier_values(changes)
    diff = _apply(supplier, values)
    if diff:
        _save(supplier, list(values), "编码 {ref} 已被使用", "Code {ref} is already used",
              ref=supplier.code)
        if "name" in diff:
            _refresh_products(supplier=supplier)
        events.record(actor=actor, verb="supplier.updated", obj=supplier, changes=diff)
    return diff


# --- channels -----------------------------------------------------------------------------


def _channel_values(data) -> dict:
    values = {}
    if "code" in data:
        code = str(data["code"] or "").strip().lower()
        if not CHANNEL_CODE.match(code):
            raise UserError("bad_channel_code", "渠道编码「{ref}」无效：小写字母、数字、-、_，最多 30 个",
                            "Channel code '{ref}' must be lower-case letters, digits, - or _",
                            ref=code)
        values["code"] = code
    if "name" in data:
        values["name"] = _text(data["name"], label="渠道名称", label_en="Channel name", max_length=60)
    if "kind" in data:
        if data["kind"] not in Channel.Kind.values:
            raise UserError("bad_kind", "类型无效：{kind}", "Invalid kind: {kind}", kind=data["kind"])
        values["kind"] = data["kind"]
    if "active" in data:
        values["active"] = bool(data["active"])
    if "sort_order" in data:
        values["sort_order"] = _sort_order(data["sort_order"])
    return values


@transaction.atomic
def create_channel(*, actor, code, name, kind, active=True, sort_order=100) -> Channel:
    _check(actor)
    values = _channel_values({"code": code, "name": name, "kind": kind, "active": active,
                              "sort_order": sort_order})
    channel = Channel(**values)
    _save(channel, None, "渠道编码 {ref} 已被使用", "Channel code {ref} is already used",
          ref=channel.code)
    events.record(actor=actor, verb="channel.created", obj=channel,
                  summary=f"新建销售渠道 {channel.name}（{channel.get_kind_display()}）")
    return channel


@transaction.atomic
def update_channel(*, actor, channel, **changes) -> dict:
    _check(actor)
    channel = Channel.objects.get(pk=channel.pk)
    values = _channel_values(changes)
    diff = _apply(channel, values)
    if diff:
        _save(channel, list(values), "渠道编码 {ref} 已被使用",
              "Channel code {ref} is already used", ref=channel.code)
        events.record(actor=actor, verb="channel.updated", obj=channel, changes=diff)
    return diff

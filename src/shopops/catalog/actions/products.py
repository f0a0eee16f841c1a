"""Products and SKUs (CAT-1): create, edit, status changes, SKUs with unique valid barcodes.

Every change records an event on the product (SKU changes too, so the product's history
tells its whole story) and rebuilds the product's search text when a searched field moved.

Money arrives either as fen (`price_fen=19900`, from the API and submissions) or as the
yuan people type (`price="199.00"`, from forms), parsed exactly by core.money.
A SKU's base price (基准售价) may be set freely while the product is a draft; once it is on
sale, prices change only through a price-change proposal (CAT-4, actions/pricing.py).
"""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import ConflictError, UserError
from shopops.core.money import format_fen, parse_yuan
from shopops.core.states import transition
from shopops.purchasing.models import Supplier

from ..barcodes import validate_barcode
from ..models import Brand, Category, Product, Sku, ordered_attributes  # noqa: F401 (re-exported)
from ..search import refresh_search_text

CAP = "catalog.edit_products"
STATUS_MOVES = {
    Product.Status.DRAFT: {Product.Status.ACTIVE, Product.Status.DISCONTINUED},
    Product.Status.ACTIVE: {Product.Status.DISCONTINUED},
    Product.Status.DISCONTINUED: {Product.Status.ACTIVE},
}
TEXT_FIELDS = ("code", "title", "selling_points", "description")
REF_FIELDS = {"category": Category, "brand": Brand, "supplier": Supplier}
PRODUCT_FIELDS = TEXT_FIELDS + tuple(REF_FIELDS)
SKU_FIELDS = {"code": "商家编码", "barcode": "条码", "attributes": "规格", "weight_g": "重量（克）",
              "cost_fen": "成本", "price_fen": "基准售价", "active": "启用"}
MAX_WEIGHT_G = 1_000_000
_PAIR_SPLIT = re.compile(r"[;；,，\n]+")
_KEY_VALUE = re.compile(r"\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$")


# --- variant attributes -------------------------------------------------------------------


def parse_attributes(text) -> dict:
    """"颜色=藏青; 尺码=L" (also 颜色：藏青，尺码：L) → {"颜色": "藏青", "尺码": "L"}."""
    if isinstance(text, dict):
        return {str(k).strip(): str(v).strip() for k, v in text.items()
                if str(k).strip() and str(v).strip()}
    out = {}
    for part in _PAIR_SPLIT.split(str(text or "")):
        if not part.strip():
            continue
        match = _KEY_VALUE.match(part)
        if not match:
            raise UserError("bad_attributes", "规格「{part}」格式不正确，应写成「颜色=藏青; 尺码=L」",
                            "Variant '{part}' should read like 'colour=navy; size=L'",
                            part=part.strip())
        key, value = match.groups()
        if key in out:
            raise UserError("duplicate_attribute", "规格「{key}」重复", "Variant key '{key}' "
                            "appears twice", key=key)
        out[key] = value
    return out


def format_attributes(attributes) -> str:
    return "; ".join(f"{k}={v}" for k, v in ordered_attributes(attributes))


# --- checks -------------------------------------------------------------------------------


def _check(actor):
    # actor=None is the system itself (demo data, imports run by the scheduler).
    if actor is not None:
        require(actor, CAP)


def _code(text, *, label, label_en, max_length, code):
    value = str(text or "").strip()
    if not value:
        raise UserError(f"{code}_required", "{label}不能为空", "{label_en} is required",
                        label=label, label_en=label_en)
    if len(value) > max_length or any(c.isspace() for c in value):
        raise UserError(f"bad_{code}", "{label}「{value}」无效：不得含空格，最多 {max} 个字符",
                        "{label_en} '{value}' is invalid: no spaces, at most {max} characters",
                        label=label, label_en=label_en, value=value, max=max_length)
    return value


def _fen(data: dict, name: str, label: str):
    """Fen from data[f"{name}_fen"] (int) or data[name] (yuan text); None when absent."""
    if data.get(f"{name}_fen") not in (None, ""):
        value = data[f"{name}_fen"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError("bad_amount", "{label}金额无效：{value}", "Invalid {label} amount: "
                            "{value}", label=label, value=value)
        return value
    if data.get(name) not in (None, ""):
        return parse_yuan(data[name])
    return None


def _weight(value) -> int:
    try:
        grams = int(str(value).strip() or 0) if value is not None else 0
    except ValueError:
        grams = -1
    if grams < 0 or grams > MAX_WEIGHT_G:
        raise UserError("bad_weight", "重量「{value}」无效，请填写克数（0–{max}）",
                        "Weight '{value}' is invalid: grams from 0 to {max}",
                        value=value, max=MAX_WEIGHT_G)
    return grams


def _product_values(data: dict) -> dict:
    values = {}
    if "code" in data:
        values["code"] = _code(data["code"], label="款号", label_en="Style number",
                               max_length=40, code="product_code")
    if "title" in data:
        title = str(data["title"] or "").strip()
        if not title:
            raise UserError("title_required", "商品标题不能为空", "The title is required")
        if len(title) > 200:
            raise UserError("title_too_long", "商品标题最多 200 个字", "The title is at most "
                            "200 characters")
        values["title"] = title
    for name in ("selling_points", "description"):
        if name in data:
            values[name] = str(data[name] or "").strip()
    for name, model in REF_FIELDS.items():
        if name in data:
            ref = data[name]
            if ref is not None and not isinstance(ref, model):
                ref = model.objects.filter(pk=ref).first() if str(ref).isdigit() else None
                if ref is None:
                    raise UserError("bad_reference", "{field}不存在：{value}",
                                    "No such {field}: {value}",
                                    field=Product._meta.get_field(name).verbose_name,
                                    value=data[name])
            values[name] = ref
    return values


def _unique_code(code, *, exclude=None):
    taken = Product.objects.filter(code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ConflictError("product_code_taken", "款号 {ref} 已存在", "Style number {ref} "
                            "already exists", ref=code)


def _sku_values(data: dict, *, product, sku=None) -> dict:
    """Validate the SKU fields present in `data`; full set required for a new SKU."""
    values = {}
    if sku is None or "code" in data:
        values["code"] = _code(data.get("code"), label="商家编码", label_en="SKU code",
                               max_length=60, code="sku_code")
        other = Sku.objects.filter(code=values["code"]).select_related("product")
        if sku is not None:
            other = other.exclude(pk=sku.pk)
        other = other.first()
        if other is not None:
            raise ConflictError("sku_code_taken", "商家编码 {ref} 已被商品 {product} 使用",
                                "SKU code {ref} is already used by {product}",
                                ref=values["code"], product=other.product)
    if sku is None or "barcode" in data:
        values["barcode"] = validate_barcode(data.get("barcode"))
        other = Sku.objects.filter(barcode=values["barcode"]).select_related("product")
        if sku is not None:
            other = other.exclude(pk=sku.pk)
        other = other.first()
        if other is not None:
            raise ConflictError("barcode_taken", "条码 {barcode} 已被 SKU {sku}（{product}）使用",
                                "Barcode {barcode} is already used by SKU {sku} ({product})",
                                barcode=values["barcode"], sku=other.code, product=other.product)
    if sku is None or "attributes" in data:
        values["attributes"] = parse_attributes(data.get("attributes") or {})
    if sku is None or "weight_g" in data:
        values["weight_g"] = _weight(data.get("weight_g", 0))
    for name, label in (("cost", "成本"), ("price", "售价")):
        fen = _fen(data, name, label)
        if fen is not None or sku is None:
            values[f"{name}_fen"] = fen or 0
    if "active" in data:
        values["active"] = bool(data["active"])
    return values


def _sku_display(values: dict) -> dict:
    shown = {}
    for name, value in values.items():
        if name in ("cost_fen", "price_fen"):
            value = format_fen(value)
        elif name == "attributes":
            value = format_attributes(value)
        shown[SKU_FIELDS.get(name, name)] = value
    return shown


def _snapshot(product) -> dict:
    """A product's editable fields as people read them (names, not ids) for the event."""
    out = {name: getattr(product, name) for name in TEXT_FIELDS}
    for name in REF_FIELDS:
        ref = getattr(product, name)
        out[name] = str(ref) if ref is not None else None
    return out


def _save_new_sku(product, values) -> Sku:
    try:
        with transaction.atomic():
            return Sku.objects.create(product=product, **values)
    except IntegrityError:
        # Another person took the code or barcode between our check and the insert.
        raise ConflictError("sku_taken", "商家编码 {ref} 或条码 {barcode} 刚被占用，请重试",
                            "SKU code {ref} or barcode {barcode} was just taken",
                            ref=values["code"], barcode=values["barcode"]) from None


def _touch(product):
    product.updated_at = timezone.now()
    Product.objects.filter(pk=product.pk).update(updated_at=product.updated_at)


# --- products -----------------------------------------------------------------------------


@transaction.atomic
def create_product(*, actor, code, title, selling_points="", description="", category=None,
                   brand=None, supplier=None, status=Product.Status.DRAFT, skus=()) -> Product:
    """A new product (草稿 unless told otherwise) with its SKUs, one event."""
    _check(actor)
    values = _product_values({"code": code, "title": title, "selling_points": selling_points,
                              "description": description, "category": category,
                              "brand": brand, "supplier": supplier})
    if status not in Product.Status.values:
        raise UserError("bad_status", "商品状态无效：{status}", "Invalid status: {status}",
                        status=status)
    _unique_code(values["code"])
    try:
        with transaction.atomic():
            product = Product.objects.create(status=status, **values)
    except IntegrityError:
        raise ConflictError("product_code_taken", "款号 {ref} 已存在", "Style number {ref} "
                            "already exists", ref=values["code"]) from None
    seen_codes, seen_barcodes, created = set(), set(), []
    for row in skus:
        sku_values = _sku_values(dict(row), product=product)
        if sku_values["code"] in seen_codes or sku_values["barcode"] in seen_barcodes:
            raise UserError("duplicate_sku_row", "商家编码 {ref} 或条码 {barcode} 在本商品中重复",
                            "SKU code {ref} or barcode {barcode} repeats within the product",
                            ref=sku_values["code"], barcode=sku_values["barcode"])
        seen_codes.add(sku_values["code"])
        seen_barcodes.add(sku_values["barcode"])
        created.append(_save_new_sku(product, sku_values))
    refresh_search_text(product)
    events.record(actor=actor, verb="product.created", obj=product,
                  summary=f"新建商品 {product.code}「{product.title}」，{len(created)} 个SKU",
                  data={"skus": [s.code for s in created], "status": status})
    return product


@transaction.atomic
def update_product(*, actor, product, **changes) -> dict:
    """Change any of code, title, selling points, description, category, brand, supplier
    (and status, through its transition map). Returns {field: [before, after]}."""
    _check(actor)
    unknown = set(changes) - set(PRODUCT_FIELDS) - {"status"}
    if unknown:
        raise UserError("bad_field", "不能修改字段：{fields}", "Cannot change: {fields}",
                        fields="、".join(sorted(unknown)))
    status = changes.pop("status", None)
    given, product = product, (Product.objects.select_related("category", "brand", "supplier")
                               .get(pk=product.pk))
    values = _product_values(changes)
    if "code" in values and values["code"] != product.code:
        _unique_code(values["code"], exclude=product)
    before = _snapshot(product)
    for name, value in values.items():
        setattr(product, name, value)
    after = _snapshot(product)
    diff = events.diff(before, after)
    if diff:
        product.updated_at = timezone.now()
        try:
            with transaction.atomic():
                product.save(update_fields=[*values, "updated_at"])
        except IntegrityError:
            raise ConflictError("product_code_taken", "款号 {ref} 已存在",
                                "Style number {ref} already exists", ref=product.code) from None
        refresh_search_text(product)
        events.record(actor=actor, verb="product.updated", obj=product, changes=diff,
                      summary=f"修改商品资料：{'、'.join(Product._meta.get_field(n).verbose_name for n in diff)}")
    if status is not None and status != product.status:
        diff["status"] = change_status(actor=actor, product=product, status=status)
    if given is not product:
        given.refresh_from_db()
    return diff


@transaction.atomic
def change_status(*, actor, product, status, reason="") -> list:
    """草稿 → 在售 → 停产 (and back to 在售). Returns [before, after]."""
    _check(actor)
    before = transition(product, status, STATUS_MOVES, field="status", machine="商品状态",
                        updated_at=timezone.now())
    labels = dict(Product.Status.choices)
    events.record(actor=actor, verb="product.status_changed", obj=product,
                  changes={"status": [before, status]}, data={"reason": reason},
                  summary=f"{labels[before]} → {labels[status]}" + (f"：{reason}" if reason else ""))
    return [before, status]


# --- SKUs ---------------------------------------------------------------------------------


@transaction.atomic
def add_sku(*, actor, product, code, barcode, attributes=None, weight_g=0, cost_fen=None,
            price_fen=None, cost=None, price=None) -> Sku:
    _check(actor)
    data = {"code": code, "barcode": barcode, "attributes": attributes or {},
            "weight_g": weight_g, "cost_fen": cost_fen, "price_fen": price_fen, "cost": cost,
            "price": price}
    values = _sku_values(data, product=product)
    sku = _save_new_sku(product, values)
    _touch(product)
    refresh_search_text(product)
    events.record(actor=actor, verb="sku.added", obj=product, summary=f"新增SKU {sku}",
                  changes={k: [None, v] for k, v in _sku_display(values).items()},
                  data={"sku_id": sku.pk, "sku_code": sku.code})
    return sku


@transaction.atomic
def update_sku(*, actor, sku, **changes) -> dict:
    """Change a SKU's code, barcode, attributes, weight, cost, base price or active flag.
    Returns the changes as recorded ({label: [before, after]})."""
    _check(actor)
    allowed = {"code", "barcode", "attributes", "weight_g", "cost_fen", "cost", "price_fen",
               "price", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise UserError("bad_field", "不能修改字段：{fields}", "Cannot change: {fields}",
                        fields="、".join(sorted(unknown)))
    sku = Sku.objects.select_related("product").get(pk=sku.pk)
    values = _sku_values(changes, product=sku.product, sku=sku)
    values = {k: v for k, v in values.items() if getattr(sku, k) != v}
    if "price_fen" in values and sku.product.status != Product.Status.DRAFT:
        raise UserError("price_needs_proposal",
                        "商品「{product}」已不是草稿，基准售价须通过调价申请修改（CAT-4）",
                        "The product is no longer a draft: change its price through a price "
                        "proposal", product=sku.product.title)
    if not values:
        return {}
    before = _sku_display({k: getattr(sku, k) for k in values})
    for name, value in values.items():
        setattr(sku, name, value)
    try:
        with transaction.atomic():
            sku.save(update_fields=list(values))
    except IntegrityError:
        raise ConflictError("sku_taken", "商家编码或条码刚被占用，请重试",
                            "The SKU code or barcode was just taken") from None
    after = _sku_display(values)
    diff = {k: [before[k], after[k]] for k in after}
    _touch(sku.product)
    if {"code", "barcode"} & set(values):
        refresh_search_text(sku.product)
    verb = "sku.deactivated" if values.get("active") is False and len(values) == 1 else "sku.updated"
    events.record(actor=actor, verb=verb, obj=sku.product, summary=f"SKU {sku.code}",
                  changes=diff, data={"sku_id": sku.pk, "sku_code": sku.code})
    return diff


@transaction.atomic
def deactivate_sku(*, actor, sku, reason="") -> bool:
    """Stop selling one variant. SKUs are never deleted: orders and stock refer to them.
    Returns False when it was already inactive."""
    _check(actor)
    if not Sku.objects.filter(pk=sku.pk, active=True).update(active=False):
        return False
    sku.active = False
    _touch(sku.product)
    events.record(actor=actor, verb="sku.deactivated", obj=sku.product,
                  summary=f"停用SKU {sku.code}" + (f"：{reason}" if reason else ""),
                  changes={f"{sku.code} 启用": [True, False]},
                  data={"sku_id": sku.pk, "sku_code": sku.code, "reason": reason})
    return True


@transaction.atomic
def save_product(*, actor, product=None, fields: dict, skus: list[dict]) -> Product:
    """The product form and its SKU rows saved together, all or nothing.

    Each row: {"id": existing sku pk or None, "remove": bool, ...SKU fields}. A removed
    existing row is deactivated; a row with no id is a new SKU."""
    _check(actor)
    if product is None:
        new_rows = [r for r in skus if not r.get("id") and not r.get("remove")]
        return create_product(actor=actor, **fields, skus=new_rows)
    update_product(actor=actor, product=product, **fields)
    existing = {s.pk: s for s in Sku.objects.filter(product=product)}
    for row in skus:
        row = dict(row)
        pk, remove = row.pop("id", None), row.pop("remove", False)
        if pk and int(pk) not in existing:
            raise UserError("bad_sku", "SKU 不属于本商品", "The SKU does not belong to this product")
        if pk and remove:
            deactivate_sku(actor=actor, sku=existing[int(pk)])
        elif pk:
            update_sku(actor=actor, sku=existing[int(pk)], **row)
        elif not remove:
            add_sku(actor=actor, product=product, **row)
    product.refresh_from_db()
    return product

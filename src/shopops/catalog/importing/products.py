"""Products import (CAT-9, CAT-1): one row per SKU; rows with the same 款号 are one product.

A column left out of the file, or a cell left blank, keeps what the database has; a
blank cell never clears anything. New products arrive as drafts (上架 needs approval,
CAT-2). A SKU of a product already on sale keeps its price: that change goes through a
price-change proposal (CAT-4) — the prices import makes those.

Writing is a handful of bulk statements whatever the number of rows (bulk_create and
bulk_update in batches), so 10,000 rows take seconds.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from shopops.catalog.models import Category, Product, Sku
from shopops.core import events
from shopops.core.money import format_fen

from . import refs
from .validate import (
    CellError,
    Result,
    Row,
    Sheet,
    barcode,
    chunks,
    code_text,
    mark_duplicates,
    money,
    progress_every,
    text_max,
    whole_number,
)

MAX_WEIGHT_G = 1_000_000
PRODUCT_KEYS = ("title", "category", "brand", "supplier")
REF_FIELD = {"category": "category_id", "brand": "brand_id", "supplier": "supplier_id"}
SKU_FIELDS = ("barcode", "attributes", "weight_g", "cost_fen", "price_fen")
SKU_LABELS = {"barcode": "条码", "attributes": "规格", "weight_g": "重量(克)",
              "cost_fen": "成本价", "price_fen": "售价"}
BATCH = 500


@dataclass
class SkuPlan:
    row: int
    code: str
    values: dict  # the SKU_FIELDS the row gives
    existing: dict | None = None
    changes: dict = field(default_factory=dict)  # field → [before, after] as people read it


@dataclass
class ProductPlan:
    code: str
    first_row: int
    values: dict = field(default_factory=dict)  # title, category_id, brand_id, supplier_id
    shown: dict = field(default_factory=dict)  # the same as people read them
    existing: dict | None = None
    skus: list[SkuPlan] = field(default_factory=list)
    changes: dict = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        return self.existing is None or bool(self.changes) or any(
            s.existing is None or s.changes for s in self.skus)


# --- checking -----------------------------------------------------------------------------


def _existing(sheet: Sheet):
    product_codes = {r.get("product_code") for r in sheet.rows} - {""}
    sku_codes = {r.get("sku_code") for r in sheet.rows} - {""}
    barcodes = {r.get("barcode") for r in sheet.rows} - {""}
    products = {}
    for part in chunks(product_codes):
        for row in Product.objects.filter(code__in=part).values(
                "pk", "code", "title", "status", "category_id", "brand_id", "supplier_id"):
            products[row["code"]] = row
    skus = {}
    for part in chunks(sku_codes):
        for row in Sku.objects.filter(code__in=part).values(
                "pk", "code", "product_id", "product__code", *SKU_FIELDS):
            skus[row["code"]] = row
    owners = {}
    for part in chunks(barcodes):
        owners.update(Sku.objects.filter(barcode__in=part).values_list("barcode", "code"))
    return products, skus, owners


def check(sheet: Sheet, result: Result, *, actor, progress, context):
    products, skus, owners = _existing(sheet)
    lookups = {"category": refs.categories(), "brand": refs.brands(),
               "supplier": refs.suppliers()}
    bad = mark_duplicates(
        result, sheet, lambda r: r.get("sku_code"), "sku_code",
        lambda key, others: (f"商家编码 {key} 在文件中重复（另见第 {_rows(others)} 行）",
                             f"SKU code {key} repeats in the file (rows {_rows(others)})"))
    bad |= mark_duplicates(
        result, sheet, lambda r: r.get("barcode"), "barcode",
        lambda key, others: (f"条码 {key} 在文件中重复（另见第 {_rows(others)} 行）",
                             f"Barcode {key} repeats in the file (rows {_rows(others)})"))
    plans: dict[str, ProductPlan] = {}
    every = progress_every(len(sheet.rows))
    for index, row in enumerate(sheet.rows, start=1):
        if index % every == 0:
            progress(index)
        errors_before = len(result.errors)
        parsed = _read_row(row, sheet, result, lookups, skus, owners)
        if parsed is None or len(result.errors) > errors_before or row.number in bad:
            continue
        product_code, product_values, shown, sku_plan = parsed
        plan = plans.get(product_code)
        if plan is None:
            plan = plans[product_code] = ProductPlan(product_code, row.number,
                                                     existing=products.get(product_code))
        _merge_product(plan, product_values, shown, row, sheet, result)
        plan.skus.append(sku_plan)
    progress(len(sheet.rows))
    for plan in plans.values():
        _finish(plan, sheet, result, lookups)
    result.plan = list(plans.values())
    result.summary = _summary(result.plan)


def _rows(numbers) -> str:
    return "、".join(str(n) for n in numbers)


def _read_row(row: Row, sheet: Sheet, result: Result, lookups, skus, owners):
    def err(key, zh, en=""):
        result.error(row.number, sheet.header(key), zh, en)

    def cell(key, reader, *args):
        try:
            return reader(row.get(key), *args)
        except CellError as exc:
            err(key, exc.message, exc.message_en)
            return None

    product_code, sku_code = row.get("product_code"), row.get("sku_code")
    if not product_code:
        err("product_code", "款号不能为空", "The style number is required")
    else:
        cell("product_code", code_text, 40)
    if not sku_code:
        err("sku_code", "商家编码不能为空", "The SKU code is required")
    else:
        cell("sku_code", code_text, 60)
    existing = skus.get(sku_code)
    if existing and product_code and existing["product__code"] != product_code:
        err("sku_code", f"商家编码 {sku_code} 已属于款号 {existing['product__code']}，不能改到款号 "
                        f"{product_code} 下", f"SKU code {sku_code} belongs to style "
                        f"{existing['product__code']}")
    code = row.get("barcode")
    if not code:
        err("barcode", "条码不能为空", "The barcode is required")
    elif not (existing and existing["barcode"] == code):
        cell("barcode", barcode)
        owner = owners.get(code)
        if owner is not None and owner != sku_code:
            err("barcode", f"条码 {code} 已被商家编码 {owner} 使用",
                f"Barcode {code} is already used by SKU {owner}")
    values, shown = {}, {}
    title = row.get("title")
    if title and cell("title", text_max, 200) is not None:
        values["title"] = shown["title"] = title
    for key in ("category", "brand", "supplier"):
        if row.get(key):
            pk, problem = lookups[key].find(row.get(key))
            if problem:
                err(key, *problem)
            else:
                values[REF_FIELD[key]], shown[key] = pk, lookups[key].shown[pk]
    sku_values = {"barcode": code}
    weight = cell("weight_g", whole_number, MAX_WEIGHT_G)
    cost, price = cell("cost", money), cell("price", money)
    if weight is not None:
        sku_values["weight_g"] = weight
    if cost is not None:
        sku_values["cost_fen"] = cost
    if price is not None:
        sku_values["price_fen"] = price
    attributes = {}
    for name in sheet.attributes:
        value = row.get(f"attr:{name}")
        if value and cell(f"attr:{name}", text_max, 60) is not None:
            attributes[name] = value
    if sheet.attributes:
        sku_values["attributes"] = attributes
    plan = SkuPlan(row.number, sku_code, sku_values, existing)
    return product_code, values, shown, plan


def _merge_product(plan: ProductPlan, values: dict, shown: dict, row: Row, sheet: Sheet,
                   result: Result):
    """Rows of one product may repeat its title, category… or leave them blank; two rows
    saying different things is an error on the later one."""
    for key in PRODUCT_KEYS:
        field_name = REF_FIELD.get(key, key)
        if field_name not in values:
            continue
        if field_name in plan.values and plan.values[field_name] != values[field_name]:
            result.error(row.number, sheet.header(key),
                         f"同一款号 {plan.code} 的{sheet.header(key)}与第 {plan.first_row} 行不一致"
                         f"（「{shown[key]}」≠「{plan.shown[key]}」）",
                         f"Differs from row {plan.first_row} for style {plan.code}")
            continue
        plan.values[field_name] = values[field_name]
        plan.shown[key] = shown[key]


def _finish(plan: ProductPlan, sheet: Sheet, result: Result, lookups):
    existing = plan.existing
    if existing is None:
        if "title" not in plan.values:
            result.error(plan.first_row, sheet.header("title"), "新商品必须填写商品标题",
                         "A new product needs a title")
        if "category_id" not in plan.values:
            result.error(plan.first_row, sheet.header("category"), "新商品必须填写类目",
                         "A new product needs a category")
    else:
        for key in PRODUCT_KEYS:
            field_name = REF_FIELD.get(key, key)
            if field_name in plan.values and plan.values[field_name] != existing[field_name]:
                before = existing[field_name]
                if key != "title" and before is not None:
                    before = lookups[key].shown.get(before, before)
                plan.changes[key] = [before, plan.shown[key]]
    on_sale = existing is not None and existing["status"] != Product.Status.DRAFT
    for sku in plan.skus:
        _finish_sku(sku, sheet, result, on_sale)


def _finish_sku(sku: SkuPlan, sheet: Sheet, result: Result, on_sale: bool):
    values, existing = sku.values, sku.existing
    if existing is None:
        if "price_fen" not in values:
            result.error(sku.row, sheet.header("price"), "新SKU必须填写售价",
                         "A new SKU needs a price")
        elif values["price_fen"] <= 0:
            result.error(sku.row, sheet.header("price"), "售价必须大于 0",
                         "The price must be above zero")
        return
    if "attributes" in values:
        merged = dict(existing["attributes"] or {})
        for name in sheet.attributes:
            merged.pop(name, None)
        values["attributes"] = {**values["attributes"], **merged}
    for name in SKU_FIELDS:
        if name in values and values[name] != existing[name]:
            sku.changes[name] = [_shown(name, existing[name]), _shown(name, values[name])]
    if "price_fen" in sku.changes and on_sale:
        result.error(sku.row, sheet.header("price"),
                     f"商品已在售，售价不能在此修改（现价 {format_fen(existing['price_fen'])}）："
                     "请用「价格」导入提出调价申请（CAT-4）",
                     "The product is on sale: change its price through a price import "
                     "(a price-change proposal)")


def _shown(name, value):
    if name in ("cost_fen", "price_fen"):
        return format_fen(value)
    if name == "attributes":
        return " / ".join(f"{k}:{v}" for k, v in (value or {}).items())
    return value


def _summary(plans: list[ProductPlan]) -> dict:
    skus = [s for p in plans for s in p.skus]
    return {
        "products_new": sum(1 for p in plans if p.existing is None),
        "products_updated": sum(1 for p in plans if p.existing is not None and p.touched),
        "products_unchanged": sum(1 for p in plans if not p.touched),
        "skus_new": sum(1 for s in skus if s.existing is None),
        "skus_updated": sum(1 for s in skus if s.existing is not None and s.changes),
        "skus_unchanged": sum(1 for s in skus if s.existing is not None and not s.changes),
    }


# --- writing ------------------------------------------------------------------------------


def apply(plans: list[ProductPlan], *, actor, job) -> dict:
    now = timezone.now()
    new = [p for p in plans if p.existing is None]
    changed = [p for p in plans if p.existing is not None and p.touched]
    texts = _new_search_texts(new)
    created = Product.objects.bulk_create(
        [Product(code=p.code, status=Product.Status.DRAFT, created_at=now, updated_at=now,
                 search_text=texts[p.code], **p.values) for p in new], batch_size=BATCH)
    ids = {p.code: p.pk for p in created}
    ids.update({p.code: p.existing["pk"] for p in changed})
    Product.objects.bulk_update(
        [Product(pk=p.existing["pk"], updated_at=now,
                 **{f: p.values.get(f, p.existing[f]) for f in
                    ("title", "category_id", "brand_id", "supplier_id")}) for p in changed],
        ["title", "category_id", "brand_id", "supplier_id", "updated_at"], batch_size=BATCH)
    Sku.objects.bulk_create(
        [Sku(product_id=ids[p.code], code=s.code, **{"attributes": {}, "weight_g": 0,
                                                     "cost_fen": 0, **s.values})
         for p in new + changed for s in p.skus if s.existing is None], batch_size=BATCH)
    Sku.objects.bulk_update(
        [Sku(pk=s.existing["pk"], **{f: s.values.get(f, s.existing[f]) for f in SKU_FIELDS})
         for p in changed for s in p.skus if s.existing is not None and s.changes],
        list(SKU_FIELDS), batch_size=BATCH)
    refresh_search_texts([p.existing["pk"] for p in changed])
    _record_many(actor, [_created(plan, ids[plan.code], job) for plan in new]
                 + [_updated(plan, ids[plan.code], job) for plan in changed])
    return _summary(plans)


def _created(plan, pk, job) -> dict:
    return dict(verb="product.created", object_id=pk,
                object_repr=f"{plan.values['title']}（{plan.code}）",
                summary=f"批量导入新建商品 {plan.code}「{plan.values['title']}」，"
                        f"{len(plan.skus)} 个SKU（导入任务 #{job.pk}）",
                changes={}, data={"skus": [s.code for s in plan.skus],
                                  "status": Product.Status.DRAFT, "import_job": job.pk})


def _updated(plan, pk, job) -> dict:
    changes = dict(plan.changes)
    added = [s.code for s in plan.skus if s.existing is None]
    for sku in plan.skus:
        for name, pair in sku.changes.items():
            changes[f"SKU {sku.code} {SKU_LABELS[name]}"] = pair
    title = plan.values.get("title", plan.existing["title"])
    summary = f"批量导入修改商品 {plan.code}（导入任务 #{job.pk}）"
    if added:
        summary += f"，新增SKU {'、'.join(added)}"
    return dict(verb="product.updated", object_id=pk, object_repr=f"{title}（{plan.code}）",
                summary=summary, changes=changes,
                data={"import_job": job.pk, "skus_added": added})


def _record_many(actor, entries: list[dict]):
    # One bulk INSERT: 2,000 products' events in a fraction of a second.
    events.record_many(actor=actor, object_type="catalog.product", entries=entries,
                       batch_size=BATCH)


def _search_text(parts) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip()).lower()


def _category_names():
    rows = list(Category.objects.values_list("pk", "name", "path"))
    names = {pk: name for pk, name, _ in rows}
    out = {}
    for pk, name, path in rows:
        ids = [int(p) for p in (path or "").strip("/").split("/") if p.isdigit()]
        out[pk] = [names[i] for i in ids if i in names] if ids else [name]
    return out


def _new_search_texts(plans: list[ProductPlan]) -> dict[str, str]:
    """The search text of products about to be created, from what the plan holds."""
    from shopops.catalog.models import Brand
    from shopops.purchasing.models import Supplier

    brands = {pk: (name, en) for pk, name, en in Brand.objects.filter(
        pk__in={p.values.get("brand_id") for p in plans}).values_list("pk", "name", "name_en")}
    suppliers = dict(Supplier.objects.filter(
        pk__in={p.values.get("supplier_id") for p in plans}).values_list("pk", "name"))
    categories = _category_names()
    texts = {}
    for plan in plans:
        parts = [plan.code, plan.values.get("title")]
        parts += brands.get(plan.values.get("brand_id"), ())
        parts.append(suppliers.get(plan.values.get("supplier_id")))
        parts += categories.get(plan.values.get("category_id"), [])
        for sku in sorted(plan.skus, key=lambda s: s.code):
            parts += [sku.code, sku.values["barcode"]]
        texts[plan.code] = _search_text(parts)
    return texts


def refresh_search_texts(product_ids: list[int]):
    """catalog.search.build_search_text for many products in four queries (the same text:
    code, title, selling points, brand, supplier, category names, SKU codes and barcodes)."""
    if not product_ids:
        return
    categories = _category_names()
    updates = []
    for part in chunks(product_ids):
        sku_parts: dict[int, list[str]] = {}
        for product_id, code, bar in Sku.objects.filter(product_id__in=part).order_by(
                "product_id", "code").values_list("product_id", "code", "barcode"):
            sku_parts.setdefault(product_id, []).extend([code, bar])
        rows = Product.objects.filter(pk__in=part).values_list(
            "pk", "code", "title", "selling_points", "brand__name", "brand__name_en",
            "supplier__name", "category_id", "search_text")
        for pk, code, title, points, brand, brand_en, supplier, category_id, old in rows:
            parts = [code, title, points, brand, brand_en, supplier]
            parts += categories.get(category_id, [])
            parts += sku_parts.get(pk, [])
            text = _search_text(parts)
            if text != old:
                updates.append(Product(pk=pk, search_text=text))
    Product.objects.bulk_update(updates, ["search_text"], batch_size=BATCH)

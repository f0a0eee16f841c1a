"""Product information sent in by branches and brand merchants (CAT-5): held for review,
accepted into the catalog as a draft (through actions/products.py), or returned with the
reasons it must be collected again (要求重新采集). The submitter hears either way.

The payload is checked when it is sent (shape, barcodes, category and brand exist, no
code or barcode belongs to a different product), so what reaches the queue is readable;
accepting checks everything again through the product actions, all or nothing.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require, user_can
from shopops.core.errors import NotFoundError, PermissionDeniedError, UserError
from shopops.core.notify import notify
from shopops.core.states import transition

from ..barcodes import validate_barcode
from ..models import Brand, Category, Product, Sku, Submission
from ..search import category_names
from . import products as product_actions

SUBMIT = "catalog.submit_info"
REVIEW = "catalog.review_submissions"
MOVES = {
    Submission.State.PENDING: {Submission.State.ACCEPTED, Submission.State.RETURNED},
    Submission.State.RETURNED: {Submission.State.PENDING},
}
MAX_SKUS = 200
RETURN_TITLE = "要求重新采集"


# --- the payload --------------------------------------------------------------------------


def resolve_category(value):
    """A category from its id, its path ("女装/连衣裙", "女装 › 连衣裙") or a unique name."""
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        return value
    if isinstance(value, int) or str(value).isdigit():
        found = Category.objects.filter(pk=int(value)).first()
        if found:
            return found
    text = str(value).strip()
    parts = [p.strip() for p in text.replace("›", "/").replace(">", "/").split("/") if p.strip()]
    candidates = list(Category.objects.filter(name=parts[-1])) if parts else []
    matches = [c for c in candidates if category_names(c)[-len(parts):] == parts]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UserError("ambiguous_category", "类目「{value}」有多个同名，请写完整路径，如「女装/连衣裙」",
                        "Several categories are called '{value}': give the full path",
                        value=text)
    raise UserError("unknown_category", "类目「{value}」不存在", "No category '{value}'", value=text)


def resolve_brand(value):
    if value in (None, ""):
        return None
    if isinstance(value, Brand):
        return value
    text = str(value).strip()
    found = Brand.objects.filter(name__iexact=text).first() or (
        Brand.objects.filter(pk=int(text)).first() if text.isdigit() else None)
    if found is None:
        raise UserError("unknown_brand", "品牌「{value}」不存在", "No brand '{value}'", value=text)
    return found


def _int(value, label) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise UserError("bad_number", "{label}「{value}」无效", "Invalid {label}: {value}",
                        label=label, value=value)
    return number


def clean_payload(payload) -> dict:
    """The payload as stored: codes checked, category/brand resolved, money in fen."""
    if not isinstance(payload, dict):
        raise UserError("bad_payload", "商品信息格式不正确", "The product information is malformed")
    code = product_actions._code(payload.get("code"), label="款号", label_en="Style number",
                                 max_length=40, code="product_code")
    title = str(payload.get("title") or "").strip()
    if not title:
        raise UserError("title_required", "商品标题不能为空", "The title is required")
    category = resolve_category(payload.get("category"))
    brand = resolve_brand(payload.get("brand"))
    rows = payload.get("skus") or []
    if not isinstance(rows, list) or not rows:
        raise UserError("skus_required", "至少需要一个SKU（规格、商家编码、条码）",
                        "At least one SKU is required")
    if len(rows) > MAX_SKUS:
        raise UserError("too_many_skus", "一次最多报送 {max} 个SKU", "At most {max} SKUs",
                        max=MAX_SKUS)
    skus, seen_codes, seen_barcodes = [], set(), set()
    for row in rows:
        if not isinstance(row, dict):
            raise UserError("bad_payload", "SKU 信息格式不正确", "A SKU entry is malformed")
        sku_code = product_actions._code(row.get("code"), label="商家编码", label_en="SKU code",
                                         max_length=60, code="sku_code")
        barcode = validate_barcode(row.get("barcode"))
        if sku_code in seen_codes or barcode in seen_barcodes:
            raise UserError("duplicate_sku_row", "商家编码 {ref} 或条码 {barcode} 重复",
                            "SKU code {ref} or barcode {barcode} repeats", ref=sku_code,
                            barcode=barcode)
        seen_codes.add(sku_code)
        seen_barcodes.add(barcode)
        skus.append({
            "code": sku_code, "barcode": barcode,
            "attributes": product_actions.parse_attributes(row.get("attributes") or {}),
            "price_fen": product_actions._fen(row, "price", "售价") or 0,
            "cost_fen": product_actions._fen(row, "cost", "成本") or 0,
            "weight_g": _int(row.get("weight_g") or 0, "重量（克）"),
        })
    # A code or barcode already used by a *different* product can never be accepted.
    taken = (Sku.objects.filter(barcode__in=seen_barcodes) | Sku.objects.filter(
        code__in=seen_codes)).exclude(product__code=code).select_related("product").first()
    if taken is not None:
        raise UserError("sku_belongs_elsewhere", "商家编码 {ref} / 条码 {barcode} 已属于商品 {product}",
                        "SKU {ref} / barcode {barcode} already belongs to {product}",
                        ref=taken.code, barcode=taken.barcode, product=taken.product)
    return {
        "code": code, "title": title[:200],
        "selling_points": str(payload.get("selling_points") or "").strip(),
        "description": str(payload.get("description") or "").strip(),
        "category": " › ".join(category_names(category)) if category else "",
        "category_id": category.pk if category else None,
        "brand": brand.name if brand else "", "brand_id": brand.pk if brand else None,
        "skus": skus,
    }


# --- submitting ---------------------------------------------------------------------------


def _reviewers():
    from shopops.accounts.models import Role
    from shopops.accounts.queries import users_with_roles

    codes = [r.code for r in Role.objects.all() if REVIEW in (r.capabilities or [])]
    return [u for u in users_with_roles(codes) if user_can(u, REVIEW)]


def _link(submission) -> str:
    return reverse("catalog:submission_detail", args=[submission.pk])


@transaction.atomic
def submit_info(*, actor, payload, source=None, source_channel=None) -> Submission:
    """A branch (source_channel) or merchant (source) sends product information in."""
    if actor is not None:
        require(actor, SUBMIT)
    cleaned = clean_payload(payload)
    submission = Submission.objects.create(
        payload=cleaned, source=source, source_channel=source_channel,
        submitted_by=actor if actor is not None and actor.pk else None)
    events.record(actor=actor, verb="submission.submitted", obj=submission,
                  summary=f"{_origin(submission)}报送 {cleaned['code']}「{cleaned['title']}」，"
                          f"{len(cleaned['skus'])} 个SKU")
    transaction.on_commit(lambda: notify(
        _reviewers(), title=f"待审核商品信息：{cleaned['title']}", link=_link(submission),
        body=f"{_origin(submission)}报送，款号 {cleaned['code']}", category="catalog"))
    return submission


def _origin(submission) -> str:
    if submission.source_id:
        return f"{submission.source.name} "
    if submission.source_channel_id:
        return f"{submission.source_channel.name} "
    return ""


@transaction.atomic
def resubmit(*, actor, submission, payload) -> Submission:
    """The submitter sends a returned submission again, corrected."""
    require(actor, SUBMIT)
    if submission.submitted_by_id != actor.pk:
        raise PermissionDeniedError("not_your_submission", "只有提交人可以重新报送",
                                    "Only the submitter can send it again")
    cleaned = clean_payload(payload)
    before = submission.reasons
    transition(submission, Submission.State.PENDING, MOVES, machine="商品信息报送",
               payload=cleaned, reasons="", submitted_at=timezone.now(), reviewer=None,
               reviewed_at=None)
    events.record(actor=actor, verb="submission.resubmitted", obj=submission,
                  summary=f"按退回意见重新报送「{cleaned['title']}」", data={"reasons": before})
    transaction.on_commit(lambda: notify(
        _reviewers(), title=f"重新报送待审核：{cleaned['title']}", link=_link(submission),
        category="catalog"))
    return submission


# --- reviewing ----------------------------------------------------------------------------


def _apply(actor, submission) -> tuple[Product, bool, list[str]]:
    """Create or update the product from the payload: (product, created, notes)."""
    data, notes = submission.payload, []
    category = resolve_category(data.get("category_id") or data.get("category"))
    brand = resolve_brand(data.get("brand_id") or data.get("brand"))
    product = Product.objects.filter(code=data["code"]).first()
    sku_rows = [{k: row.get(k) for k in ("code", "barcode", "attributes", "weight_g",
                                         "price_fen", "cost_fen")} for row in data["skus"]]
    if product is None:
        supplier = submission.source if submission.source_id else None
        product = product_actions.create_product(
            actor=actor, code=data["code"], title=data["title"],
            selling_points=data.get("selling_points", ""),
            description=data.get("description", ""), category=category, brand=brand,
            supplier=supplier, status=Product.Status.DRAFT, skus=sku_rows)
        return product, True, notes
    # What was left empty keeps its current value rather than wiping it.
    changes = {k: data[k] for k in ("title", "selling_points", "description") if data.get(k)}
    if category is not None:
        changes["category"] = category
    if brand is not None:
        changes["brand"] = brand
    product_actions.update_product(actor=actor, product=product, **changes)
    existing = {s.code: s for s in Sku.objects.filter(product=product)}
    for row in sku_rows:
        sku = existing.get(row["code"])
        if sku is None:
            product_actions.add_sku(actor=actor, product=product, **row)
            continue
        row.pop("code")
        if product.status != Product.Status.DRAFT and row["price_fen"] != sku.price_fen:
            notes.append(f"{sku.code} 售价未改（在售商品调价须走申请）")
            row.pop("price_fen")
        product_actions.update_sku(actor=actor, sku=sku, **row)
    return product, False, notes


@transaction.atomic
def accept_submission(*, actor, submission) -> Product:
    require(actor, REVIEW)
    transition(submission, Submission.State.ACCEPTED, MOVES, machine="商品信息报送",
               reviewer=actor, reviewed_at=timezone.now())
    product, created, notes = _apply(actor, submission)
    Submission.objects.filter(pk=submission.pk).update(product=product)
    submission.product = product
    events.record(actor=actor, verb="submission.accepted", obj=submission,
                  summary=f"审核通过，{'新建' if created else '更新'}商品 "
                          f"{product.code}" + (f"；{'；'.join(notes)}" if notes else ""),
                  data={"product_id": product.pk, "notes": notes})
    if submission.submitted_by_id:
        transaction.on_commit(lambda: notify(
            [submission.submitted_by], title=f"商品信息已审核通过：{submission.payload['title']}",
            link=_link(submission), category="catalog"))
    return product


def clean_reasons(reasons) -> list[str]:
    if isinstance(reasons, str):
        reasons = reasons.splitlines()
    return [str(r).strip() for r in (reasons or []) if str(r).strip()]


@transaction.atomic
def return_submission(*, actor, submission, reasons) -> Submission:
    """Send it back to be collected again; at least one reason is required."""
    require(actor, REVIEW)
    lines = clean_reasons(reasons)
    if not lines:
        raise UserError("reasons_required", "退回时必须写明原因（要求重新采集的内容）",
                        "Say why it goes back: what must be collected again")
    text = "\n".join(lines)
    transition(submission, Submission.State.RETURNED, MOVES, machine="商品信息报送",
               reasons=text, reviewer=actor, reviewed_at=timezone.now())
    events.record(actor=actor, verb="submission.returned", obj=submission,
                  summary=f"{RETURN_TITLE}：{'；'.join(lines)}"[:500], data={"reasons": lines})
    if submission.submitted_by_id:
        transaction.on_commit(lambda: notify(
            [submission.submitted_by],
            title=f"{RETURN_TITLE}：{submission.payload.get('title', '')}",
            body="\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1)),
            link=_link(submission), category="catalog"))
    return submission


def visible_to(user, submission) -> bool:
    return user_can(user, REVIEW) or submission.submitted_by_id == user.pk


def get_visible(user, pk) -> Submission:
    submission = Submission.objects.select_related(
        "source", "source_channel", "submitted_by", "reviewer", "product").filter(pk=pk).first()
    if submission is None or not visible_to(user, submission):
        raise NotFoundError("no_submission", "没有这条报送记录", "No such submission")
    return submission

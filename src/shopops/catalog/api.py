"""/api/v1/catalog — products, barcode lookup, the live shelf, and product information sent
in by branches and brand merchants (CAT-1, CAT-5, CAT-6).

Errors are the actions' UserErrors, answered as 4xx JSON {"code", "message", "message_en"}.
Input schemas default every field so that a caller without the capability gets 403, not a
validation error, and a caller with it gets the action's own Chinese message."""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError, UserError
from shopops.purchasing.models import Supplier

from .actions import submissions as submission_actions
from .models import Category, Channel, Product, ShelfSlot, Sku
from .queries import live_shelf, product_detail, product_rows

router = Router(tags=["catalog"])
MAX_LIMIT = 200


class SkuOut(Schema):
    id: int
    code: str
    barcode: str
    attributes: dict
    weight_g: int
    cost_fen: int
    price_fen: int
    active: bool


class ProductOut(Schema):
    id: int
    code: str
    title: str
    status: str
    status_label: str
    category: str | None
    brand: str | None
    sku_count: int
    price_min_fen: int | None
    price_max_fen: int | None


class ProductDetailOut(Schema):
    id: int
    code: str
    title: str
    selling_points: str
    description: str
    status: str
    category: str | None
    brand: str | None
    supplier: str | None
    skus: list[SkuOut]
    image_urls: list[str]


class ProductPage(Schema):
    count: int
    items: list[ProductOut]


class BarcodeOut(Schema):
    sku: SkuOut
    product_id: int
    product_code: str
    product_title: str


class ShelfSectionOut(Schema):
    section: str
    products: list[ProductOut]


class SkuIn(Schema):
    code: str = ""
    barcode: str = ""
    attributes: dict[str, str] | str = Field(default_factory=dict)
    price_fen: int | None = None
    cost_fen: int | None = None
    price: str | None = Field(None, description="元，如 \"199.00\"（与 price_fen 二选一）")
    cost: str | None = Field(None, description="元（与 cost_fen 二选一）")
    weight_g: int = 0


class SubmissionIn(Schema):
    code: str = Field("", description="款号")
    title: str = ""
    selling_points: str = ""
    description: str = ""
    category: str | int | None = Field(None, description="类目：编号、路径「女装/连衣裙」或名称")
    brand: str | int | None = Field(None, description="品牌名称或编号")
    skus: list[SkuIn] = Field(default_factory=list)
    source: str = Field("", description="来源商家编码（品牌商/联营商家）")
    source_channel: str = Field("", description="来源分店的渠道编码")


class SubmissionOut(Schema):
    id: int
    state: str
    state_label: str
    reasons: list[str]
    payload: dict
    product_id: int | None
    submitted_at: datetime
    reviewed_at: datetime | None


def _brief(product) -> dict:
    return {"id": product.pk, "code": product.code, "title": product.title,
            "status": product.status, "status_label": product.get_status_display(),
            "category": product.category.name if product.category_id else None,
            "brand": product.brand.name if product.brand_id else None,
            "sku_count": getattr(product, "sku_count", 0),
            "price_min_fen": getattr(product, "price_min", None),
            "price_max_fen": getattr(product, "price_max", None)}


def _submission(submission) -> dict:
    return {"id": submission.pk, "state": submission.state,
            "state_label": submission.get_state_display(),
            "reasons": [r for r in submission.reasons.splitlines() if r.strip()],
            "payload": submission.payload, "product_id": submission.product_id,
            "submitted_at": submission.submitted_at, "reviewed_at": submission.reviewed_at}


@router.get("/products", response=ProductPage, summary="商品列表与搜索 / products")
@api_access("catalog.view")
def products(request, q: str = "", status: str = "", category: int | None = None,
             limit: int = 50, offset: int = 0):
    cat = Category.objects.filter(pk=category).first() if category else None
    rows = product_rows(q=q, category=cat, status=status if status in Product.Status.values
                        else "")
    limit = max(1, min(limit, MAX_LIMIT))
    page = list(rows[max(0, offset):max(0, offset) + limit])
    return {"count": rows.count(), "items": [_brief(p) for p in page]}


@router.get("/products/{int:product_id}", response=ProductDetailOut,
            summary="商品详情 / product")
@api_access("catalog.view")
def product(request, product_id: int):
    try:
        found = product_detail(product_id)
    except Product.DoesNotExist:
        raise NotFoundError("no_product", "没有这个商品", "No such product") from None
    images = [m for m in found.media.all() if m.kind == "image"]
    return {"id": found.pk, "code": found.code, "title": found.title,
            "selling_points": found.selling_points, "description": found.description,
            "status": found.status, "category": found.category.name if found.category_id else None,
            "brand": found.brand.name if found.brand_id else None,
            "supplier": found.supplier.name if found.supplier_id else None,
            "skus": list(found.skus.all()),
            "image_urls": [reverse("catalog:media_file", args=[m.pk]) for m in images]}


@router.get("/barcodes/{code}", response=BarcodeOut, summary="扫码查SKU / look up a barcode")
@api_access("catalog.view")
def barcode(request, code: str):
    sku = Sku.objects.select_related("product").filter(barcode=code.strip()).first()
    if sku is None:
        raise NotFoundError("no_barcode", "条码 {ref} 不属于任何SKU", "No SKU has barcode {ref}",
                            ref=code)
    return {"sku": sku, "product_id": sku.product_id, "product_code": sku.product.code,
            "product_title": sku.product.title}


@router.get("/shelf/live", response=list[ShelfSectionOut], summary="当前货架 / live shelf")
@api_access("catalog.view")
def shelf(request, page: str = "home", category: int | None = None, channel: str = ""):
    if page not in ShelfSlot.Page.values:
        raise UserError("shelf_page", "页面无效：{page}", "Invalid page: {page}", page=page)
    cat = Category.objects.filter(pk=category).first() if category else None
    chan = Channel.objects.filter(code=channel).first() if channel else None
    return [{"section": s.name, "products": [_brief(p) for p in s.products]}
            for s in live_shelf(page, cat, channel=chan)]


@router.post("/submissions", response={201: SubmissionOut},
             summary="报送商品信息（分店/品牌商）/ submit product information")
@api_access("catalog.submit_info")
def submit(request, body: SubmissionIn = None):
    body = body or SubmissionIn()
    source = channel = None
    if body.source:
        source = Supplier.objects.filter(code=body.source).first()
        if source is None:
            raise UserError("unknown_source", "来源商家编码 {ref} 不存在", "No merchant {ref}",
                            ref=body.source)
    if body.source_channel:
        channel = Channel.objects.filter(code=body.source_channel).first()
        if channel is None:
            raise UserError("unknown_channel", "渠道编码 {ref} 不存在", "No channel {ref}",
                            ref=body.source_channel)
    payload = body.model_dump(exclude={"source", "source_channel"})
    payload["skus"] = [{k: v for k, v in row.items() if v is not None} for row in payload["skus"]]
    created = submission_actions.submit_info(actor=request.user, payload=payload, source=source,
                                             source_channel=channel)
    return 201, _submission(created)


@router.get("/submissions/{int:submission_id}", response=SubmissionOut,
            summary="报送状态与退回原因 / a submission")
@api_access("catalog.submit_info")
def submission(request, submission_id: int):
    return _submission(submission_actions.get_visible(request.user, submission_id))

"""Test data for catalog and inventory. Plain functions; each returns saved rows.

    sku = make_sku()                                 # product, category, brand made as needed
    product = make_product(skus=[{"颜色": "红", "尺码": "M"}, {"颜色": "红", "尺码": "L"}])
    wh = make_warehouse(); loc = make_location(wh)
    channel("b2c")                                   # the built-in-like channels by code
"""

import itertools

from shopops.catalog.models import Brand, Category, Channel, Product, Sku
from shopops.inventory.models import Location, Warehouse
from shopops.purchasing.models import Supplier

_n = itertools.count(1)

CHANNELS = {
    "b2c": ("官网商城", Channel.Kind.B2C),
    "tmall": ("天猫旗舰店", Channel.Kind.TAOBAO),
    "jd": ("京东自营店", Channel.Kind.JD),
    "branch-sh": ("上海南京路分店", Channel.Kind.BRANCH),
}


def ean13(body12: str) -> str:
    """A valid EAN-13 from 12 digits (adds the check digit)."""
    digits = [int(c) for c in body12]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return body12 + str(check)


def channel(code="b2c"):
    name, kind = CHANNELS[code]
    return Channel.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


def make_supplier(name=None, kind=Supplier.Kind.BRAND):
    n = next(_n)
    return Supplier.objects.create(code=f"S{n:04d}", name=name or f"杭州织造{n}号", kind=kind)


def make_category(name="连衣裙", parent=None):
    category = Category.objects.create(name=name, parent=parent)
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    return category


def make_brand(name=None):
    return Brand.objects.create(name=name or f"五步{next(_n)}")


def make_product(title=None, *, skus=({"颜色": "藏青", "尺码": "M"},), price_fen=19900,
                 cost_fen=8000, category=None, brand=None, supplier=None, status="active",
                 code=None):
    n = next(_n)
    product = Product.objects.create(
        code=code or f"P{n:05d}", title=title or f"夏季碎花连衣裙 {n}", status=status,
        category=category or make_category(), brand=brand or make_brand(), supplier=supplier,
        search_text=title or f"夏季碎花连衣裙 {n}")
    for i, attributes in enumerate(skus, start=1):
        m = next(_n)
        Sku.objects.create(product=product, code=f"{product.code}-{i:02d}",
                           barcode=ean13(f"69{m:010d}"), attributes=dict(attributes),
                           weight_g=350, cost_fen=cost_fen, price_fen=price_fen)
    return product


def make_sku(**kwargs):
    return make_product(**kwargs).skus.first()


def make_warehouse(code=None, name=None, **fields):
    n = next(_n)
    return Warehouse.objects.create(code=code or f"wh{n}", name=name or f"杭州主仓{n}", **fields)


def make_location(warehouse=None, code=None, walk_order=None):
    n = next(_n)
    return Location.objects.create(warehouse=warehouse or make_warehouse(),
                                   code=code or f"A-{n:02d}-01", walk_order=walk_order or n)

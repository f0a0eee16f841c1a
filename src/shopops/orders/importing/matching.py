"""SKU matching of imported lines (ORD-1), in this order: 商家编码 (our SKU code) →
barcode → the exact title of an active SKU (product title + spec). A line that matches
nothing, or more than one SKU by title, goes to the unmatched-lines queue."""

from shopops.catalog.models import Sku, ordered_attributes


def norm(text: str) -> str:
    return "".join(text.split()).replace("：", ":").replace("；", ";").replace("／", "/").lower()


def _title_keys(title: str, attributes: dict, only: bool) -> set[str]:
    pairs = ordered_attributes(attributes)
    keys = {norm(title + " ".join(f"{k}:{v}" for k, v in pairs)),
            norm(title + " / ".join(f"{k}:{v}" for k, v in pairs)),
            norm(title + ";".join(f"{k}:{v}" for k, v in pairs)),
            norm(title + " ".join(str(v) for _, v in pairs))}
    if only:
        keys.add(norm(title))  # a product with one SKU: its title alone is enough
    return keys


def _title_index() -> dict[str, set[int]]:
    rows = list(Sku.objects.filter(active=True).values_list("pk", "product_id", "attributes",
                                                            "product__title"))
    per_product: dict[int, int] = {}
    for _pk, product_id, _a, _t in rows:
        per_product[product_id] = per_product.get(product_id, 0) + 1
    index: dict[str, set[int]] = {}
    for pk, product_id, attributes, title in rows:
        for key in _title_keys(title, attributes or {}, per_product[product_id] == 1):
            index.setdefault(key, set()).add(pk)
    return index


def match(orders: list[dict]) -> None:
    """Set line["sku_id"] (or None and line["reason"]) on every line of every order."""
    lines = [line for order in orders for line in order["lines"]]
    codes = {line["code"] for line in lines if line["code"]}
    barcodes = codes | {line["barcode"] for line in lines if line["barcode"]}
    by_code = dict(Sku.objects.filter(active=True, code__in=codes).values_list("code", "pk"))
    by_barcode = dict(Sku.objects.filter(active=True, barcode__in=barcodes)
                      .values_list("barcode", "pk"))
    index = None
    for line in lines:
        line["sku_id"], line["reason"] = None, ""
        sku_id = (by_code.get(line["code"]) or by_barcode.get(line["code"])
                  or by_barcode.get(line["barcode"]))
        if sku_id:
            line["sku_id"], line["matched_by"] = sku_id, "code"
            continue
        if index is None:
            index = _title_index()
        found = index.get(norm(line["title"]), set())
        if len(found) == 1:
            line["sku_id"], line["matched_by"] = next(iter(found)), "title"
        elif found:
            line["reason"] = f"标题匹配到 {len(found)} 个SKU，请人工选择"
        elif line["code"]:
            line["reason"] = f"商家编码 {line['code']} 和标题都找不到对应的SKU"
        else:
            line["reason"] = "没有商家编码，标题也找不到对应的SKU"

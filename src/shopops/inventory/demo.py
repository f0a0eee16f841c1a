"""Demo inventory: 杭州主仓 with 40 locations and 上海南京路分店; the demo catalog's SKUs
received from their suppliers and brand merchants with both signatures (孙伟 hands over
what the delivery brought, 赵强 receives it into the bins); a sample issue; a transfer to
the store waiting for the receiver's signature; a posted stocktake and one with
differences waiting for the department manager; a few SKUs below safety stock, whose
alerts sit in the inboxes of the warehouse supervisor and the product manager.

Everything goes through the inventory actions, as the people whose post does it.
`load(people)` is called once by ops.demo after catalog.demo (people: username → User).
"""

from itertools import cycle

from shopops.catalog.models import Product, Sku
from shopops.purchasing.models import Supplier

from .actions import documents, safety, stocktake, warehouses
from .models import Document

LOW = 3  # SKUs received below the default safety stock, so their alerts show


def _skus():
    return list(Sku.objects.filter(active=True, product__status=Product.Status.ACTIVE)
                .select_related("product").order_by("product__code", "code"))


def _sign_both(document, first, second):
    documents.submit_document(actor=document.created_by, document=document)
    documents.sign_document(actor=first, document=document)
    documents.sign_document(actor=second, document=document)


def load(people):
    keeper, picker = people["warehouse_supervisor"], people["picker"]
    main = warehouses.create_warehouse(actor=keeper, code="hz-main", name="杭州主仓",
                                       address="杭州市余杭区仓前街道良睦路 1399 号 3 号库")
    store = warehouses.create_warehouse(actor=keeper, code="sh-njl", name="上海南京路分店",
                                        kind="store", sellable=False,
                                        address="上海市黄浦区南京东路 299 号 1 楼")
    warehouses.bulk_create_locations(actor=keeper, warehouse=main, first="A-01-01",
                                     last="A-02-10")
    warehouses.bulk_create_locations(actor=keeper, warehouse=main, first="B-01-01",
                                     last="B-02-10")
    skus = _skus()
    if not skus:
        return
    bins = list(main.locations.order_by("walk_order"))
    placed = dict(zip((s.pk for s in skus), cycle(bins), strict=False))
    low = {s.pk for s in skus[2::max(1, len(skus) // LOW)][:LOW]}
    fallback = Supplier.objects.order_by("code").first()
    by_supplier: dict = {}
    for sku in skus:
        by_supplier.setdefault(sku.product.supplier_id or fallback.pk, []).append(sku)
    suppliers = Supplier.objects.in_bulk(list(by_supplier))
    for n, (supplier_id, group) in enumerate(sorted(by_supplier.items())):
        receipt = documents.create_document(
            actor=picker, kind="receipt", warehouse=main, supplier=suppliers[supplier_id],
            handed_by=keeper, received_by=picker, note=f"{suppliers[supplier_id].name} 到货",
            lines=[{"sku": s, "quantity": 3 if s.pk in low else 12 + (i * 7 + n) % 30,
                    "location": placed[s.pk]} for i, s in enumerate(group)])
        _sign_both(receipt, keeper, picker)

    # A product manager watches one SKU more closely.
    watched = next(s for s in skus if s.pk not in low)
    safety.set_safety_stock(actor=people["product_manager"], sku=watched, warehouse=main,
                            safety_stock=10, responsible=people["product_manager"])

    # Samples lent to the web editor for the product photos.
    sample = skus[0] if skus[0].pk not in low else skus[1]
    issue = documents.create_document(
        actor=keeper, kind="issue", warehouse=main, handed_by=keeper, received_by=people["editor"],
        note="借出拍摄样品（新品详情页拍摄，两周内归还）",
        lines=[{"sku": sample, "quantity": 1, "location": placed[sample.pk]}])
    _sign_both(issue, keeper, people["editor"])

    # To the store: 赵强 has handed it over; 孙伟 has yet to sign for its arrival.
    outgoing = [s for s in skus if s.pk not in low][3:6]
    transfer = documents.create_document(
        actor=picker, kind="transfer", warehouse=main, to_warehouse=store, handed_by=picker,
        received_by=keeper, note="南京路分店周末陈列补货",
        lines=[{"sku": s, "quantity": 5, "location": placed[s.pk]} for s in outgoing])
    documents.submit_document(actor=picker, document=transfer)
    documents.sign_document(actor=picker, document=transfer)

    # Yesterday's count of the B aisle matched; today's count of A-01 found differences.
    _count_all(picker, main, [b for b in bins if b.code.startswith("B-01")], diffs=False)
    _count_all(picker, main, [b for b in bins if b.code.startswith("A-01")][:5], diffs=True)


def _count_all(actor, warehouse, locations, *, diffs):
    sheet = stocktake.create_stocktake(actor=actor, warehouse=warehouse, locations=locations,
                                       note="定期盘点（每两日一次）")
    lines = list(sheet.lines.order_by("id"))
    counts = {ln.pk: ln.expected for ln in lines}
    if diffs and len(lines) >= 2:
        counts[lines[0].pk] = max(0, lines[0].expected - 1)
        counts[lines[-1].pk] = lines[-1].expected + 2
    stocktake.record_counts(actor=actor, document=sheet, counts=counts)
    stocktake.submit_stocktake(actor=actor, document=sheet)
    return Document.objects.get(pk=sheet.pk)

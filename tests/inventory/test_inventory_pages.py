"""INV-1…INV-5, FUL-3 on the pages: stock list with low stock highlighted and bounded
queries, a SKU's stock page with its ledger, the ledger list, documents with signatures
and the sign/cancel buttons for the right people, the stocktake count page."""

import re

import pytest
from django.test import Client

from shopops.core.models import Proposal
from shopops.inventory import ledger
from shopops.inventory.actions.documents import create_document, sign_document, submit_document
from shopops.inventory.actions.stocktake import create_stocktake
from shopops.inventory.models import Document, Move, Stock
from tests.factories import make_category, make_location, make_product, make_warehouse


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def many(hz, db):
    """32 SKUs with stock in 杭州主仓 and a few documents, for the query-count tests."""
    category = make_category("连衣裙")
    skus = []
    for n in range(4):
        product = make_product(f"夏季碎花连衣裙 {n}", category=category,
                               skus=[{"尺码": s} for s in ("S", "M", "L", "XL",
                                                           "XXL", "3XL", "4XL", "5XL")])
        skus.extend(product.skus.all())
    loc = hz.locations.first()
    for i, sku in enumerate(skus):
        ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=3 + i, location=loc,
                       reference="test:many")
    return skus


# ---- stock --------------------------------------------------------------------------------

def test_inv1_stock_list_shows_on_hand_reserved_available_and_safety(
        hz, dress, keeper, client_for, put_stock):
    put_stock(dress, hz, 12)
    ledger.reserve(actor=None, sku=dress, warehouse=hz, quantity=2, reference="order:9")
    html = _html(client_for(keeper).get("/inventory/"))
    row = re.search(rf'<tr[^>]*>\s*<td><a href="/inventory/sku/{dress.pk}/">P-DRESS-01</a>.*?</tr>',
                    html, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert [c.strip() for c in cells[3:6]] == ["杭州主仓", "12", "2"]
    assert "<b>10</b>" in row and "低库存" not in row


def test_inv5_stock_list_highlights_low_stock_and_filters_to_it(hz, dress, shirt, keeper,
                                                                client_for, put_stock):
    put_stock(dress, hz, 3)   # below the default safety stock of 5
    put_stock(shirt, hz, 30)
    client = client_for(keeper)
    html = _html(client.get("/inventory/"))
    assert html.count('data-low="1"') == 1
    assert "低库存" in html
    low = _html(client.get("/inventory/?low=1"))
    assert "P-DRESS-01" in low and "P-SHIRT-01" not in low


def test_inv1_stock_list_filters_by_warehouse_category_and_code(hz, store, dress, shirt, keeper,
                                                                client_for, put_stock):
    put_stock(dress, hz, 5)
    put_stock(dress, store, 5)
    put_stock(shirt, hz, 5)
    client = client_for(keeper)
    by_store = _html(client.get(f"/inventory/?warehouse={store.pk}"))
    assert "P-DRESS-01" in by_store and "P-SHIRT-01" not in by_store
    by_barcode = _html(client.get(f"/inventory/?q={shirt.barcode}"))
    assert "P-SHIRT-01" in by_barcode and "P-DRESS-01" not in by_barcode
    by_title = _html(client.get("/inventory/?q=棉麻"))
    assert "P-SHIRT-01" in by_title and "P-DRESS-01" not in by_title
    category = dress.product.category
    by_category = _html(client.get(f"/inventory/?category={category.pk}"))
    assert "P-DRESS-01" in by_category and "P-SHIRT-01" not in by_category


def test_inv1_stock_list_queries_do_not_grow_with_rows(many, keeper, client_for,
                                                       django_assert_max_num_queries):
    client = client_for(keeper)
    with django_assert_max_num_queries(12):
        html = _html(client.get("/inventory/"))
    assert html.count('href="/inventory/sku/') == 32
    with django_assert_max_num_queries(12):
        _html(client.get("/inventory/?low=1&q=连衣裙"))


def test_inv1_sku_page_shows_every_warehouse_bins_reservations_and_the_ledger(
        hz, bins, store, dress, supplier, keeper, picker, client_for, put_stock):
    doc = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                          handed_by=keeper, received_by=picker,
                          lines=[{"sku": dress, "quantity": 9, "location": bins["A-01-02"]}])
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    put_stock(dress, store, 2)
    ledger.reserve(actor=picker, sku=dress, warehouse=hz, quantity=1, reference="order:77")
    html = _html(client_for(keeper).get(f"/inventory/sku/{dress.pk}/"))
    assert "上海南京路分店" in html and "A-01-02" in html and "order:77" in html
    moves = html[html.index('data-testid="moves"'):]
    # The receipt line: kind, delta, the document's number linked, who and the counterpart.
    receipt_row = re.search(rf"<tr>(?:(?!</tr>).)*{doc.number}.*?</tr>", moves, re.S).group(0)
    assert "入库" in receipt_row
    assert "+9" in receipt_row
    assert f'<a href="/inventory/documents/{doc.pk}/">{doc.number}</a>' in receipt_row
    assert "赵强" in receipt_row and "孙伟" in receipt_row
    assert "占用" in moves


def test_inv5_safety_stock_form_on_the_sku_page(hz, dress, client_for, make_user, keeper,
                                                put_stock):
    put_stock(dress, hz, 10)
    pm = make_user(roles=["product_manager"])
    client = client_for(pm)
    assert 'data-testid="safety-form"' in _html(client.get(f"/inventory/sku/{dress.pk}/"))
    response = client.post(f"/inventory/sku/{dress.pk}/safety/",
                           {"warehouse": hz.pk, "safety_stock": "12", "responsible": keeper.pk},
                           follow=True)
    assert _messages(response) == ["已设置 P-DRESS-01 在 杭州主仓 的安全库存为 12 件。"]
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    assert (stock.safety_stock, stock.responsible) == (12, keeper)
    # Viewers without the capability see no form and are refused the POST.
    viewer = make_user(roles=["analyst"])
    assert 'data-testid="safety-form"' not in _html(
        client_for(viewer).get(f"/inventory/sku/{dress.pk}/"))
    assert client_for(viewer).post(f"/inventory/sku/{dress.pk}/safety/",
                                   {"warehouse": hz.pk, "safety_stock": "1"}).status_code == 403


def test_inv1_sku_page_and_move_list_queries_are_bounded(many, hz, keeper, client_for,
                                                         django_assert_max_num_queries):
    client = client_for(keeper)
    sku = many[0]
    for _ in range(30):
        ledger.reserve(actor=keeper, sku=sku, warehouse=hz, quantity=1, reference="order:x")
        ledger.release(actor=keeper, reservation=sku.reservations.filter(state="active").first())
    with django_assert_max_num_queries(14):
        _html(client.get(f"/inventory/sku/{sku.pk}/"))
    with django_assert_max_num_queries(10):
        html = _html(client.get("/inventory/moves/"))
    assert html.count("<tr>") >= 50
    with django_assert_max_num_queries(10):
        _html(client.get(f"/inventory/moves/?kind=reserve&warehouse={hz.pk}&since=2000-01-01"))


def test_inv1_move_list_filters_by_document_number(hz, bins, dress, supplier, keeper, picker,
                                                   client_for, put_stock):
    put_stock(dress, hz, 1, bins["A-01-03"])
    doc = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                          handed_by=keeper, received_by=picker,
                          lines=[{"sku": dress, "quantity": 4, "location": bins["A-01-01"]}])
    submit_document(actor=keeper, document=doc)
    sign_document(actor=keeper, document=doc)
    sign_document(actor=picker, document=doc)
    html = _html(client_for(keeper).get(f"/inventory/moves/?reference={doc.number}"))
    table = html[html.index('data-testid="moves"'):]
    assert table.count("<tr>") == 2  # header + the receipt
    assert "A-01-01" in table and "A-01-03" not in table


# ---- documents ------------------------------------------------------------------------------

def test_inv4_receipt_created_from_the_page_with_lines_by_code_and_barcode(
        hz, bins, dress, shirt, supplier, keeper, picker, client_for):
    client = client_for(picker)
    response = client.post("/inventory/documents/new/receipt/", {
        "warehouse": hz.pk, "supplier": supplier.pk, "handed_by": keeper.pk,
        "received_by": picker.pk, "note": "",
        "lines": f"P-DRESS-01 10 A-01-01\n{shirt.barcode}，6，a-01-02\n",
        "and_submit": "1"}, follow=True)
    doc = Document.objects.get()
    assert _messages(response) == [f"{doc.number} 已提交，等待交出人和接收人签字。"]
    assert doc.state == "signing"
    assert [(ln.sku.code, ln.quantity, ln.location.code) for ln in doc.lines.all()] == [
        ("P-DRESS-01", 10, "A-01-01"), ("P-SHIRT-01", 6, "A-01-02")]


def test_inv4_bad_line_on_the_page_names_it_and_creates_nothing(hz, bins, supplier, keeper,
                                                                picker, client_for):
    response = client_for(picker).post("/inventory/documents/new/receipt/", {
        "warehouse": hz.pk, "supplier": supplier.pk, "handed_by": keeper.pk,
        "received_by": picker.pk, "lines": "NOPE-1 3 A-01-01"})
    assert response.status_code == 200
    assert _messages(response) == [
        "第 1 行：找不到商品 NOPE-1（商家编码或条码）。 (Line 1: no SKU with code or barcode NOPE-1.)"]
    assert not Document.objects.exists()


def test_ful3_sign_button_only_for_the_named_person_still_to_sign(
        hz, bins, dress, supplier, keeper, picker, client_for, make_user):
    doc = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                          handed_by=keeper, received_by=picker,
                          lines=[{"sku": dress, "quantity": 2, "location": bins["A-01-01"]}])
    submit_document(actor=keeper, document=doc)
    url = f"/inventory/documents/{doc.pk}/"
    assert "我已交出，签字确认" in _html(client_for(keeper).get(url))
    assert "我已收到，签字确认" in _html(client_for(picker).get(url))
    stranger = make_user(roles=["warehouse_supervisor"])
    assert 'data-testid="sign"' not in _html(client_for(stranger).get(url))
    # A stranger posting anyway is told why and nothing changes.
    response = client_for(stranger).post(f"{url}sign/", follow=True)
    assert _messages(response) == ["只有单据指定的交出人或接收人本人可以签字。 "
                                   "(Only the named person handing over or receiving may sign.)"]
    response = client_for(keeper).post(f"{url}sign/", follow=True)
    assert _messages(response) == ["已签字，等待另一方签字。"]
    assert 'data-testid="sign"' not in _html(client_for(keeper).get(url))
    response = client_for(picker).post(f"{url}sign/", follow=True)
    assert _messages(response) == [f"已签字。双方均已签字，{doc.number} 已过账。"]
    html = _html(client_for(picker).get(url))
    assert "已过账" in html and html.count("已签字</span>") == 2
    assert "作废" not in html.split('data-testid="lines"')[1].split("产生的库存流水")[0]


def test_inv4_short_stock_shows_the_error_and_keeps_the_document_waiting(
        hz, bins, store, dress, keeper, picker, client_for, put_stock):
    put_stock(dress, hz, 1, bins["A-01-01"])
    doc = create_document(actor=picker, kind="transfer", warehouse=hz, to_warehouse=store,
                          handed_by=picker, received_by=keeper,
                          lines=[{"sku": dress, "quantity": 3, "location": bins["A-01-01"]}])
    submit_document(actor=picker, document=doc)
    sign_document(actor=picker, document=doc)
    response = client_for(keeper).post(f"/inventory/documents/{doc.pk}/sign/", follow=True)
    assert _messages(response)[0].startswith(
        f"{doc.number} 无法过账，库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 1，需要 3")
    assert Document.objects.get(pk=doc.pk).state == "signing"


def test_inv4_cancel_from_the_page(hz, bins, dress, supplier, keeper, picker, client_for):
    doc = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                          handed_by=keeper, received_by=picker,
                          lines=[{"sku": dress, "quantity": 2, "location": bins["A-01-01"]}])
    response = client_for(keeper).post(f"/inventory/documents/{doc.pk}/cancel/",
                                       {"reason": "重复录入"}, follow=True)
    assert _messages(response) == [f"{doc.number} 已作废。"]
    assert Document.objects.get(pk=doc.pk).state == "cancelled"


def test_inv4_document_list_filters_and_waiting_for_my_signature(
        hz, bins, dress, supplier, keeper, picker, client_for):
    mine = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                           handed_by=keeper, received_by=picker,
                           lines=[{"sku": dress, "quantity": 2, "location": bins["A-01-01"]}])
    submit_document(actor=keeper, document=mine)
    draft = create_document(actor=keeper, kind="receipt", warehouse=hz, supplier=supplier,
                            lines=[{"sku": dress, "quantity": 1, "location": bins["A-01-01"]}])
    html = _html(client_for(picker).get("/inventory/documents/?mine=1"))
    assert mine.number in html and draft.number not in html
    html = _html(client_for(picker).get("/inventory/documents/?state=draft"))
    assert draft.number in html and mine.number not in html


def test_inv4_document_list_and_detail_queries_are_bounded(
        hz, bins, store, dress, supplier, keeper, picker, client_for,
        django_assert_max_num_queries):
    for n in range(30):
        doc = create_document(actor=keeper, kind="receipt" if n % 2 else "transfer",
                              warehouse=hz, supplier=supplier, to_warehouse=store,
                              handed_by=keeper, received_by=picker,
                              lines=[{"sku": dress, "quantity": 1 + n,
                                      "location": bins["A-01-01"]}])
    client = client_for(keeper)
    with django_assert_max_num_queries(10):
        html = _html(client.get("/inventory/documents/"))
    assert html.count('href="/inventory/documents/') >= 30
    with django_assert_max_num_queries(14):
        _html(client.get(f"/inventory/documents/{doc.pk}/"))


def test_inv4_create_pages_follow_the_capabilities(keeper, make_user, client_for, db):
    html = _html(client_for(keeper).get("/inventory/documents/"))
    for label in ("新建入库单", "新建调拨单", "新建出库单", "新建盘点单"):
        assert label in html
    returns = make_user(roles=["returns_receiver"])
    client = client_for(returns)
    html = _html(client.get("/inventory/documents/"))
    assert "新建入库单" in html and "新建调拨单" not in html and "新建盘点单" not in html
    assert client.get("/inventory/documents/new/receipt/").status_code == 200
    assert client.get("/inventory/documents/new/transfer/").status_code == 403
    assert client.get("/inventory/documents/new/issue/").status_code == 403
    assert client.get("/inventory/stocktakes/new/").status_code == 403


# ---- stocktake ------------------------------------------------------------------------------

def test_inv3_count_page_has_a_scan_field_and_one_row_per_sku_and_location(
        hz, bins, dress, shirt, picker, client_for, put_stock):
    put_stock(dress, hz, 10, bins["A-01-01"])
    put_stock(shirt, hz, 6, bins["A-01-02"])
    client = client_for(picker)
    response = client.post("/inventory/stocktakes/new/", {"warehouse": hz.pk, "locations": ""},
                           follow=True)
    doc = Document.objects.get(kind="stocktake")
    assert _messages(response) == [f"已生成盘点单 {doc.number}，共 2 行。"]
    html = _html(response)
    assert 'data-testid="scan"' in html and "inventory/stocktake.js" in html
    assert f'data-barcode="{dress.barcode}" data-code="P-DRESS-01" data-location="A-01-01"' in html
    lines = {ln.sku.code: ln for ln in doc.lines.select_related("sku")}
    response = client.post(f"/inventory/documents/{doc.pk}/count/", {
        f"count_{lines['P-DRESS-01'].pk}": "9", f"count_{lines['P-SHIRT-01'].pk}": "6",
        "and_submit": "1"}, follow=True)
    assert _messages(response) == ["盘点有差异，已提交部门经理审批。"]
    doc.refresh_from_db()
    assert doc.state == "proposed"
    assert Proposal.objects.get().payload["lines"][0]["difference"] == -1


def test_inv3_count_page_adds_goods_found_off_the_sheet(hz, bins, shirt, picker, client_for):
    doc = create_stocktake(actor=picker, warehouse=hz, locations=[bins["A-01-03"]])
    response = client_for(picker).post(f"/inventory/documents/{doc.pk}/count/add/", {
        "sku": shirt.barcode, "location": "a-01-03", "counted": "2"}, follow=True)
    assert _messages(response) == ["已增加 P-SHIRT-01。"]
    line = doc.lines.get()
    assert (line.location.code, line.expected, line.counted) == ("A-01-03", 0, 2)


def test_inv3_stocktake_for_unknown_locations_is_refused(hz, picker, client_for):
    response = client_for(picker).post("/inventory/stocktakes/new/",
                                       {"warehouse": hz.pk, "locations": "Z-99-99"})
    assert _messages(response) == ["杭州主仓 没有库位：Z-99-99 (杭州主仓 has no location: Z-99-99)"]
    assert not Document.objects.exists()


def test_inv3_count_page_queries_are_bounded(many, hz, picker, client_for,
                                             django_assert_max_num_queries):
    doc = create_stocktake(actor=picker, warehouse=hz)
    assert doc.lines.count() == 32
    client = client_for(picker)
    with django_assert_max_num_queries(10):
        html = _html(client.get(f"/inventory/documents/{doc.pk}/count/"))
    assert html.count('name="count_') == 32


# ---- warehouses -----------------------------------------------------------------------------

def test_inv1_warehouse_pages_queries_are_bounded(many, hz, keeper, client_for,
                                                  django_assert_max_num_queries):
    for n in range(30):
        make_warehouse(name=f"分仓{n}")
        make_location(hz, code=f"B-{n:02d}-01")
    client = client_for(keeper)
    with django_assert_max_num_queries(12):
        html = _html(client.get("/inventory/warehouses/"))
    assert html.count('href="/inventory/warehouses/') >= 31
    with django_assert_max_num_queries(12):
        html = _html(client.get(f"/inventory/warehouses/{hz.pk}/"))
    assert "B-00-01" in html


def test_moves_exist_only_through_the_ledger(hz, dress, put_stock):
    """INV-1: a Move cannot be edited once written."""
    move = put_stock(dress, hz, 1)
    move.note = "改写"
    with pytest.raises(TypeError):
        move.save()
    assert Move.objects.get(pk=move.pk).note == ""


# ---- the demo -------------------------------------------------------------------------------

def test_inv_demo_shows_signed_receipts_a_waiting_transfer_a_stocktake_and_alerts(
        db, settings, tmp_path):
    from shopops.accounts.models import User
    from shopops.core.actions.approvals import waiting_for
    from shopops.core.models import Notification
    from shopops.inventory.models import Location, Warehouse
    from shopops.ops.demo import load_demo

    settings.BACKUP_DIR = tmp_path / "backups"
    load_demo()
    main = Warehouse.objects.get(name="杭州主仓")
    assert Warehouse.objects.get(name="上海南京路分店").kind == "store"
    assert Location.objects.filter(warehouse=main).count() == 40
    receipts = Document.objects.filter(kind="receipt")
    assert receipts.count() >= 2
    assert set(receipts.values_list("state", "handed_by__display_name",
                                    "received_by__display_name")) == {("posted", "孙伟", "赵强")}
    assert not receipts.filter(handed_signed_at__isnull=True).exists()
    transfer = Document.objects.get(kind="transfer")
    assert (transfer.state, transfer.handed_by.display_name, transfer.received_by.display_name) \
        == ("signing", "赵强", "孙伟")
    assert transfer.handed_signed_at is not None and transfer.received_signed_at is None
    manager, keeper = User.objects.get(username="manager"), User.objects.get(
        username="warehouse_supervisor")
    assert "stock_adjustment" in {p.kind for p in waiting_for(manager)}
    assert Document.objects.filter(kind="stocktake", state="posted").count() == 1
    assert Notification.objects.filter(recipient=keeper, title__startswith="库存预警").count() >= 3
    client = Client()
    client.force_login(keeper)
    assert "我已收到，签字确认" in _html(client.get(f"/inventory/documents/{transfer.pk}/"))
    assert 'data-low="1"' in _html(client.get("/inventory/?low=1"))
    assert Move.objects.filter(reference__startswith="inventory.document:",
                               counterpart__isnull=True).count() == 0
    # Every inventory page renders the demo's data.
    counting = Document.objects.get(kind="stocktake", state="proposed")
    some_sku = Move.objects.first().sku_id
    for url in ["/inventory/", "/inventory/moves/", "/inventory/documents/",
                "/inventory/warehouses/", f"/inventory/warehouses/{main.pk}/",
                f"/inventory/sku/{some_sku}/", f"/inventory/documents/{counting.pk}/count/",
                *[f"/inventory/documents/{pk}/" for pk in Document.objects.values_list(
                    "pk", flat=True)]]:
        _html(client.get(url))
    client.force_login(manager)
    html = _html(client.get(f"/proposals/{counting.proposal_id}/"))
    assert "盘点差异调整" in html and "账面" in html


def test_inv1_api_stock_list_is_bounded_and_flags_low_stock(many, keeper, client_for,
                                                            django_assert_max_num_queries):
    client = client_for(keeper)
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/inventory/stock?limit=100").json()
    assert len(rows) == 32
    low = [r["sku_code"] for r in rows if r["low"]]
    assert low == [r["sku_code"] for r in rows if r["available"] <= 5]
    assert len(low) == 3  # quantities 3, 4, 5 against the default safety stock of 5
